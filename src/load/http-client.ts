/**
 * EFFECT. One HTTP request as the load sees it: never throws; every outcome is classified
 * (refused, reset, timeout, 5xx, 4xx, wrong body) and carries the x-openstack-request-id the
 * service logged it under. `new` connections open a fresh TCP connection each time (they catch
 * listener and load-balancer gaps); `reused` ones ride a keep-alive agent (they catch servers
 * that drop established connections).
 */
import { Agent, request } from "node:http";

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
  readonly agent?: Agent;
  /** Statuses that count as success (default 2xx and 3xx). */
  readonly expect?: readonly number[];
  readonly signal?: AbortSignal;
}

export function keepAliveAgent(maxSockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
}

const ERRNO_CLASS: Readonly<Record<string, ErrorClass>> = {
  ECONNREFUSED: "refused",
  ECONNRESET: "reset",
  EPIPE: "reset",
  ECONNABORTED: "reset",
  ETIMEDOUT: "timeout",
};

function classify(e: NodeJS.ErrnoException): ErrorClass {
  return ERRNO_CLASS[e.code ?? ""] ?? "other";
}

export function httpRequest(r: HttpRequest): Promise<HttpOutcome> {
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
          ...(r.agent ? {} : { Connection: "close" }),
          ...r.headers,
        },
        agent: r.agent ?? false,
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
          const status = res.statusCode ?? 0;
          const requestId = [res.headers["x-openstack-request-id"]].flat()[0];
          const ok = r.expect ? r.expect.includes(status) : status >= 200 && status < 400;
          finish({
            status,
            body,
            requestId,
            errorClass: ok
              ? undefined
              : status >= 500
                ? "5xx"
                : status >= 400
                  ? "4xx"
                  : "wrong-body",
            error: ok ? undefined : `HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ""}`,
          });
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
