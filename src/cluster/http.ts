/**
 * EFFECT. HTTP with a hard deadline for the lab and its probes. The deadline is an ordinary
 * (ref'd) timer racing the request, body included: `AbortSignal.timeout()` alone is not enough,
 * because its timer is unref'd, and a fetch left pending after docker-proxy accepted and
 * dropped a connection (a container still starting) then holds nothing that keeps Node's event
 * loop alive: the process exits 13 ("unsettled top-level await") in the middle of a command.
 */
import { TimeoutError } from "../core/errors.js";

export interface HttpText {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export async function fetchText(
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<HttpText> {
  const ctrl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      ctrl.abort();
      reject(new TimeoutError(`${init.method ?? "GET"} ${url}`, timeoutMs));
    }, timeoutMs);
  });
  const request = (async (): Promise<HttpText> => {
    const res = await fetch(url, { ...init, signal: ctrl.signal });
    return { status: res.status, headers: res.headers, text: await res.text() };
  })();
  try {
    return await Promise.race([request, deadline]);
  } finally {
    clearTimeout(timer);
    request.catch(() => undefined); // settled or abandoned: never an unhandled rejection
  }
}
