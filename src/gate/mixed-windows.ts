/**
 * The two waits a gate run makes inside the upgrade's mixed-version windows, as the executor's
 * hooks call them (`awaitCheckpoint`, `holdWindow`), with their clock, logger and what they
 * read injected: kept out of the CLI so they are tested on a fake clock.
 *
 * - A checkpoint waits for every operation accepted before it to end (at most the load's drain
 *   time); `checks-passed` then runs the checkpoint's checks on what the load and the watchers
 *   saw so far (the logs read one poll later) and throws if one fails, which fails the step.
 * - A window is held after the wave that opened it until every request kind has reached every
 *   version present, at most `holdMs`; it ends as soon as that is so, and says which it was.
 *
 * EFFECT only through the injected clock and logger.
 */
import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import { describeCoverage } from "../run/coverage.js";
import type { WindowCoverage } from "../run/coverage.js";

export interface CheckpointDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Operations accepted by `t` and still open. */
  openAcceptedBy(t: number): number;
  /** The longest wait for them (the load's drain time). */
  readonly drainMs: number;
  /** How long after a wait the watchers have read the logs up to it. */
  readonly logLagMs: number;
  /** The checks a checkpoint runs (its `checks`). */
  checks(name: string): readonly string[];
  /** What `checks-passed` finds failing now, one line each (none: it passes). */
  failures(name: string): readonly string[];
}

export async function awaitCheckpoint(
  d: CheckpointDeps,
  name: string,
  until: string,
  signal?: AbortSignal,
): Promise<void> {
  const t0 = d.clock.now();
  const end = t0 + d.drainMs;
  while (d.openAcceptedBy(t0) > 0 && d.clock.now() < end && signal?.aborted !== true)
    await d.clock.sleep(1_000, signal).catch(() => undefined);
  d.logger.info(
    `checkpoint ${name}: ${until} (${d.openAcceptedBy(t0)} operations accepted before it still open)`,
  );
  if (until !== "checks-passed") return;
  await d.clock.sleep(d.logLagMs, signal).catch(() => undefined);
  const failed = d.failures(name);
  if (failed.length > 0) throw new Error(`checkpoint ${name}: checks failed: ${failed.join("; ")}`);
  d.logger.info(`checkpoint ${name}: ${d.checks(name).join(", ")} passed`);
}

export interface WindowHoldDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** The longest hold (upgrade.window_hold). */
  readonly holdMs: number;
  /** How often coverage is looked at again. */
  readonly everyMs?: number;
  /** The window this wave opened, as covered at `at` (undefined: no window to hold). */
  coverage(at: number): WindowCoverage | undefined;
}

/** How a hold ended: covered (and after how long), or not within the hold. */
export interface HeldWindow {
  readonly covered: boolean;
  readonly heldMs: number;
  readonly window: WindowCoverage;
}

export async function holdWindow(
  d: WindowHoldDeps,
  wave: number,
  signal?: AbortSignal,
): Promise<HeldWindow | undefined> {
  const t0 = d.clock.now();
  const until = t0 + d.holdMs;
  let last: WindowCoverage | undefined;
  for (;;) {
    last = d.coverage(d.clock.now());
    if (last === undefined || last.covered || signal?.aborted === true) break;
    if (d.clock.now() >= until) break;
    await d.clock.sleep(d.everyMs ?? 2_000, signal).catch(() => undefined);
  }
  if (last === undefined) return undefined;
  const heldMs = d.clock.now() - t0;
  const held = Math.round(heldMs / 1000);
  if (last.covered)
    d.logger.info(`window ${last.service} ${last.name}: covered in ${held} s`, { wave });
  else
    d.logger.warn(
      `window ${last.service} ${last.name}: ${describeCoverage(last)} after a ${held} s hold (upgrade.window_hold); the run fails on it`,
      { wave },
    );
  return { covered: last.covered, heldMs, window: last };
}
