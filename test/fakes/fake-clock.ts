import type { Clock } from "../../src/core/clock.js";

/** Virtual time: sleep advances the clock and resolves at once. */
export function fakeClock(start = 1_000_000): Clock & { advance(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    sleep: async (ms) => {
      t += ms;
      await Promise.resolve();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}
