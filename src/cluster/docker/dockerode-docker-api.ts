/**
 * ADAPTER. DockerApi on dockerode, speaking HTTP to /var/run/docker.sock on the node through a
 * stream forwarded over the node's existing SSH connection: no new handshake per call
 * (dockerode's own `protocol: "ssh"` opens a new SSH connection for every request, ~200 ms
 * each here). Library errors become DockerApiError/TimeoutError naming the node; 304 and 404
 * become success where that is their meaning (start/stop/remove are idempotent).
 */
import { Agent } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { Duplex } from "node:stream";
import Dockerode from "dockerode";
import PQueue from "p-queue";
import { DockerApiError, TimeoutError } from "../../core/errors.js";
import type {
  ContainerSpec,
  ContainerState,
  DockerApi,
  DockerVersion,
  NodeShell,
} from "../ports.js";
import { mapEvent, mapInspect } from "./map-inspect.js";
import { cloneCreateOptions } from "./clone.js";
import type { ImageForClone, InspectForClone } from "./clone.js";

export const DOCKER_SOCKET = "/var/run/docker.sock";
const DEFAULT_TIMEOUT_MS = 30_000;
/** Tries of a read whose connection broke (`read` below). */
const READ_ATTEMPTS = 3;

/** A DockerApiError with no HTTP status whose cause is a connection that broke mid-call. */
export function brokenConnection(e: unknown): boolean {
  if (!(e instanceof DockerApiError) || e.statusCode !== undefined) return false;
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return (
    /socket hang up|ECONNRESET|EPIPE|premature close|channel/i.test(cause?.message ?? e.message) ||
    cause?.code === "ECONNRESET" ||
    cause?.code === "EPIPE"
  );
}

/**
 * An HTTP agent whose connections are streams the given function opens (over SSH). No cap on
 * connections in use: a request queued inside Node's Agent for a free connection cannot be
 * aborted (its timeout never fires), so one stuck channel would hang every later call. Idle
 * ones kept for reuse are bounded.
 */
export function createStreamAgent(open: () => Promise<Duplex>, maxFreeSockets = 8): Agent {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets });
  // Node's Agent accepts an asynchronous createConnection through its callback.
  (agent as unknown as { createConnection: unknown }).createConnection = (
    _opts: unknown,
    done: (err: Error | null, socket?: Duplex) => void,
  ): undefined => {
    open().then(
      (s) => done(null, asSocket(s)),
      (e: unknown) => done(e as Error),
    );
    return undefined;
  };
  return agent;
}

/**
 * An SSH channel is a Duplex, not a net.Socket: Node's keep-alive agent also calls
 * setKeepAlive/setNoDelay/setTimeout/ref/unref on it. Those have no meaning on a channel
 * (the SSH connection has its own keepalive), so they are no-ops here.
 */
function asSocket(stream: Duplex): Duplex {
  const s = stream as Duplex & Record<string, unknown>;
  for (const m of ["setKeepAlive", "setNoDelay", "setTimeout", "ref", "unref"]) {
    if (typeof s[m] !== "function") s[m] = () => stream;
  }
  return stream;
}

/** The subset of dockerode kroll uses: what a test fake has to provide. */
export interface DockerodeLike {
  version(opts?: { abortSignal?: AbortSignal }): Promise<{ Version: string; ApiVersion: string }>;
  ping(opts?: { abortSignal?: AbortSignal }): Promise<unknown>;
  getContainer(name: string): {
    inspect(opts?: { abortSignal?: AbortSignal }): Promise<unknown>;
    start(opts?: { abortSignal?: AbortSignal }): Promise<unknown>;
    stop(opts?: { t?: number; abortSignal?: AbortSignal }): Promise<unknown>;
    remove(opts?: { force?: boolean; v?: boolean; abortSignal?: AbortSignal }): Promise<unknown>;
    rename(opts: { name: string; abortSignal?: AbortSignal }): Promise<unknown>;
  };
  listContainers(opts: {
    all: boolean;
    filters: string;
    abortSignal?: AbortSignal;
  }): Promise<{ Id: string }[]>;
  getImage(ref: string): { inspect(opts?: { abortSignal?: AbortSignal }): Promise<unknown> };
  getEvents(opts: {
    filters?: string;
    since?: string;
    until?: string;
    abortSignal?: AbortSignal;
  }): Promise<NodeJS.ReadableStream>;
  pull(ref: string, opts: { abortSignal?: AbortSignal }): Promise<NodeJS.ReadableStream>;
  createContainer(opts: Record<string, unknown>): Promise<unknown>;
  modem: {
    followProgress(
      stream: NodeJS.ReadableStream,
      done: (err: Error | null, out: unknown[]) => void,
    ): void;
  };
}

