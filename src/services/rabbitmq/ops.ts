/** EFFECT. RabbitMQ's chores on a live cluster: rabbitmqctl, a broker's boot, an RPC drain. */
import type { NodeShell } from "../../cluster/ports.js";
import type { Logger } from "../../core/logger.js";
import type { MemberWait, RpcDrainTarget } from "../types.js";
import {
  describeCancelled,
  nodeAddresses,
  parseRpcDrain,
  rpcDrainExpression,
} from "./rpc-drain.js";

/**
 * `rabbitmqctl ARGS` in a RabbitMQ container, as its own user (the Erlang cookie is its). The
 * node name comes from the container's /etc/rabbitmq/rabbitmq-env.conf, which rabbitmqctl
 * reads as the server does: kolla writes `RABBITMQ_NODENAME=rabbit@<hostname>` there, kroll's
 * deploy `rabbit@localhost` (`RABBITMQ_ENV` in render.ts beside it).
 */
export const rabbitmqctl = (container: string, ...args: string[]): string[] => [
  "docker",
  "exec",
  "-u",
  "rabbitmq",
  container,
  "rabbitmqctl",
  ...args,
];

/** The broker in `container` has booted (`rabbitmqctl await_startup` answers 0). */
export async function rabbitBooted(shell: NodeShell, container: string): Promise<boolean> {
  const r = await shell.exec(rabbitmqctl(container, "await_startup"), { timeoutMs: 60_000 });
  return r.exitCode === 0;
}

/**
 * Cancels the RPC server's consumers on its shared queues at the first broker that answers;
 * what it cancelled ("queue ×n"), or undefined when no broker could do it.
 */
export async function rpcDrain(
  a: RpcDrainTarget,
  deps: { readonly shell: (node: string) => NodeShell; readonly logger: Logger },
): Promise<string[] | undefined> {
  const log = deps.logger.child({ node: a.node });
  const ip = await deps
    .shell(a.node)
    .exec(["ip", "-o", "addr", "show"], { timeoutMs: 20_000 })
    .catch(() => undefined);
  const addresses = nodeAddresses(ip?.stdout ?? "");
  if (addresses.length === 0) {
    log.warn(`rpc drain: cannot read the addresses of ${a.node}`);
    return undefined;
  }
  const expr = rpcDrainExpression({ addresses, process: a.process, queues: a.queues, vhost: "/" });
  for (const b of a.brokers) {
    // Under load one rabbitmqctl call takes 1–7 s; a broker that is not there (a lab runs
    // one) fails at once and the next is tried.
    const r = await deps
      .shell(b.node)
      .exec(rabbitmqctl(b.container, "eval", expr), { timeoutMs: 45_000 })
      .catch((e: unknown) => ({
        exitCode: -1,
        stdout: "",
        stderr: e instanceof Error ? e.message : String(e),
      }));
    const got = r.exitCode === 0 ? parseRpcDrain(r.stdout) : undefined;
    if (got === undefined) {
      log.debug(`rpc drain on ${b.node}: ${(r.stderr || r.stdout).trim().slice(0, 300)}`);
      continue;
    }
    if (got.unsupported.length > 0) {
      log.warn(`rpc drain: not a classic queue, left as it is: ${got.unsupported.join(", ")}`);
      return undefined;
    }
    return describeCancelled(got.cancelled);
  }
  return undefined;
}

/** A broker is back when it has booted (`rabbitmqctl await_startup`). */
export const RABBIT_BOOTED: MemberWait = {
  what: "booted",
  async check(m) {
    const ok = await rabbitBooted(m.shell, m.container).catch(() => false);
    return { ok, seen: ok ? "booted" : "not booted" };
  },
};
