/**
 * EFFECT. HAProxy's runtime API on a loadbalancer host. kolla keeps HAProxy's admin socket in
 * the `haproxy_socket` volume; kroll opens that socket straight over the node's SSH connection
 * (a stream, like Docker's socket), which answers in milliseconds. `docker exec haproxy socat`
 * — the fallback, when the volume or the socket cannot be reached that way — costs about a
 * second of a busy 2-core node per command, and the upgrade and the watchers ask several
 * times per second.
 */
import type { Clock } from "../../core/clock.js";
import type { NodeShell } from "../../cluster/ports.js";
import { RemoteCommandError, TimeoutError } from "../../core/errors.js";

/** Where kolla's HAProxy keeps its admin socket (the `haproxy_socket` volume). */
export const SOCKET_DIR = "/var/lib/kolla/haproxy";
export const SOCKET_NAME = "haproxy.sock";

/** One runtime command through `docker exec <container> socat` (the fallback path). */
export function runtimeCommand(
  command: string,
  container = "haproxy",
  socket = SOCKET_NAME,
): string[] {
  return [
    "docker",
    "exec",
    container,
    "sh",
    "-c",
    `echo "$1" | socat stdio unix-connect:${SOCKET_DIR}/${socket}`,
    "haproxy-cli",
    command,
  ];
}

export type HaproxyRuntime = (command: string, timeoutMs: number) => Promise<string>;

const VOLUME = "haproxy_socket";

/**
 * `socket`: the socket's file name in the volume (`haproxy.sock`; a retiring HAProxy's is
 * renamed so that its successor can bind the usual one), `container` the one `docker exec`
 * reaches it through when the volume cannot be read.
 */
/** A retiring HAProxy's admin socket, renamed in the shared volume (`aside`: its container). */
export const retiringSocket = (aside: string): string => `${aside}.sock`;

export function haproxyRuntime(
  shell: NodeShell,
  at: { readonly socket?: string; readonly container?: string } = {},
): HaproxyRuntime {
  const name = at.socket ?? SOCKET_NAME;
  let socket: Promise<string | undefined> | undefined;
  const socketPath = async (): Promise<string | undefined> => {
    socket ??= shell
      .exec(["docker", "volume", "inspect", "-f", "{{.Mountpoint}}", VOLUME], {
        timeoutMs: 20_000,
      })
      .then((r) =>
        r.exitCode === 0 && r.stdout.trim() !== "" ? `${r.stdout.trim()}/${name}` : undefined,
      )
      .catch(() => undefined);
    const p = await socket;
    // Not there yet (HAProxy not deployed): asked again next time.
    if (p === undefined) socket = undefined;
    return p;
  };
  return async (command, timeoutMs) => {
    const path = await socketPath();
    if (path !== undefined) {
      const answer = await ask(shell, path, command, timeoutMs).catch(() => undefined);
      if (answer !== undefined) return answer;
    }
    const r = await shell.exec(runtimeCommand(command, at.container, name), { timeoutMs });
    if (r.exitCode !== 0)
      throw new RemoteCommandError(shell.node, `haproxy: ${command}`, r.exitCode, r.stderr.trim());
    return r.stdout;
  };
}

/** One command on the socket: HAProxy answers and closes the connection (non-interactive). */
async function ask(
  shell: NodeShell,
  path: string,
  command: string,
  timeoutMs: number,
): Promise<string> {
  const stream = await shell.openUnixSocket(path);
  return new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      stream.destroy();
      reject(new TimeoutError(`node ${shell.node}: haproxy ${command}`, timeoutMs));
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      resolve(out);
    };
    stream.on("data", (d: Buffer) => (out += d.toString()));
    stream.once("end", done);
    stream.once("close", done);
    stream.once("error", (e: Error) => {
      clearTimeout(timer);
      reject(e);
    });
    stream.end(`${command}\n`);
  });
}

/**
 * A loadbalancer's answer to `command`, or "" when no HAProxy runs there. A container that has
 * just (re)started runs before its HAProxy binds the admin socket (kolla_start lays out the
 * config first): its refusals are retried for `startingMs`. A running one still silent after
 * that is an error, never "no servers": a resume must see what it left drained.
 */
export async function askUnlessStopped(
  rt: HaproxyRuntime,
  command: string,
  o: {
    readonly running: () => Promise<boolean>;
    readonly clock: Clock;
    readonly timeoutMs: number;
    readonly startingMs: number;
    readonly intervalMs?: number;
  },
): Promise<string> {
  const end = o.clock.now() + o.startingMs;
  for (;;) {
    try {
      return await rt(command, o.timeoutMs);
    } catch (e: unknown) {
      if (!(await o.running())) return "";
      if (o.clock.now() >= end) throw e;
      await o.clock.sleep(o.intervalMs ?? 500);
    }
  }
}
