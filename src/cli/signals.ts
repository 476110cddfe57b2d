/** EFFECT. The soft stop shared by the commands that change a cluster. */
import type { Logger } from "../core/logger.js";

/**
 * SIGINT/SIGTERM/SIGHUP as a soft stop of an upgrade: the first aborts `stop` (the executor finishes
 * or undoes the step in progress, then `after`), a later one only says to wait. Returns the
 * function that removes the handlers.
 */
export function softStopOnSignals(
  logger: Logger,
  stop: AbortController,
  after: string,
): () => void {
  const onSignal = (sig: NodeJS.Signals): void => {
    if (!stop.signal.aborted) {
      logger.warn(`${sig}: finishing or undoing the current step, ${after}`);
      stop.abort();
    } else logger.warn(`${sig} again: still putting the current step in a safe state; wait`);
  };
  // SIGHUP too: a gate job's terminal or SSH session closing must not kill kroll mid-step.
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  for (const s of signals) process.on(s, onSignal);
  return () => {
    for (const s of signals) process.off(s, onSignal);
  };
}