interface DockerodeError {
  statusCode?: number;
  reason?: string;
  json?: { message?: string } | null;
  message?: string;
  name?: string;
}

function errorMessage(e: DockerodeError): string {
  return e.json?.message ?? e.reason ?? e.message ?? "unknown error";
}

export function createDockerodeDockerApi(
  node: string,
  client: DockerodeLike,
  opts: { timeoutMs?: number; onClose?: () => void; concurrency?: number } = {},
): DockerApi {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // At most a few short calls at once per node: 40 inspects at once over one SSH connection
  // took 12-19 s on a loaded lab node where one after the other took 2 s. A call waiting here
  // still ends at its deadline (and leaves the queue). Calls allowed longer than the default
  // deadline (a pull, a stop that waits out its grace period) mostly wait on the daemon, not
  // on the connection: they run beside the queue, or four of them would stall every inspect.
  const inFlight = new PQueue({ concurrency: opts.concurrency ?? 4 });
  /** Runs one call with a deadline; maps errors; `ok` lists status codes that mean success. */
  const call = async <T>(
    op: string,
    signal: AbortSignal | undefined,
    f: (s: AbortSignal) => Promise<T>,
    ok: readonly number[] = [],
    ms = timeoutMs,
  ): Promise<T | undefined> => {
    const deadline = AbortSignal.timeout(ms);
    const s = signal ? AbortSignal.any([signal, deadline]) : deadline;
    // The abort is also raced here: a request that never got a connection does not end on
    // its signal, and a caller must never wait past its deadline.
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(s.reason as Error);
      s.addEventListener("abort", onAbort, { once: true });
    });
    try {
      const running = ms > timeoutMs ? f(s) : inFlight.add(() => f(s), { signal: s });
      return await Promise.race([running, aborted]);
    } catch (e: unknown) {
      const err = e as DockerodeError;
      if (err.statusCode !== undefined && ok.includes(err.statusCode)) return undefined;
      if (deadline.aborted) throw new TimeoutError(`node ${node}: docker ${op}`, ms, { cause: e });
      if (signal?.aborted) throw new DockerApiError(node, op, "aborted", undefined, { cause: e });
      throw new DockerApiError(node, op, errorMessage(err), err.statusCode, { cause: e });
    } finally {
      if (onAbort) s.removeEventListener("abort", onAbort);
    }
  };

  /**
   * A read (version, ping, ps, inspect) again after the connection under it broke ("socket hang
   * up", a reset: the SSH channel to the node's socket closed under load; the lab run of
   * 2026-12-08 ended its upgrade on one), twice at most, inside the caller's signal. Reads
   * change nothing, so a second try cannot do harm; writes are never retried here (their
   * outcome is unknown, and the executor's observe-act loop decides what to do next).
   */
  const read = async <T>(
    op: string,
    signal: AbortSignal | undefined,
    f: (s: AbortSignal) => Promise<T>,
    ok: readonly number[] = [],
  ): Promise<T | undefined> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call(op, signal, f, ok);
      } catch (e: unknown) {
        if (attempt >= READ_ATTEMPTS || !brokenConnection(e) || signal?.aborted === true) throw e;
        await sleep(250 * attempt, undefined, signal ? { signal } : {}).catch(() => undefined);
      }
    }
  };

  return {
    node,
    async version(signal) {
      const v = await read("version", signal, (s) => client.version({ abortSignal: s }));
      return { version: v?.Version ?? "", apiVersion: v?.ApiVersion ?? "" } satisfies DockerVersion;
    },
    async ping(signal) {
      await read("ping", signal, (s) => client.ping({ abortSignal: s }));
    },
    async inspect(name, signal) {
      const raw = await read(
        `inspect ${name}`,
        signal,
        (s) => client.getContainer(name).inspect({ abortSignal: s }),
        [404],
      );
      return raw === undefined ? undefined : mapInspect(node, raw);
    },
    async list(labels, signal) {
      const filters = JSON.stringify({
        label: Object.entries(labels).map(([k, v]) => `${k}=${v}`),
      });
      const rows =
        (await read("ps", signal, (s) =>
          client.listContainers({ all: true, filters, abortSignal: s }),
        )) ?? [];
      // Inspected side by side (one SSH channel each); a container removed meanwhile is left out.
      const all = await Promise.all(rows.map((r) => this.inspect(r.Id, signal)));
      return all.filter((st): st is ContainerState => st !== undefined);
    },
    async hasImage(ref, signal) {
      return (await this.imageId(ref, signal)) !== undefined;
    },
    async imageId(ref, signal) {
      const raw = (await read(
        `image inspect ${ref}`,
        signal,
        (s) => client.getImage(ref).inspect({ abortSignal: s }),
        [404],
      )) as { Id?: string } | undefined;
      return raw?.Id;
    },
    async pull(ref, signal) {
      await call(
        `pull ${ref}`,
        signal,
        async (s) => {
          const stream = await client.pull(ref, { abortSignal: s });
          await new Promise<void>((resolve, reject) => {
            client.modem.followProgress(stream, (err, out) => {
              const failed = (out as { error?: string; errorDetail?: { message?: string } }[]).find(
                (o) => o.error !== undefined,
              );
              if (err) reject(err);
              else if (failed)
                reject(
                  Object.assign(new Error(failed.errorDetail?.message ?? failed.error), {
                    statusCode: 404,
                  }),
                );
              else resolve();
            });
          });
        },
        [],
        15 * 60_000,
      );
    },
    async create(spec, signal) {
      await call(`create ${spec.name}`, signal, (s) =>
        client.createContainer({ ...toCreateOptions(spec), abortSignal: s }),
      );
    },
    async start(name, signal) {
      await call(
        `start ${name}`,
        signal,
        (s) => client.getContainer(name).start({ abortSignal: s }),
        [304],
      );
    },
    async stop(name, timeoutS, signal) {
      await call(
        `stop ${name}`,
        signal,
        (s) => client.getContainer(name).stop({ t: timeoutS, abortSignal: s }),
        [304, 404],
        (timeoutS + 30) * 1000,
      );
    },
    async remove(name, signal) {
      await call(
        `rm ${name}`,
        signal,
        (s) => client.getContainer(name).remove({ force: true, v: false, abortSignal: s }),
        [404],
      );
    },
    async clone(from, to, signal) {
      const raw = (await call(`inspect ${from}`, signal, (s) =>
        client.getContainer(from).inspect({ abortSignal: s }),
      )) as (InspectForClone & { Image?: string }) | undefined;
      if (!raw) throw new DockerApiError(node, `clone ${from}`, "no such container", 404);
      const image = raw.Image
        ? ((await call(
            `image inspect ${raw.Image}`,
            signal,
            (s) => client.getImage(raw.Image ?? "").inspect({ abortSignal: s }),
            [404],
          )) as ImageForClone | undefined)
        : undefined;
      await call(`create ${to.name}`, signal, (s) =>
        client.createContainer({ ...cloneCreateOptions(raw, image, to), abortSignal: s }),
      );
    },
    async events(labels, onEvent, signal, opts = {}) {
      const filters = JSON.stringify({
        type: ["container"],
        label: Object.entries(labels).map(([k, v]) => `${k}=${v}`),
        ...(opts.actions ? { event: opts.actions } : {}),
      });
      let stream: NodeJS.ReadableStream;
      try {
        stream = await client.getEvents({
          filters,
          abortSignal: signal,
          ...(opts.since !== undefined ? { since: (opts.since / 1000).toFixed(3) } : {}),
        });
      } catch (e: unknown) {
        if (signal.aborted) return;
        throw new DockerApiError(node, "events", errorMessage(e as DockerodeError), undefined, {
          cause: e,
        });
      }
      opts.onOpen?.();
      await new Promise<void>((resolve) => {
        let buf = "";
        const end = (): void => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        };
        const onAbort = (): void => {
          (stream as unknown as { destroy?: () => void }).destroy?.();
          end();
        };
        signal.addEventListener("abort", onAbort, { once: true });
        stream.on("data", (chunk: Buffer | string) => {
          buf += chunk.toString();
          let i: number;
          while ((i = buf.indexOf("\n")) >= 0) {
            const line = buf.slice(0, i).trim();
            buf = buf.slice(i + 1);
            if (line === "") continue;
            try {
              const ev = mapEvent(node, JSON.parse(line));
              if (ev) onEvent(ev);
            } catch {
              // a torn line: the engine writes one JSON object per line
            }
          }
        });
        stream.on("end", end);
        stream.on("error", end);
      });
    },
    async replayCovers(since, signal) {
      // Every event the engine holds from a while before `since` up to now (a stream that ends):
      // if the oldest is at or before `since`, or the engine's buffer is not full, nothing
      // after `since` was pushed out of it.
      const now = Date.now();
      const text = await call("events (replay)", signal, async (s) => {
        const stream = await client.getEvents({
          since: ((since - 600_000) / 1000).toFixed(3),
          until: (now / 1000).toFixed(3),
          abortSignal: s,
        });
        return new Promise<string>((resolve, reject) => {
          let buf = "";
          stream.on("data", (c: Buffer | string) => (buf += c.toString()));
          stream.on("end", () => resolve(buf));
          stream.on("error", reject);
        });
      });
      return replayCoversFrom(text ?? "", since);
    },
    async rename(name, to, signal) {
      await call(`rename ${name}`, signal, (s) =>
        client.getContainer(name).rename({ name: to, abortSignal: s }),
      );
    },
    close: () => opts.onClose?.(),
  };
}

