/**
 * PURE. The open-loop schedule: when each request is due, from the rate and the ramp, never
 * from when earlier requests came back. A generator that waits for responses (closed loop)
 * sends less when the service slows down and so hides exactly the latency an upgrade causes
 * (coordinated omission); kroll sends on time and measures latency from the due time.
 */

export interface Schedule {
  /** Requests per second once the ramp is over. */
  readonly rate: number;
  /** Linear ramp from 0 to `rate`, milliseconds. */
  readonly rampMs: number;
  /** Total length, ramp included, milliseconds. */
  readonly durationMs: number;
}

/**
 * When request `k` (0-based) is due, in ms after the start; undefined once past the end.
 * During the ramp the rate grows linearly, r(t) = R·t/T, so k requests are due by
 * t = √(2·T·k/R) (k = R·t²/2T); after it, one every 1/R s from the R·T/2 sent in the ramp.
 * Example: R = 10/s, T = 10 s: the ramp sends 50 requests, the 50th at 10 s, then one every
 * 100 ms.
 */
export function dueAt(s: Schedule, k: number): number | undefined {
  if (s.rate <= 0) return undefined;
  const perMs = s.rate / 1000;
  const rampCount = (perMs * s.rampMs) / 2;
  const t =
    k < rampCount ? Math.sqrt((2 * s.rampMs * k) / perMs) : s.rampMs + (k - rampCount) / perMs;
  return t <= s.durationMs ? t : undefined;
}

/** How many requests are due in [0, t] ms. */
export function dueBy(s: Schedule, t: number): number {
  if (s.rate <= 0 || t < 0) return 0;
  const perMs = s.rate / 1000;
  const end = Math.min(t, s.durationMs);
  if (end < s.rampMs) return Math.floor((perMs * end * end) / (2 * s.rampMs)) + 1;
  return Math.floor((perMs * s.rampMs) / 2 + perMs * (end - s.rampMs)) + 1;
}
