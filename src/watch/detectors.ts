/**
 * PURE. The scenario's SLOs against what the load, the probes and the watchers measured: each
 * breach says what was allowed, what was seen, and (in the report) the step that caused it.
 */
import { RECORDABLE_STUCK } from "../services/catalogue.js";
import { stuckChoice } from "../scenario/schema.js";
import type { Scenario } from "../scenario/schema.js";

export interface RunStats {
  readonly requests: number;
  readonly failedRequests: number;
  /** Per backend and connection type: total time unavailable through the VIP, ms. */
  readonly disruption: readonly {
    readonly backend: string;
    readonly connection: string;
    readonly ms: number;
  }[];
  /**
   * Stuck operations; `excused` says why one of a kind the scenario records (`slo.<key>: record`)
   * is recorded rather than failed (its worker was replaced while it ran). Without it, it counts.
   */
  readonly stuck: readonly {
    readonly kind: string;
    readonly id: string;
    readonly excused?: string | undefined;
  }[];
  readonly failedOperations: number;
  readonly p99Ms: number | undefined;
}

export interface Breach {
  readonly slo: string;
  readonly allowed: string;
  readonly observed: string;
  readonly message: string;
}

export interface SloResult {
  readonly breaches: readonly Breach[];
  /** Measured but not failing, by the scenario's choice (e.g. stuck operations it records). */
  readonly recorded: readonly string[];
}

export function evaluateSlo(slo: Scenario["slo"], st: RunStats): SloResult {
  const breaches: Breach[] = [];
  const recorded: string[] = [];
  if (st.failedRequests > slo.max_failed_requests)
    breaches.push({
      slo: "max_failed_requests",
      allowed: String(slo.max_failed_requests),
      observed: String(st.failedRequests),
      message: `${st.failedRequests} of ${st.requests} requests failed (allowed ${slo.max_failed_requests})`,
    });
  for (const d of st.disruption)
    if (d.ms > slo.max_disruption)
      breaches.push({
        slo: "max_disruption",
        allowed: `${slo.max_disruption / 1000} s`,
        observed: `${d.ms / 1000} s`,
        message: `${d.backend} was unavailable over ${d.connection} connections for ${d.ms / 1000} s (allowed ${slo.max_disruption / 1000} s)`,
      });
  let stuck = st.stuck;
  for (const r of recordedStuck(slo)) {
    const mine = stuck.filter((x) => x.kind === r.kind && x.excused !== undefined);
    stuck = stuck.filter((x) => !mine.includes(x));
    if (mine.length > 0)
      recorded.push(
        `${mine.length} ${r.what} stuck: ${mine.map((x) => `${x.id} (${x.excused ?? ""})`).join(", ")} (${r.sloKey}: record)`,
      );
  }
  if (stuck.length > slo.max_stuck_operations)
    breaches.push({
      slo: "max_stuck_operations",
      allowed: String(slo.max_stuck_operations),
      observed: String(stuck.length),
      message: `${stuck.length} operation(s) never finished: ${stuck.map((x) => `${x.kind} ${x.id}`).join(", ")}`,
    });
  if (st.failedOperations > slo.max_failed_operations)
    breaches.push({
      slo: "max_failed_operations",
      allowed: String(slo.max_failed_operations),
      observed: String(st.failedOperations),
      message: `${st.failedOperations} accepted operation(s) ended failed (allowed ${slo.max_failed_operations})`,
    });
  if (slo.p99_latency !== undefined && st.p99Ms !== undefined && st.p99Ms > slo.p99_latency)
    breaches.push({
      slo: "p99_latency",
      allowed: `${slo.p99_latency} ms`,
      observed: `${Math.round(st.p99Ms)} ms`,
      message: `p99 latency ${Math.round(st.p99Ms)} ms over the budget of ${slo.p99_latency} ms`,
    });
  return { breaches, recorded };
}

/** The stuck operations the scenario's SLOs record rather than fail (`slo.<key>: record`). */
export const recordedStuck = (slo: Scenario["slo"]): typeof RECORDABLE_STUCK =>
  RECORDABLE_STUCK.filter((r) => stuckChoice(slo, r.sloKey) === "record");
