/**
 * EFFECT. kolla's one-shot containers (bootstrap, db sync, online migrations) run detached on
 * the node and are waited for by polling, so a schema migration never depends on kroll's SSH
 * stream: a timeout, a stop request or a lost connection leaves it to end on the node instead of
 * cutting it half-way (an attached `docker run` killed with its client would pass the signal on
 * to the container). A container of the same name already running is an earlier attempt: it is
 * waited for, never removed.
 */
import { systemClock } from "../core/clock.js";
import { RunFailedError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { NodeShell } from "./ports.js";
import { withSecretEnv } from "./ports.js";

export interface OneShotSpec {
  /** The container's name (`<component>_<mode>`). */
  readonly name: string;
  readonly image: string;
  /** `docker run` options before the image (never `--rm`, `-d` or `--name`). */
  readonly options: readonly string[];
  /** Secret variables: named in argv, their values passed on stdin (withSecretEnv). */
  readonly secretEnv?: Readonly<Record<string, string>>;
  /** For messages: what it does. */
  readonly what: string;
  readonly timeoutMs: number;
  /**
   * An exited container of the same name and image is an attempt that ended while nobody
   * waited: its result is taken (true, kroll upgrade's one-shots) or it is run again (false).
   */
  readonly takeEarlierResult?: boolean;
  /** Given the one-shot's output (its last 60 lines) when it ended well. */
  readonly onOutput?: (text: string) => void;
}

/** "done", or "left-running" when `signal` aborted while it ran (it goes on on the node). */
export async function runOneShot(
  sh: NodeShell,
  spec: OneShotSpec,
  logger: Logger,
  signal?: AbortSignal,
): Promise<"done" | "left-running"> {
  const { name } = spec;
  const state = async (): Promise<{ status: string; exit: number; image: string } | undefined> => {
    const r = await sh.exec(
      ["docker", "inspect", "-f", "{{.State.Status}} {{.State.ExitCode}} {{.Config.Image}}", name],
      { timeoutMs: 30_000 },
    );
    if (r.exitCode !== 0) return undefined;
    const [status = "", exit = "0", image = ""] = r.stdout.trim().split(" ");
    return { status, exit: Number(exit), image };
  };
  const before = await state();
  if (before?.status === "running")
    logger.info(
      `${name}: an earlier attempt still runs; waiting for it instead of starting another`,
      {
        node: sh.node,
      },
    );
  else if (before === undefined || before.image !== spec.image || spec.takeEarlierResult !== true) {
    if (before !== undefined) await sh.run(["docker", "rm", "-f", name], { timeoutMs: 30_000 });
    const argv = ["docker", "run", "-d", "--name", name, ...spec.options, spec.image];
    const secrets = spec.secretEnv ?? {};
    const cmd =
      Object.keys(secrets).length > 0 ? withSecretEnv(argv, secrets) : { argv, stdin: "" };
    await sh.run(cmd.argv, { timeoutMs: 120_000, ...(cmd.stdin ? { stdin: cmd.stdin } : {}) });
  }
  const deadline = Date.now() + spec.timeoutMs;
  for (;;) {
    const st = await state();
    if (st === undefined)
      throw new RunFailedError(`node ${sh.node}: ${spec.what}: the one-shot ${name} is gone`);
    if (st.status === "exited" || st.status === "dead") {
      const out = await sh
        .exec(["docker", "logs", "--tail", "60", name], { timeoutMs: 30_000 })
        .then((r) => `${r.stdout}${r.stderr}`.trim())
        .catch(() => "");
      const tail = out.split("\n").slice(-4).join(" | ");
      await sh.exec(["docker", "rm", name], { timeoutMs: 30_000 }).catch(() => undefined);
      if (st.exit !== 0)
        throw new RunFailedError(
          `node ${sh.node}: ${spec.what}: one-shot of ${spec.image} exited ${st.exit}: ${tail}`,
        );
      spec.onOutput?.(out);
      return "done";
    }
    if (signal?.aborted) {
      logger.warn(`${name}: left running to its end (a migration is never cut)`, { node: sh.node });
      return "left-running";
    }
    if (Date.now() > deadline)
      throw new RunFailedError(
        `node ${sh.node}: ${spec.what}: the one-shot ${name} still runs after ${Math.round(spec.timeoutMs / 60_000)} min; left running (never cut): see \`docker logs ${name}\` there`,
      );
    // A stop request ends the pause at once (the next look says "left-running").
    await systemClock.sleep(1_000, signal).catch(() => undefined);
  }
}
