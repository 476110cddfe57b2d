/**
 * PURE. What `kroll run` prints: the summary after a run (failing checks first, then passing
 * ones but the steps, hazards, unfinished operations, and a table of the run), and the progress
 * line it shows while the upgrade runs.
 */
import { NO_CHANGE } from "../lab/versions.js";
import { describeCause } from "../run/model.js";
import type { RunReport } from "../run/model.js";
import { table } from "./output.js";

/** The summary's lines; `rel` names a file of the run directory as the user reaches it. */
export function summaryLines(r: RunReport, rel: (file: string) => string): string[] {
  const out: string[] = [];
  for (const n of r.upgrade?.notes ?? []) out.push(`note: ${n}`);
  out.push(
    table([
      ["  result", "suite", "check", "detail"],
      ...[
        ...r.checks.filter((c) => !c.ok),
        ...r.checks.filter((c) => c.ok && c.suite !== "steps"),
      ].map((c) => [
        `  ${c.ok ? (c.recorded ? "recorded" : "pass") : "FAIL"}`,
        c.suite,
        c.name,
        c.message.slice(0, 160),
      ]),
    ]),
  );
  const okSteps = r.checks.filter((c) => c.suite === "steps" && c.ok).length;
  if (okSteps)
    out.push(`  pass   steps  ${okSteps} upgrade steps without failures (junit.xml lists each)`);
  // Known hazards (src/run/hazards.ts), once each, with the steps they were seen under.
  const hints = new Map<string, number[]>();
  for (const st of r.steps)
    if (st.hint) hints.set(st.hint, [...(hints.get(st.hint) ?? []), st.wave]);
  for (const [hint, waves] of hints) out.push(`  waves ${waves.join(", ")}: ${hint}`);
  for (const o of r.operations)
    out.push(
      `  ${o.status} ${o.kind} ${o.id} ${o.verb}: ${o.state} ${o.reason} — ${describeCause(o.cause)}`,
    );
  const l = r.load;
  out.push(
    table([
      ["  scenario", r.scenario],
      ["  strategy", r.strategy],
      ...(r.changes ?? []).map((c) => [
        `  change`,
        `${c.service} ${c.kind === "patch" ? "patch" : "commit"} ${c.id} ${c.subject}`,
      ]),
      ...(r.versions ?? []).map((v) => [
        `  ${v.service}`,
        `${v.stable} → ${v.proposed}${v.stable === v.proposed ? ` (${NO_CHANGE})` : ""}`,
      ]),
      ["  verdict", `${r.verdict.toUpperCase()}: ${r.reason}`],
      ["  requests", l ? `${l.requests} (${l.failed} failed), p99 ${l.p99Ms ?? "-"} ms` : "-"],
      [
        "  operations",
        `${l?.operationsDone ?? 0} done, ${r.operations.filter((o) => o.status === "failed").length} failed, ${r.operations.filter((o) => o.status === "stuck").length} stuck`,
      ],
      ["  upgrade", r.upgrade ? `${r.upgrade.status}, ${r.upgrade.waves} waves` : "-"],
      ["  time", `${Math.round((r.endedAt - r.startedAt) / 1000)} s`],
      ["  report", rel("report.html")],
      ["  junit", rel("junit.xml")],
    ]),
  );
  return out;
}

/** The progress line: time since the start, phase and wave, requests and open operations. */
export function tickerLine(
  elapsedMs: number,
  progress: { readonly phase: string; readonly wave: string },
  load: {
    readonly requests: number;
    readonly failed: number;
    readonly openOperations: number;
  },
): string {
  return `[${Math.round(elapsedMs / 1000)} s] ${progress.phase}${progress.wave ? ` · ${progress.wave}` : ""} · requests ${load.requests - load.failed} ok / ${load.failed} failed · ${load.openOperations} open operations`;
}
