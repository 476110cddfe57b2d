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

export async function runOpenLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const queue = new PQueue({ concurrency: o.maxInFlight });
  const start = o.clock.now();
  let sent = 0;
  let skipped = 0;
  let maxLagMs = 0;
  for (let k = 0; k < o.maxRequests && !o.signal?.aborted; k++) {
    const due = dueAt(o.schedule, k);
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
      // Behind schedule (saturated): still let responses in every few requests, or the loop
      // would spin through due times while the answers that free in-flight slots wait.
      await new Promise<void>((r) => setImmediate(r));
    }
    maxLagMs = Math.max(maxLagMs, o.clock.now() - (start + due));
    if (queue.pending >= o.maxInFlight) {
      skipped++;
      continue;
    }
    sent++;
    void queue.add(() => o.send(k, start + due).catch(() => undefined));
  }
  await queue.onIdle();
  return { sent, skipped, maxLagMs };
}
