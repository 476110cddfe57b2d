/**
 * The one poll loop: asks `probe` until it says true, every `intervalMs`, or throws
 * TimeoutError at the deadline. `what` may be a function, read at the deadline (to say what was
 * seen last). With `tolerateErrors`, a probe that throws means "not yet" and its last error is
 * told at the deadline; with `signal`, an abort ends the wait with PollAborted.
 */
import type { Clock } from "./clock.js";
import { TimeoutError } from "./errors.js";

export class PollAborted extends Error {}

export interface PollOptions {
  readonly intervalMs?: number;
  readonly signal?: AbortSignal | undefined;
  readonly tolerateErrors?: boolean;
}

export async function pollUntil(
  clock: Clock,
  what: string | (() => string),
  timeoutMs: number,
  probe: () => Promise<boolean>,
  opts: number | PollOptions = {},
): Promise<void> {
  const o: PollOptions = typeof opts === "number" ? { intervalMs: opts } : opts;
  const deadline = clock.now() + timeoutMs;
  let lastError = "";
  for (;;) {
    if (o.signal?.aborted) throw new PollAborted("stopped on request");
    try {
      if (await probe()) return;
      lastError = "";
    } catch (e: unknown) {
      if (o.tolerateErrors !== true) throw e;
      lastError = e instanceof Error ? e.message : String(e);
    }
    if (clock.now() >= deadline) {
      const text = typeof what === "string" ? what : what();
      throw new TimeoutError(`${text}${lastError ? ` (last: ${lastError})` : ""}`, timeoutMs);
    }
    await clock.sleep(o.intervalMs ?? 500, o.signal).catch(() => undefined);
  }
}
