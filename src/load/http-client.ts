/**
 * EFFECT. One HTTP request as the load sees it: never throws; every outcome is classified
 * (refused, reset, timeout, 5xx, 4xx, wrong body) and carries the x-openstack-request-id the
 * service logged it under. `new` connections open a fresh TCP connection each time (they catch
 * listener and load-balancer gaps); `reused` ones ride a keep-alive agent (they catch servers
 * that drop established connections).
 */
import { request } from "node:http";
import { Pool } from "undici";

export type ErrorClass = "refused" | "reset" | "timeout" | "5xx" | "4xx" | "wrong-body" | "other";

export interface HttpOutcome {
  readonly status: number | undefined;
  readonly body: string;
  readonly requestId: string | undefined;
  readonly errorClass: ErrorClass | undefined;
  readonly error: string | undefined;
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
        p = new Pool(origin, { connections, pipelining: 1 });
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

async function pooled(r: HttpRequest & { agent: KeepAlive }): Promise<HttpOutcome> {
  const u = new URL(r.url);
  try {
    const res = await r.agent.pool(u.origin).request({
      method: r.method as "GET",
      path: `${u.pathname}${u.search}`,
      headers: {
        ...(r.body !== undefined ? { "content-type": "application/json" } : {}),
        ...r.headers,
      },
      ...(r.body !== undefined ? { body: r.body } : {}),
      headersTimeout: r.timeoutMs,
      bodyTimeout: r.timeoutMs,
      ...(r.signal ? { signal: r.signal } : {}),
    });
    const body = await res.body.text();
    const rid = res.headers["x-openstack-request-id"];
    return outcome(res.statusCode, body, Array.isArray(rid) ? rid[0] : rid, r.expect);
  } catch (e: unknown) {
    const err = e as NodeJS.ErrnoException;
    const cause = (err as { cause?: NodeJS.ErrnoException }).cause;
    const errorClass = classify(err);
    return {
      status: undefined,
      body: "",
      requestId: undefined,
      errorClass,
      error:
        errorClass === "timeout"
          ? `no answer within ${r.timeoutMs} ms`
          : `${cause?.code ?? err.code ?? ""}${(cause?.code ?? err.code) ? ": " : ""}${cause?.message ?? err.message}`,
    };
  }
}

export function httpRequest(r: HttpRequest): Promise<HttpOutcome> {
  if (r.agent) return pooled({ ...r, agent: r.agent });
  return new Promise((resolve) => {
    let done = false;
    const finish = (o: HttpOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(o);
    };
    const u = new URL(r.url);
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
        res.on("end", () =>
          finish(
            outcome(
              res.statusCode ?? 0,
              body,
              [res.headers["x-openstack-request-id"]].flat()[0],
              r.expect,
            ),
          ),
        );
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
