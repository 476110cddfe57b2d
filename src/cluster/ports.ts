/** PURE. The ports the core uses to reach nodes; adapters live in ssh/ and docker/. */
import type { Duplex } from "node:stream";

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Written to the command's standard input, then closed. */
  readonly stdin?: string;
}

export interface NodeShell {
  readonly node: string;
  /** Runs argv on the node (each element shell-quoted); resolves with any exit code. */
  exec(argv: readonly string[], opts: ExecOptions): Promise<ExecResult>;
  /** Like exec, but a non-zero exit is a RemoteCommandError naming the node. */
  run(argv: readonly string[], opts: ExecOptions): Promise<string>;
  /**
   * A stream to a Unix socket on the node, carried over the node's existing connection
   * (OpenSSH stream-local forwarding): no new handshake per stream.
   */
  openUnixSocket(path: string): Promise<Duplex>;
  /** Uploads a file (SFTP) with its mode, atomically; the directory must exist. */
  putFile(
    path: string,
    content: string | Uint8Array,
    opts: { mode: number; timeoutMs: number },
  ): Promise<void>;
  close(): void;
}

// ------------------------------------------------------------------ Docker

export type ContainerStatus =
  "created" | "running" | "paused" | "restarting" | "removing" | "exited" | "dead";
export type Health = "healthy" | "unhealthy" | "starting" | "none";

/** What kroll needs to know about a container, whatever Docker client fetched it. */
export interface ContainerState {
  readonly node: string;
  readonly name: string;
  readonly id: string;
  readonly image: string;
  readonly imageId: string;
  readonly status: ContainerStatus;
  readonly health: Health;
  readonly restartCount: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly startedAt: string;
  readonly exitCode: number;
}

export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly env: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  /** "source:target[:ro]"; a source without "/" is a named volume. */
  readonly binds: readonly string[];
  readonly hostNetwork: boolean;
  readonly restartPolicy: "no" | "unless-stopped" | "always" | "on-failure";
  readonly healthcheck?: {
    test: readonly string[];
    intervalMs: number;
    timeoutMs: number;
    retries: number;
    startPeriodMs: number;
  };
  readonly stopTimeoutS?: number;
  readonly command?: readonly string[];
}

/** A container event from the engine's event stream (die, kill, oom, health_status, ...). */
export interface DockerEvent {
  readonly node: string;
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly container: string;
  /** "die", "kill", "oom", "start", "stop", "restart", "health_status: unhealthy", ... */
  readonly action: string;
  readonly image: string;
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
}

export interface DockerVersion {
  readonly version: string;
  readonly apiVersion: string;
}

export interface DockerApi {
  readonly node: string;
  version(signal?: AbortSignal): Promise<DockerVersion>;
  /** GET /_ping: the cheapest round trip to the engine. */
  ping(signal?: AbortSignal): Promise<void>;
  /** undefined when there is no such container (404). */
  inspect(name: string, signal?: AbortSignal): Promise<ContainerState | undefined>;
  list(labels: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<ContainerState[]>;
  hasImage(ref: string, signal?: AbortSignal): Promise<boolean>;
  /** The local image ID a reference resolves to on the node; undefined when absent. */
  imageId(ref: string, signal?: AbortSignal): Promise<string | undefined>;
  pull(ref: string, signal?: AbortSignal): Promise<void>;
  create(spec: ContainerSpec, signal?: AbortSignal): Promise<void>;
  /** Starting a running container is success (304). */
  start(name: string, signal?: AbortSignal): Promise<void>;
  /** Stopping a stopped container is success (304). */
  stop(name: string, timeoutS: number, signal?: AbortSignal): Promise<void>;
  /** Removing a missing container is success (404). */
  remove(name: string, signal?: AbortSignal): Promise<void>;
  rename(name: string, to: string, signal?: AbortSignal): Promise<void>;
  /**
   * Creates `to.name` as a copy of container `from` (its config as inspected) with another
   * image and labels (null removes one); what came from the old image is left to the new one.
   */
  clone(
    from: string,
    to: { name: string; image: string; labels: Readonly<Record<string, string | null>> },
    signal?: AbortSignal,
  ): Promise<void>;
  /**
   * Container events of containers with these labels, as they happen, until the signal aborts.
   * `onEvent` is called for each; the promise settles when the stream ends. `since` (ms since
   * the epoch) replays what the engine saw from then on first; `actions` keeps only those
   * (`health_status` matches every health status), at the engine.
   */
  events(
    labels: Readonly<Record<string, string>>,
    onEvent: (e: DockerEvent) => void,
    signal: AbortSignal,
    opts?: {
      readonly since?: number;
      readonly actions?: readonly string[];
      /** Called once the engine has accepted the stream (events flow from then on). */
      readonly onOpen?: () => void;
    },
  ): Promise<void>;
  /**
   * Whether the engine still holds every event since `since` (ms since the epoch), so a stream
   * opened from then replays all it missed. dockerd keeps only its last 256 events (of every
   * kind: one healthcheck makes three), so after a longer loss it cannot say what happened.
   */
  replayCovers(since: number, signal?: AbortSignal): Promise<boolean>;
  close(): void;
}

/** POSIX shell quoting for one argument. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'"'"'`)}'`;
}

/**
 * A remote command that gets secrets as environment variables without them ever being in a
 * process's argv (visible to every user through `ps` on the node) or in kroll's error messages:
 * a shell reads each from a line of standard input, exports it, then execs the command, which
 * names them with `-e NAME` (docker takes the value from its environment). Whatever the caller
 * sends after them on stdin reaches the command.
 */
export function withSecretEnv(
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
  stdin = "",
): { argv: string[]; stdin: string } {
  const names = Object.keys(env);
  for (const n of names)
    if (!/^[A-Z_][A-Z0-9_]*$/.test(n) || /[\r\n]/.test(env[n] ?? ""))
      throw new Error(`withSecretEnv: ${n} is not a variable name, or its value spans lines`);
  const script = [...names.map((n) => `IFS= read -r ${n}; export ${n};`), 'exec "$@"'].join(" ");
  return {
    argv: ["sh", "-c", script, "kroll-secret-env", ...argv],
    stdin: names.map((n) => `${env[n] ?? ""}\n`).join("") + stdin,
  };
}
