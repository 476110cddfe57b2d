/** Polls `probe` until it says true, every `intervalMs`, or throws TimeoutError at the deadline. */
import type { Clock } from "./clock.js";
import { TimeoutError } from "./errors.js";

export async function pollUntil(
  clock: Clock,
  what: string,
  timeoutMs: number,
  probe: () => Promise<boolean>,
  intervalMs = 500,
): Promise<void> {
  const deadline = clock.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (clock.now() > deadline) throw new TimeoutError(what, timeoutMs);
    await clock.sleep(intervalMs);
  }
}
