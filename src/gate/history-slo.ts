/**
 * PURE. `slo.disruption_from_history`: the disruption a run may cause, learnt from the scenario's
 * earlier passing runs of the same strategy (run/history.ts: max(P99 + 5 s, P99 × 1.2) once five
 * are recorded), or the scenario's own `max_disruption` with a note saying why not.
 */
import type { Scenario } from "../scenario/schema.js";
import { allowedDisruptionMs } from "../run/history.js";
import type { HistoryEntry } from "../run/history.js";

export interface HistorySlo {
  /** The scenario with max_disruption as learnt (unchanged when it is not learnt). */
  readonly scenario: Scenario;
  /** What was learnt, for the report (undefined: too few runs). */
  readonly learnt: ReturnType<typeof allowedDisruptionMs>;
  /** A line for the operator (undefined when the scenario does not learn it). */
  readonly note: string | undefined;
}

export function sloFromHistory(
  s: Scenario,
  history: readonly HistoryEntry[],
  strategy: string,
): HistorySlo {
  const learnt = allowedDisruptionMs(
    history.filter((h) => h.verdict === "pass"),
    strategy,
  );
  if (!s.slo.disruption_from_history) return { scenario: s, learnt, note: undefined };
  if (learnt)
    return {
      scenario: { ...s, slo: { ...s.slo, max_disruption: learnt.allowedMs } },
      learnt,
      note: `max_disruption from ${learnt.runs} earlier passing runs: ${learnt.allowedMs} ms (P99 ${learnt.p99Ms} ms)`,
    };
  return {
    scenario: s,
    learnt,
    note: `slo.disruption_from_history: fewer than 5 earlier passing runs of "${s.name}" (${strategy}); using max_disruption ${s.slo.max_disruption} ms`,
  };
}
