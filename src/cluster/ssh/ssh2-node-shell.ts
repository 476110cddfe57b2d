/**
 * ADAPTER. A NodeShell over one ssh2 connection. Host keys are checked against known_hosts
 * text the caller read: an unknown host or a different key is refused with an SshError that
 * names the node, unless `acceptNewHostKeys` (OpenSSH's accept-new: trust a host seen for the
 * first time, never a changed key). Errors from ssh2 are translated to SshError /
 * RemoteCommandError / TimeoutError, keeping the original as `cause`.
 */
import { createHash } from "node:crypto";
import { Client } from "ssh2";
import type { ConnectConfig, SFTPWrapper } from "ssh2";
import { RemoteCommandError, SshError, TimeoutError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import { shellQuote } from "../ports.js";
import type { ExecOptions, ExecResult, NodeShell } from "../ports.js";
import { keysFor, knownHostsLine, verifyHostKey } from "./known-hosts.js";
import type { HostKeyVerdict, KnownHostKey } from "./known-hosts.js";

export interface SshTarget {
  readonly node: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** Private key text; absent: use the agent at SSH_AUTH_SOCK. */
  readonly privateKey?: string;
  /** known_hosts content and where it came from (for messages). */
  readonly knownHosts: string;
  readonly knownHostsPath: string;
  readonly acceptNewHostKeys?: boolean;
  /** Called with the known_hosts line to append when a new host key was accepted. */
  readonly onNewHostKey?: (line: string) => void;
  readonly connectTimeoutMs?: number;
}

export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

function keyTypeOf(blob: Buffer): string {
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString("latin1");
}

/** Host key types known_hosts has for the host, in ssh2's names, to negotiate that key. */
function hostKeyAlgorithms(types: readonly string[]): ConnectConfig["algorithms"] | undefined {
  if (types.length === 0) return undefined;
  const algos = types.flatMap((t) =>
    t === "ssh-rsa" ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : [t],
  );
  return {
    serverHostKey: [...new Set(algos)] as NonNullable<
      NonNullable<ConnectConfig["algorithms"]>["serverHostKey"]
    >,
  };
}

/**
 * One SSH handshake with host key checking; resolves with the ready client. `known` belongs to
 * the shell, not to one handshake: a key accepted on first contact is remembered, so a
 * reconnection to a host that now shows another key is a mismatch (OpenSSH's accept-new never
 * accepts a changed key).
 */
function connectClient(target: SshTarget, logger: Logger, known: KnownHostKey[]): Promise<Client> {
  const log = logger.child({ node: target.node });
  return new Promise((resolve, reject) => {
    const conn = new Client();
    let verdict: { v: HostKeyVerdict; type: string; fp: string } | undefined;
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      conn.end();
      reject(err);
    };
    conn.on("error", (e: Error & { level?: string; code?: string }) => {
      fail(translateConnectError(target, e, verdict));
    });
    conn.on("ready", () => {
      settled = true;
      log.debug("ssh connected", { host: target.host });
      resolve(conn);
    });
    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: target.user,
      readyTimeout: target.connectTimeoutMs ?? 15_000,
      keepaliveInterval: 5_000,
      keepaliveCountMax: 3,
      hostVerifier: (blob: Buffer) => {
        const type = keyTypeOf(blob);
        const v = verifyHostKey(known, type, blob.toString("base64"));
        verdict = { v, type, fp: fingerprint(blob) };
        if (v === "trusted") return true;
        if (v === "unknown" && target.acceptNewHostKeys) {
          target.onNewHostKey?.(
            knownHostsLine(target.host, target.port, type, blob.toString("base64")),
          );
          log.info(`accepted new host key ${type} ${verdict.fp}`);
          // Trusted from now on, for reconnections of this session too.
          known.push({ type, key: blob.toString("base64"), revoked: false });
          return true;
        }
        return false;
      },
    };
    const algorithms = hostKeyAlgorithms(known.filter((k) => !k.revoked).map((k) => k.type));
    if (algorithms) config.algorithms = algorithms;
    if (target.privateKey !== undefined) config.privateKey = target.privateKey;
    else if (process.env.SSH_AUTH_SOCK) config.agent = process.env.SSH_AUTH_SOCK;
    try {
      conn.connect(config);
    } catch (e: unknown) {
      fail(new SshError(target.node, `cannot start SSH: ${(e as Error).message}`, { cause: e }));
    }
  });
}

