/**
 * The run store: every `kroll run` leaves its summary.json in its run directory under the
 * scenario's report dir; `kroll history` reads them back. From the disruption of earlier
 * passing runs it derives what a run may be allowed, OpenShift's way: once there are enough
 * runs, allowed = max(P99 + 5 s, P99 × 1.2) of the worst VIP disruption per run.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { RunReport } from "./model.js";

/** Below this many runs the history is not trusted to set a bound. */
export const MIN_RUNS = 5;

export interface HistoryEntry {
  readonly dir: string;
  readonly scenario: string;
  readonly strategy: string;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly verdict: string;
  readonly requests: number;
  readonly failedRequests: number;
  /** The worst per-backend disruption through the VIP in that run, ms. */
  readonly disruptionMs: number;
}

export function entryOf(dir: string, r: RunReport): HistoryEntry {
  return {
    dir,
    scenario: r.scenario,
    strategy: r.strategy,
    startedAt: r.startedAt,
    durationMs: r.endedAt - r.startedAt,
    verdict: r.verdict,
    requests: r.load?.requests ?? 0,
    failedRequests: r.load?.failed ?? 0,
    disruptionMs: Math.max(
      0,
      ...r.disruption.filter((d) => d.via === "vip").map((d) => d.unavailableMs),
    ),
  };
}

/** Every run summary under `root` (one level of run directories), oldest first. */
export function readHistory(root: string, scenario?: string): HistoryEntry[] {
  if (!existsSync(root)) return [];
  const out: HistoryEntry[] = [];
  for (const name of readdirSync(root)) {
    const dir = join(root, name);
    const f = join(dir, "summary.json");
    if (!statSync(dir).isDirectory() || !existsSync(f)) continue;
    try {
      const r = JSON.parse(readFileSync(f, "utf8")) as RunReport;
      if (scenario !== undefined && r.scenario !== scenario) continue;
      out.push(entryOf(dir, r));
    } catch {
      continue; // a torn or foreign file is not history
    }
  }
  return out.sort((a, b) => a.startedAt - b.startedAt);
}

/** The p-th percentile (nearest rank) of xs. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/**
 * Allowed disruption from earlier runs of the same scenario and strategy that got through the
 * upgrade: undefined until there are MIN_RUNS of them.
 */
export function allowedDisruptionMs(
  entries: readonly HistoryEntry[],
  strategy: string,
): { allowedMs: number; p99Ms: number; runs: number } | undefined {
  const xs = entries.filter((e) => e.strategy === strategy).map((e) => e.disruptionMs);
  if (xs.length < MIN_RUNS) return undefined;
  const p99 = percentile(xs, 99);
  return { allowedMs: Math.round(Math.max(p99 + 5_000, p99 * 1.2)), p99Ms: p99, runs: xs.length };
}
