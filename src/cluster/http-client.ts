/**
 * EFFECT. One HTTP request as the load sees it: never throws; every outcome is classified
 * (refused, reset, timeout, 5xx, 4xx, wrong body) and carries the x-openstack-request-id the
 * service logged it under. `new` connections open a fresh TCP connection each time (they catch
 * listener and load-balancer gaps); `reused` ones ride a keep-alive agent (they catch servers
 * that drop established connections).
 */
import { request } from "node:http";
import { createRequire } from "node:module";
import type * as Undici from "undici";
import type { Pool } from "undici";

/**
 * undici, loaded by the first keep-alive pool (the load and its pollers): every command that
 * reads a scenario imports this module through the service packs, and most never pool.
 */
let undici: typeof Undici | undefined;
const loadUndici = (): typeof Undici =>
  (undici ??= createRequire(import.meta.url)("undici") as typeof Undici);

export type ErrorClass = "refused" | "reset" | "timeout" | "5xx" | "4xx" | "wrong-body" | "other";

export interface HttpOutcome {
  readonly status: number | undefined;
  readonly body: string;
  readonly requestId: string | undefined;
  readonly errorClass: ErrorClass | undefined;
  readonly error: string | undefined;
  /** The value of the request's `readHeader`, when it asked for one. */
  readonly header?: string | undefined;
}

export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
  /** undefined: a new connection for this request. */
  readonly agent?: KeepAlive;
  /** Statuses that count as success (default 2xx and 3xx). */
  readonly expect?: readonly number[];
  readonly signal?: AbortSignal;
  /** A response header to return in `header` (read on new connections only, not kept-alive). */
  readonly readHeader?: string;
}

/**
 * Keep-alive connections, a pool per origin (undici: its HTTP/1.1 client parses responses
 * about 1.6× faster than node:http's, which the load's throughput needs).
 */
export interface KeepAlive {
  pool(origin: string): Pool;
  destroy(): void;
}

export function keepAliveAgent(connections: number): KeepAlive {
  const pools = new Map<string, Pool>();
  return {
    pool(origin) {
      let p = pools.get(origin);
      if (!p) {
        p = new (loadUndici().Pool)(origin, { connections, pipelining: 1 });
        pools.set(origin, p);
      }
      return p;
    },
    destroy() {
      for (const p of pools.values()) void p.destroy().catch(() => undefined);
      pools.clear();
    },
  };
}

const ERRNO_CLASS: Readonly<Record<string, ErrorClass>> = {
  UND_ERR_SOCKET: "reset",
  UND_ERR_CLOSED: "reset",
  UND_ERR_HEADERS_TIMEOUT: "timeout",
  UND_ERR_BODY_TIMEOUT: "timeout",
  UND_ERR_CONNECT_TIMEOUT: "timeout",
  ECONNREFUSED: "refused",
  ECONNRESET: "reset",
  EPIPE: "reset",
  ECONNABORTED: "reset",
  ETIMEDOUT: "timeout",
};

function classify(e: NodeJS.ErrnoException): ErrorClass {
  const cause = (e as { cause?: NodeJS.ErrnoException }).cause;
  return ERRNO_CLASS[cause?.code ?? ""] ?? ERRNO_CLASS[e.code ?? ""] ?? "other";
}

function outcome(
  status: number,
  body: string,
  requestId: string | undefined,
  expect: readonly number[] | undefined,
): HttpOutcome {
  const ok = expect ? expect.includes(status) : status >= 200 && status < 400;
  return {
    status,
    body,
    requestId,
    errorClass: ok ? undefined : status >= 500 ? "5xx" : status >= 400 ? "4xx" : "wrong-body",
    error: ok ? undefined : `HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ""}`,
  };
}

/** Parsed URLs, by string: the load sends the same few URLs many times a second. */
const parsed = new Map<string, URL>();
function parseUrl(url: string): URL {
  let u = parsed.get(url);
  if (!u) {
    u = new URL(url);
    if (parsed.size > 1_000) parsed.clear();
    parsed.set(url, u);
  }
  return u;
}

function failure(e: NodeJS.ErrnoException, timeoutMs: number): HttpOutcome {
  const cause = (e as { cause?: NodeJS.ErrnoException }).cause;
  const errorClass = classify(e);
  const code = cause?.code ?? e.code;
  return {
    status: undefined,
    body: "",
    requestId: undefined,
    errorClass,
    error:
      errorClass === "timeout"
        ? `no answer within ${timeoutMs} ms`
        : `${code ?? ""}${code ? ": " : ""}${cause?.message ?? e.message}`,
  };
}

const REQUEST_ID = "x-openstack-request-id";

/**
 * One response through undici's dispatcher, collected by callbacks: no response stream is
 * built per request (bodies are small and read whole), and the handler is a class so a request
 * allocates no closures — most of a keep-alive request's client-side cost otherwise.
 */
class Collect {
  private status = 0;
  private requestId: string | undefined;
  private readonly chunks: Buffer[] = [];
  private settled = false;
  private abortFn: ((e?: Error) => void) | undefined;

  private readonly r: HttpRequest;
  private readonly resolve: (o: HttpOutcome) => void;

  constructor(r: HttpRequest, resolve: (o: HttpOutcome) => void) {
    this.r = r;
    this.resolve = resolve;
    r.signal?.addEventListener("abort", this, { once: true });
  }