/**
 * One connection per node, kept alive (SSH keepalives every 5 s) and re-established, with the
 * same host key checks, when it was lost: the next call after a loss reconnects once.
 */
export async function connectSsh2NodeShell(target: SshTarget, logger: Logger): Promise<NodeShell> {
  const known = keysFor(target.knownHosts, target.host, target.port);
  let current = await connectClient(target, logger, known);
  let alive = true;
  let closing = false;
  let reconnecting: Promise<Client> | undefined;
  const watch = (c: Client): void => {
    c.on("close", () => {
      if (c === current) alive = false;
    });
  };
  watch(current);
  const client = async (): Promise<Client> => {
    if (alive) return current;
    if (closing) throw new SshError(target.node, "connection closed");
    reconnecting ??= connectClient(target, logger, known).then(
      (c) => {
        current = c;
        alive = true;
        reconnecting = undefined;
        watch(c);
        logger.child({ node: target.node }).info("SSH connection re-established");
        return c;
      },
      (e: unknown) => {
        reconnecting = undefined;
        throw e;
      },
    );
    return reconnecting;
  };
  return makeShell(target.node, client, () => {
    closing = true;
    current.end();
  });
}

function translateConnectError(
  t: SshTarget,
  e: Error & { level?: string; code?: string },
  verdict: { v: HostKeyVerdict; type: string; fp: string } | undefined,
): SshError {
  const where = `${t.user}@${t.host}:${t.port}`;
  if (verdict && verdict.v !== "trusted") {
    const why =
      verdict.v === "unknown"
        ? `unknown host key ${verdict.type} ${verdict.fp} for ${where}: it is not in ${t.knownHostsPath}; add it, or pass --accept-new-host-keys to trust a host seen for the first time`
        : verdict.v === "revoked"
          ? `host key ${verdict.type} ${verdict.fp} of ${where} is marked @revoked in ${t.knownHostsPath}`
          : `HOST KEY MISMATCH for ${where}: it presented ${verdict.type} ${verdict.fp}, which is not the key ${t.knownHostsPath} has for it; refusing to connect (if the host was rebuilt, remove its old line)`;
    return new SshError(t.node, why, { cause: e });
  }
  if (e.level === "client-authentication") {
    return new SshError(
      t.node,
      `authentication refused for ${where}: check ssh.user and ssh.private_key`,
      { cause: e },
    );
  }
  if (e.level === "client-timeout" || /Timed out while waiting for handshake/.test(e.message)) {
    return new SshError(
      t.node,
      `unreachable: no SSH handshake from ${where} within ${t.connectTimeoutMs ?? 15_000} ms`,
      { cause: e },
    );
  }
  if (
    e.code !== undefined &&
    ["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN"].includes(
      e.code,
    )
  ) {
    return new SshError(t.node, `unreachable: ${e.code} connecting to ${where}`, { cause: e });
  }
  return new SshError(t.node, `SSH to ${where} failed: ${e.message}`, { cause: e });
}

/**
 * The command as the node runs it: a shell that says its PID on stderr's first line, then execs
 * the command in its place. sshd starts each command in a session of its own, so that PID is
 * also the process group of the command and of every child it starts (a pipeline, a `docker
 * logs | sed`): a command cut short by its deadline or a stop is killed as a group.
 */
const PID_WRAPPER = `sh -c 'echo "$$" >&2; exec "$@"' kroll`;

/** Bound on opening a channel (exec or SFTP) when the server never answers. */
const OPEN_TIMEOUT_MS = 20_000;

