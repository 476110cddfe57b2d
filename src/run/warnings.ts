/**
 * PURE. What a passing run should still tell its reader (a Zuul build page's warnings): an SLO
 * met by less than a fifth of its bound, what the scenario chose to record rather than fail, and
 * a check that could not be made ("not checked").
 */
import type { Scenario } from "../scenario/schema.js";
import type { RunReport } from "./model.js";

/** Within this share of a bound, a met SLO is a near miss. */
export const NEAR = 0.8;

export function runWarnings(r: RunReport, slo: Scenario["slo"]): string[] {
  const out: string[] = [];
  const near = (what: string, value: number, bound: number, unit: string, key: string): void => {
    if (bound > 0 && value > 0 && value <= bound && value >= NEAR * bound)
      out.push(
        `near miss: ${what} ${value}${unit}, within ${Math.round((1 - NEAR) * 100)}% of slo.${key} (${bound}${unit})`,
      );
  };
  const l = r.load;
  if (l) {
    near("failed requests", l.failed, slo.max_failed_requests, "", "max_failed_requests");
    if (slo.p99_latency !== undefined && l.p99Ms !== undefined)
      near("p99 latency", l.p99Ms, slo.p99_latency, " ms", "p99_latency");
    const allowed = r.allowedDisruptionMs ?? slo.max_disruption;
    for (const d of r.disruption.filter((x) => x.via === "vip"))
      near(
        `${d.backend} unavailable through the VIP for`,
        d.longestMs,
        allowed,
        " ms",
        "max_disruption",
      );
    const ops = (status: string): number => r.operations.filter((o) => o.status === status).length;
    near(
      "failed operations",
      ops("failed"),
      slo.max_failed_operations,
      "",
      "max_failed_operations",
    );
    near("stuck operations", ops("stuck"), slo.max_stuck_operations, "", "max_stuck_operations");
  }
  for (const c of r.checks) {
    if (c.recorded) out.push(`recorded, not failed: ${c.name}: ${c.message}`);
    else if (c.ok && /\bnot checked\b/.test(c.message))
      out.push(`not checked: ${c.name}: ${c.message}`);
  }
  return out;
}
