import type { Clock } from "../../src/core/clock.js";

/**
 * Virtual time with real ordering: sleepers wake in due order as the test advances the clock,
 * and everything they schedule runs before time moves on.
 */
export class ManualClock implements Clock {
  private t: number;
  private timers: { at: number; seq: number; wake: () => void; fail: (e: unknown) => void }[] = [];
  private seq = 0;

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new Error("aborted"));
      const onAbort = (): void => {
        this.timers = this.timers.filter((x) => x !== timer);
        reject(new Error("aborted"));
      };
      const timer = {
        at: this.t + Math.max(0, ms),
        seq: this.seq++,
        wake: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        fail: reject,
      };
      this.timers.push(timer);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Runs every timer due up to `to`, in order, letting each one's continuation run. */
  async advanceTo(to: number): Promise<void> {
    for (;;) {
      await settle();
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > to) break;
      this.timers.shift();
      this.t = next.at;
      next.wake();
    }
    this.t = Math.max(this.t, to);
    await settle();
  }
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