function makeShell(node: string, getClient: () => Promise<Client>, close: () => void): NodeShell {
  /**
   * TERM to the command's process group, KILL 3 s later if any of it is left. The group is read
   * from /proc (a login shell that does not exec the command leaves it a child of the group's
   * leader), and only a group that leads its own session is killed: the one sshd made for that
   * command, never a group it shares with anything else.
   */
  const killGroup = async (pid: number): Promise<void> => {
    const conn = await getClient().catch(() => undefined);
    if (conn === undefined) return;
    const script = [
      'set -- $(sed "s/.*) //" /proc/"$1"/stat 2>/dev/null)',
      '[ -n "$3" ] && [ "$3" = "$4" ] && [ "$3" -gt 1 ] || exit 0',
      // No "--": dash's kill takes a negative PID (a group) without it, and refuses it.
      'g=$3; kill -TERM -"$g" 2>/dev/null || exit 0',
      'i=0; while [ $i -lt 6 ]; do kill -0 -"$g" 2>/dev/null || exit 0; sleep 0.5; i=$((i+1)); done',
      'kill -KILL -"$g" 2>/dev/null; true',
    ].join("\n");
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 10_000);
      conn.exec(`sh -c ${shellQuote(script)} kroll-kill ${pid}`, (err, stream) => {
        if (err) {
          clearTimeout(timer);
          resolve();
          return;
        }
        stream.on("close", () => {
          clearTimeout(timer);
          resolve();
        });
        stream.resume();
        stream.stderr.resume();
        stream.end();
      });
    });
  };

  const exec = async (argv: readonly string[], opts: ExecOptions): Promise<ExecResult> => {
    const conn = await getClient();
    return new Promise((resolve, reject) => {
      const command = argv.map(shellQuote).join(" ");
      if (opts.signal?.aborted) {
        reject(
          new SshError(node, `aborted before running ${command}`, { cause: opts.signal.reason }),
        );
        return;
      }
      let stdout = "";
      let stderr = "";
      let pid: number | undefined;
      let pidLine = true;
      let done = false;
      let channel: { close(): void } | undefined;
      const finish = (f: () => void): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener("abort", onAbort);
        f();
      };
      /**
       * Cut short: the command killed on the node once its PID is known — now, or when the
       * wrapper says it (a channel that opened, or spoke, only after the deadline) — and the
       * channel closed.
       */
      let killWhenKnown = false;
      const killLate = (ch: { close(): void }): void => {
        killWhenKnown = true;
        // A wrapper that never says its PID: the channel is not kept open for ever.
        setTimeout(() => ch.close(), 10_000).unref();
      };
      const cut = (err: Error): void => {
        if (done) return;
        const p = pid;
        finish(() => {
          if (p !== undefined) {
            channel?.close();
            void killGroup(p).then(() => reject(err));
            return;
          }
          if (channel !== undefined) killLate(channel);
          reject(err);
        });
      };
      // Covers opening the channel too: a server that never answers it is a timeout.
      const timer = setTimeout(
        () => cut(new TimeoutError(`node ${node}: \`${command}\``, opts.timeoutMs)),
        opts.timeoutMs,
      );
      const onAbort = (): void =>
        cut(new SshError(node, `aborted: ${command}`, { cause: opts.signal?.reason }));
      opts.signal?.addEventListener("abort", onAbort, { once: true });
      conn.exec(`${PID_WRAPPER} ${command}`, (err, stream) => {
        if (done && err) return;
        if (done) {
          // Opened after its deadline: nothing waits for it any more, but the command is
          // running on the node; killed as soon as its PID comes.
          channel = stream;
          killLate(stream);
          stream.resume();
          stream.end();
        }
        if (err) {
          finish(() =>
            reject(new SshError(node, `cannot run \`${command}\`: ${err.message}`, { cause: err })),
          );
          return;
        }
        channel ??= stream;
        stream.on("data", (d: Buffer) => (stdout += d.toString()));
        stream.stderr.on("data", (d: Buffer) => {
          stderr += d.toString();
          if (pidLine) {
            // The first line of digits is the wrapper's (a login shell may warn before it).
            const m = /(^|\n)(\d+)\n/.exec(stderr);
            if (m === null) return;
            pid = Number(m[2]) || undefined;
            stderr =
              stderr.slice(0, m.index + (m[1] ?? "").length) + stderr.slice(m.index + m[0].length);
            pidLine = false;
            if (killWhenKnown && pid !== undefined) {
              const p = pid;
              void killGroup(p).then(() => stream.close());
            }
          }
        });
        stream.on("close", (code: number | null, signal?: string) => {
          finish(() => resolve({ exitCode: code ?? (signal ? 128 : -1), stdout, stderr }));
        });
        if (!done) stream.end(opts.stdin ?? "");
      });
    });
  };
  let sftp: SFTPWrapper | undefined;
  let sftpOf: Client | undefined;
  const sftpSession = async (): Promise<SFTPWrapper> => {
    const conn = await getClient();
    if (sftp && sftpOf === conn) return sftp;
    sftp = await new Promise<SFTPWrapper>((resolve, reject) => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        reject(new TimeoutError(`node ${node}: open SFTP`, OPEN_TIMEOUT_MS));
      }, OPEN_TIMEOUT_MS);
      conn.sftp((err, s) => {
        clearTimeout(timer);
        if (late) {
          s?.end();
          return;
        }
        if (err) reject(new SshError(node, `cannot open SFTP: ${err.message}`, { cause: err }));
        else resolve(s);
      });
    });
    sftpOf = conn;
    return sftp;
  };
  return {
    node,
    exec,
    async run(argv, opts) {
      const r = await exec(argv, opts);
      if (r.exitCode !== 0) {
        const tail = r.stderr.trim().split("\n").slice(-3).join(" | ");
        throw new RemoteCommandError(node, argv.join(" "), r.exitCode, tail);
      }
      return r.stdout;
    },
    async openUnixSocket(path) {
      const conn = await getClient();
      return new Promise((resolve, reject) => {
        // Bounded: a channel the server never answers must not hold its caller for ever (a
        // channel that arrives after the deadline is closed).
        let late = false;
        const timer = setTimeout(() => {
          late = true;
          reject(new TimeoutError(`node ${node}: open ${path} over SSH`, OPEN_TIMEOUT_MS));
        }, OPEN_TIMEOUT_MS);
        conn.openssh_forwardOutStreamLocal(path, (err, channel) => {
          clearTimeout(timer);
          if (late) {
            channel?.close();
            return;
          }
          if (err)
            reject(
              new SshError(node, `cannot open ${path} over SSH: ${err.message}`, { cause: err }),
            );
          else resolve(channel);
        });
      });
    },
    async putFile(path, content, opts) {
      // Written beside the target with its final mode, then renamed over it (atomic, and a
      // secret is never readable by others, not even for a moment).
      const s = await sftpSession();
      const tmp = `${path}.kroll-${process.pid}-${Date.now()}`;
      const step = (
        what: string,
        f: (cb: (err: Error | null | undefined) => void) => void,
      ): Promise<void> =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new TimeoutError(`node ${node}: ${what} ${path}`, opts.timeoutMs)),
            opts.timeoutMs,
          );
          f((err) => {
            clearTimeout(timer);
            if (err) reject(new SshError(node, `${what} ${path}: ${err.message}`, { cause: err }));
            else resolve();
          });
        });
      await step("upload", (cb) =>
        s.writeFile(
          tmp,
          typeof content === "string" ? content : Buffer.from(content),
          { mode: opts.mode },
          (err) => cb(err),
        ),
      );
      await step("chmod", (cb) => s.chmod(tmp, opts.mode, (err) => cb(err)));
      await step("rename", (cb) => s.ext_openssh_rename(tmp, path, (err) => cb(err)));
    },
    close,
  };
}