/** PURE. kroll's ContainerSpec → the Docker Engine API's create body. */
export function toCreateOptions(spec: ContainerSpec): Record<string, unknown> {
  const ns = (ms: number): number => ms * 1_000_000;
  return {
    name: spec.name,
    Image: spec.image,
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    Labels: { ...spec.labels },
    ...(spec.command ? { Cmd: [...spec.command] } : {}),
    ...(spec.stopTimeoutS !== undefined ? { StopTimeout: spec.stopTimeoutS } : {}),
    ...(spec.healthcheck
      ? {
          Healthcheck: {
            Test: [...spec.healthcheck.test],
            Interval: ns(spec.healthcheck.intervalMs),
            Timeout: ns(spec.healthcheck.timeoutMs),
            Retries: spec.healthcheck.retries,
            StartPeriod: ns(spec.healthcheck.startPeriodMs),
          },
        }
      : {}),
    HostConfig: {
      Binds: [...spec.binds],
      NetworkMode: spec.hostNetwork ? "host" : "default",
      RestartPolicy: { Name: spec.restartPolicy === "no" ? "" : spec.restartPolicy },
    },
  };
}

/** Docker on a node over its SSH connection. */
export function connectDockerOverSsh(
  shell: NodeShell,
  opts: { timeoutMs?: number } = {},
): DockerApi {
  const agent = createStreamAgent(() => shell.openUnixSocket(DOCKER_SOCKET));
  const client = new Dockerode({
    protocol: "http",
    host: "docker",
    port: 2375,
    agent,
  } as Dockerode.DockerOptions);
  return createDockerodeDockerApi(shell.node, client as unknown as DockerodeLike, {
    ...opts,
    onClose: () => agent.destroy(),
  });
}

/** How many events dockerd keeps for replay (daemon/events: eventsLimit). */
export const ENGINE_EVENT_BUFFER = 256;

/**
 * PURE. From the engine's replay (one JSON event a line, oldest first): whether it holds every
 * event since `since` (ms).
 */
export function replayCoversFrom(text: string, since: number): boolean {
  const times: number[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const e = JSON.parse(line) as { timeNano?: number; time?: number };
      const ms = e.timeNano !== undefined ? e.timeNano / 1e6 : (e.time ?? NaN) * 1000;
      if (Number.isFinite(ms)) times.push(ms);
    } catch {
      // a torn line tells nothing
    }
  }
  if (times.length < ENGINE_EVENT_BUFFER) return true;
  return Math.min(...times) <= since;
}
