/**
 * EFFECT. The open-loop driver: each request goes out when the schedule says it is due, not
 * when an earlier one came back. p-queue bounds what is in flight; a request due while the
 * bound is reached is not queued (that would delay it and hide latency) but counted as
 * skipped, which the summary reports as the generator saturating, never as a service failure.
 * Bounded in count and time; stops by itself, or on the signal.
 */
import PQueue from "p-queue";
import type { Clock } from "../core/clock.js";
import { dueAt } from "./schedule.js";
import type { Schedule } from "./schedule.js";

export interface OpenLoopOptions {
  readonly schedule: Schedule;
  readonly maxInFlight: number;
  readonly maxRequests: number;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  /** Sends request `k`; `due` is when it was due (latency is measured from it). */
  readonly send: (k: number, due: number) => Promise<void>;
}

export interface OpenLoopResult {
  readonly sent: number;
  readonly skipped: number;
  /** The largest lag between a request's due time and its dispatch, ms. */
  readonly maxLagMs: number;
}

/**
 * A due time that has passed by more than this when a slot frees is skipped; within it the
 * request still goes (timers and turns of the event loop are about a millisecond coarse, and
 * its latency counts from the due time anyway).
 */
const LATE_MS = 1;

const ignore = (): undefined => undefined;

export async function runOpenLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const queue = new PQueue({ concurrency: o.maxInFlight });
  const start = o.clock.now();
  let sent = 0;
  let skipped = 0;
  let maxLagMs = 0;
  // Resolves when a request in flight finishes (a slot is free) or the run is aborted; one
  // listener for the whole run, not one per wait.
  let wake: (() => void) | undefined;
  const onFree = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  queue.on("next", onFree);
  o.signal?.addEventListener("abort", onFree);
  const slotFree = (): Promise<void> => new Promise<void>((resolve) => (wake = resolve));
  let k = 0;
  while (k < o.maxRequests && !o.signal?.aborted) {
    let due = dueAt(o.schedule, k);
    if (due === undefined) break;
    // Timers are coarse (about 1 ms): requests due within the next millisecond go out in the
    // same turn rather than one timer each.
    const wait = start + due - o.clock.now();
    if (wait >= 1) {
      try {
        await o.clock.sleep(wait, o.signal);
      } catch {
        break; // aborted
      }
    } else if (k % 8 === 7) {
      // Behind schedule: still let responses in every few requests, or the loop would send
      // through due times while the answers that free in-flight slots wait.
      await new Promise<void>((r) => setImmediate(r));
    }
    if (queue.pending >= o.maxInFlight) {
      // At the bound: wait for a slot rather than spin, then skip every request whose time
      // passed meanwhile (they are counted, never sent late to look on time).
      await slotFree();
      if (o.signal?.aborted) break;
      const now = o.clock.now();
      while (due !== undefined && k < o.maxRequests && now - (start + due) > LATE_MS) {
        skipped++;
        k++;
        due = k < o.maxRequests ? dueAt(o.schedule, k) : undefined;
      }
      if (due === undefined || k >= o.maxRequests) break;
      // A slot is free and this request is on time (or not yet due: go round again).
      if (start + due - now >= 1) continue;
    }
    maxLagMs = Math.max(maxLagMs, o.clock.now() - (start + due));
    sent++;
    const kk = k;
    const at = start + due;
    void queue.add(() => o.send(kk, at).catch(ignore));
    k++;
  }
  await queue.onIdle();
  queue.off("next", onFree);
  o.signal?.removeEventListener("abort", onFree);
  return { sent, skipped, maxLagMs };
}