  /** The request's abort signal fired. */
  handleEvent(): void {
    this.abortFn?.(new Error("aborted"));
  }

  onConnect(abort: (e?: Error) => void): void {
    this.abortFn = abort;
    if (this.r.signal?.aborted) abort(new Error("aborted"));
  }

  onHeaders(statusCode: number, headers: Buffer[] | null): boolean {
    this.status = statusCode;
    for (let i = 0; headers && i < headers.length; i += 2) {
      const name = headers[i];
      if (
        name?.length === REQUEST_ID.length &&
        name.toString("latin1").toLowerCase() === REQUEST_ID
      )
        this.requestId = headers[i + 1]?.toString("latin1");
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    const body =
      this.chunks.length === 1
        ? (this.chunks[0] as Buffer).toString("utf8")
        : Buffer.concat(this.chunks).toString("utf8");
    this.settle(outcome(this.status, body, this.requestId, this.r.expect));
  }

  onError(e: Error): void {
    this.settle(failure(e, this.r.timeoutMs));
  }

  private settle(o: HttpOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.r.signal?.removeEventListener("abort", this);
    this.resolve(o);
  }
}

const JSON_BODY = { "content-type": "application/json" };

function pooled(r: HttpRequest, agent: KeepAlive): Promise<HttpOutcome> {
  const u = parseUrl(r.url);
  const headers = r.body !== undefined ? { ...JSON_BODY, ...r.headers } : r.headers;
  return new Promise((resolve) => {
    agent.pool(u.origin).dispatch(
      {
        method: r.method as "GET",
        path: `${u.pathname}${u.search}`,
        ...(headers ? { headers } : {}),
        ...(r.body !== undefined ? { body: r.body } : {}),
        headersTimeout: r.timeoutMs,
        bodyTimeout: r.timeoutMs,
      },
      new Collect(r, resolve),
    );
  });
}

export function httpRequest(r: HttpRequest): Promise<HttpOutcome> {
  if (r.agent) return pooled(r, r.agent);
  return new Promise((resolve) => {
    let done = false;
    const finish = (o: HttpOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(o);
    };
    const u = parseUrl(r.url);
    const req = request(
      {
        method: r.method,
        host: u.hostname.replace(/^\[|\]$/g, ""),
        port: u.port || 80,
        path: `${u.pathname}${u.search}`,
        headers: {
          // A length, not chunked encoding: eventlet's WSGI servers do not read chunked bodies.
          ...(r.body !== undefined
            ? {
                "Content-Type": "application/json",
                "Content-Length": String(Buffer.byteLength(r.body)),
              }
            : {}),
          Connection: "close",
          ...r.headers,
        },
        agent: false,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("error", (e: NodeJS.ErrnoException) =>
          finish({
            status: res.statusCode,
            body,
            requestId: undefined,
            errorClass: classify(e),
            error: e.message,
          }),
        );
        res.on("end", () => {
          const o = outcome(
            res.statusCode ?? 0,
            body,
            [res.headers["x-openstack-request-id"]].flat()[0],
            r.expect,
          );
          finish(
            r.readHeader === undefined
              ? o
              : { ...o, header: [res.headers[r.readHeader.toLowerCase()]].flat()[0] },
          );
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      finish({
        status: undefined,
        body: "",
        requestId: undefined,
        errorClass: "timeout",
        error: `no answer within ${r.timeoutMs} ms`,
      });
    }, r.timeoutMs);
    r.signal?.addEventListener("abort", () => req.destroy(), { once: true });
    req.on("error", (e: NodeJS.ErrnoException) =>
      finish({
        status: undefined,
        body: "",
        requestId: undefined,
        errorClass: classify(e),
        error: e.code ? `${e.code}: ${e.message}` : e.message,
      }),
    );
    if (r.body !== undefined) req.write(r.body);
    req.end();
  });
}

/**
 * The body of a 2xx answer, parsed; undefined for anything else. An API answering 500 or 503
 * through HAProxy mid-upgrade still sends JSON (an error document): it must never be read as the
 * resource (a node without provision_state would look deleted).
 */
export function okJson<T>(r: HttpOutcome): Partial<T> | undefined {
  if (r.status === undefined || r.status < 200 || r.status > 299) return undefined;
  try {
    const v: unknown = JSON.parse(r.body);
    return typeof v === "object" && v !== null ? v : undefined;
  } catch {
    return undefined;
  }
}

/** How a caller asks for one request to an API; the outcome never throws. */
export interface SendOptions {
  /** A string is sent as is; anything else as JSON. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Statuses that count as success (default 2xx and 3xx). */
  readonly expect?: readonly number[];
}

/**
 * Requests to the API at `base`, each on a new connection and unrecorded: what the resources,
 * the smoke proofs and the tests send (the load records its own, on kept-alive connections).
 */
export const sendTo =
  (base: string, timeoutMs = 70_000) =>
  (_route: string, method: string, path: string, o: SendOptions = {}): Promise<HttpOutcome> =>
    httpRequest({
      method,
      url: `${base}${path}`,
      timeoutMs,
      ...(o.body !== undefined
        ? { body: typeof o.body === "string" ? o.body : JSON.stringify(o.body) }
        : {}),
      ...(o.headers ? { headers: o.headers } : {}),
      ...(o.expect ? { expect: o.expect } : {}),
    });
