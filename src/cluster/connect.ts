/**
 * I/O. One SSH connection per node of a scenario, opened in parallel; host keys checked
 * against each node's known_hosts (`accept-new` appends first-seen keys to that file).
 */
import { appendFileSync, readFileSync } from "node:fs";
import PQueue from "p-queue";
import { homedir } from "node:os";
import { join } from "node:path";
import { ConfigError, SshError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { NodeShell } from "./ports.js";
import { connectSsh2NodeShell } from "./ssh/ssh2-node-shell.js";

const expand = (p: string): string => (p.startsWith("~/") ? join(homedir(), p.slice(2)) : p);

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e: unknown) {
    if ((e as { code?: string }).code === "ENOENT") return "";
    throw e;
  }
}

/** What connecting needs of a scenario: its nodes, how each is reached over SSH. */
export interface ClusterNodes {
  readonly cluster: {
    readonly nodes: readonly {
      readonly name: string;
      readonly address: string;
      readonly ssh: {
        readonly user: string;
        readonly port: number;
        readonly private_key?: string | undefined;
        readonly known_hosts?: string | undefined;
      };
    }[];
  };
}

export interface Cluster extends AsyncDisposable {
  readonly shells: ReadonlyMap<string, NodeShell>;
  shell(node: string): NodeShell;
  close(): void;
}

export async function connectCluster(
  s: ClusterNodes,
  logger: Logger,
  opts: { acceptNewHostKeys?: boolean; connectTimeoutMs?: number; parallel?: number } = {},
): Promise<Cluster> {
  const shells = new Map<string, NodeShell>();
  // Handshakes are CPU-bound here (2 cores): at most `parallel` at once.
  const queue = new PQueue({ concurrency: opts.parallel ?? 8 });
  const results = await Promise.allSettled(
    s.cluster.nodes.map((n) =>
      queue.add(async () => {
        const knownHostsPath = expand(n.ssh.known_hosts ?? "~/.ssh/known_hosts");
        let privateKey: string | undefined;
        if (n.ssh.private_key !== undefined) {
          try {
            privateKey = readFileSync(expand(n.ssh.private_key), "utf8");
          } catch (e: unknown) {
            throw new ConfigError([
              {
                file: expand(n.ssh.private_key),
                line: 0,
                column: 0,
                path: `cluster.nodes[${n.name}].ssh.private_key`,
                message: `cannot read the private key of node ${n.name} (${(e as { code?: string }).code ?? String(e)})`,
              },
            ]);
          }
        }
        const shell = await connectSsh2NodeShell(
          {
            node: n.name,
            host: n.address,
            port: n.ssh.port,
            user: n.ssh.user,
            ...(privateKey !== undefined ? { privateKey } : {}),
            knownHosts: readOrEmpty(knownHostsPath),
            knownHostsPath,
            acceptNewHostKeys: opts.acceptNewHostKeys ?? false,
            onNewHostKey: (line) => appendFileSync(knownHostsPath, `${line}\n`, { mode: 0o600 }),
            ...(opts.connectTimeoutMs !== undefined
              ? { connectTimeoutMs: opts.connectTimeoutMs }
              : {}),
          },
          logger,
        );
        shells.set(n.name, shell);
      }),
    ),
  );
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed.length > 0) {
    for (const sh of shells.values()) sh.close();
    const first = failed[0]?.reason as unknown;
    if (failed.length === 1 || !(first instanceof SshError)) throw first;
    throw new SshError(
      first.node,
      `${(first as Error).message.replace(/^node [^:]+: /, "")} (and ${failed.length - 1} more node${failed.length > 2 ? "s" : ""}: ${failed
        .slice(1)
        .map((f) => (f.reason as Error).message)
        .join("; ")})`,
    );
  }
  const close = (): void => {
    for (const sh of shells.values()) sh.close();
  };
  return {
    shells,
    shell(node) {
      const sh = shells.get(node);
      if (!sh) throw new SshError(node, "not connected");
      return sh;
    },
    close,
    [Symbol.asyncDispose]: () => Promise.resolve(close()),
  };
}
