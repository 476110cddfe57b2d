/**
 * PURE. Two runs side by side (`kroll report A --compare B`): the rolling run and its kolla-ansible
 * baseline, or the same gate with two changes. What a reviewer weighs: verdict and wall time,
 * requests and failures, failures and unavailability per step (steps matched by service and step
 * name, the waves of one step added up), disruption per API and the checks that differ.
 */
import { esc } from "./html.js";
import type { RunReport } from "./model.js";

export interface CompareSide {
  readonly runDir: string;
  readonly scenario: string;
  readonly strategy: string;
  readonly verdict: string;
  readonly wallS: number;
  readonly upgradeS: number | undefined;
  readonly requests: number;
  readonly failedRequests: number;
  readonly p99Ms: number | undefined;
  readonly failedOperations: number;
  readonly crossVersion: number;
  readonly changes: readonly string[];
}

export interface StepPair {
  /** `ironic conductors` */
  readonly step: string;
  readonly a: StepSide | undefined;
  readonly b: StepSide | undefined;
}
export interface StepSide {
  readonly waves: number;
  readonly failedRequests: number;
  readonly unavailableMs: number;
  readonly failedOperations: number;
  readonly seconds: number;
}

export interface DisruptionPair {
  /** `ironic_api via vip` */
  readonly api: string;
  readonly a: number | undefined;
  readonly b: number | undefined;
}

export interface CheckPair {
  readonly check: string;
  readonly a: boolean | undefined;
  readonly b: boolean | undefined;
}

export interface RunComparison {
  readonly a: CompareSide;
  readonly b: CompareSide;
  readonly steps: readonly StepPair[];
  readonly disruption: readonly DisruptionPair[];
  /** Checks whose result differs (or that one run has and the other lacks). */
  readonly checks: readonly CheckPair[];
}

function side(r: RunReport): CompareSide {
  const up = r.phases.find((p) => p.name === "upgrade");
  return {
    runDir: r.runDir,
    scenario: r.scenario,
    strategy: r.strategy,
    verdict: r.verdict,
    wallS: Math.round((r.endedAt - r.startedAt) / 1000),
    upgradeS: up ? Math.round((up.to - up.from) / 1000) : undefined,
    requests: r.load?.requests ?? 0,
    failedRequests: r.load?.failed ?? 0,
    p99Ms: r.load?.p99Ms,
    failedOperations: r.operations.filter((o) => o.status !== "done").length,
    crossVersion: r.crossVersion.length,
    changes: (r.changes ?? []).map((c) => `${c.service} ${c.kind} ${c.id}`),
  };
}

function stepsOf(r: RunReport): Map<string, StepSide> {
  const out = new Map<string, StepSide>();
  for (const s of r.steps) {
    const k = `${s.service} ${s.step}`;
    const p = out.get(k);
    const secs = s.to === undefined ? 0 : (s.to - s.from) / 1000;
    out.set(k, {
      waves: (p?.waves ?? 0) + 1,
      failedRequests: (p?.failedRequests ?? 0) + s.failedRequests,
      unavailableMs: (p?.unavailableMs ?? 0) + s.unavailableMs,
      failedOperations: (p?.failedOperations ?? 0) + s.failedOperations,
      seconds: Math.round(((p?.seconds ?? 0) + secs) * 10) / 10,
    });
  }
  return out;
}

/** Keys of both, in a's order, then b's that a lacks. */
const union = <T>(a: Map<string, T>, b: Map<string, T>): string[] => [
  ...a.keys(),
  ...[...b.keys()].filter((k) => !a.has(k)),
];

export function compareRuns(a: RunReport, b: RunReport): RunComparison {
  const sa = stepsOf(a);
  const sb = stepsOf(b);
  const dis = (r: RunReport): Map<string, number> =>
    new Map(r.disruption.map((d) => [`${d.backend} via ${d.via}`, d.unavailableMs]));
  const da = dis(a);
  const db = dis(b);
  // Steps' checks carry wave numbers that differ between runs: the step table compares them.
  const checks = (r: RunReport): Map<string, boolean> =>
    new Map(
      r.checks.filter((c) => c.suite !== "steps").map((c) => [`${c.suite}: ${c.name}`, c.ok]),
    );
  const ca = checks(a);
  const cb = checks(b);
  return {
    a: side(a),
    b: side(b),
    steps: union(sa, sb).map((step) => ({ step, a: sa.get(step), b: sb.get(step) })),
    disruption: union(da, db).map((api) => ({ api, a: da.get(api), b: db.get(api) })),
    checks: union(ca, cb)
      .filter((k) => ca.get(k) !== cb.get(k))
      .map((check) => ({ check, a: ca.get(check), b: cb.get(check) })),
  };
}

/** The comparison as one self-contained HTML page (tables only, no script). */
export function compareHtml(c: RunComparison): string {
  const cell = (v: string | number | boolean | undefined): string =>
    `<td>${v === undefined ? "–" : esc(typeof v === "boolean" ? (v ? "pass" : "FAIL") : String(v))}</td>`;
  const row = (
    label: string,
    a: string | number | boolean | undefined,
    b: string | number | boolean | undefined,
  ): string => `<tr><th>${esc(label)}</th>${cell(a)}${cell(b)}</tr>`;
  const head = `<tr><th></th><th>${esc(c.a.runDir)}</th><th>${esc(c.b.runDir)}</th></tr>`;
  const fields: [string, Exclude<keyof CompareSide, "changes">][] = [
    ["scenario", "scenario"],
    ["strategy", "strategy"],
    ["verdict", "verdict"],
    ["wall time (s)", "wallS"],
    ["upgrade (s)", "upgradeS"],
    ["requests", "requests"],
    ["failed requests", "failedRequests"],
    ["p99 (ms)", "p99Ms"],
    ["failed or stuck operations", "failedOperations"],
    ["cross-version findings", "crossVersion"],
  ];
  const steps = c.steps.map(
    (s) =>
      `<tr><th>${esc(s.step)}</th>${cell(s.a && `${s.a.failedRequests} failed, ${s.a.unavailableMs} ms down, ${s.a.seconds} s`)}${cell(s.b && `${s.b.failedRequests} failed, ${s.b.unavailableMs} ms down, ${s.b.seconds} s`)}</tr>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kroll: ${esc(c.a.runDir)} vs ${esc(c.b.runDir)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px}table{border-collapse:collapse;margin-bottom:24px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f4f4f4}</style>
</head><body>
<h1>Two runs side by side</h1>
<table id="runs">${head}${fields.map(([l, k]) => row(l, c.a[k], c.b[k])).join("")}${row("changes", c.a.changes.join(", ") || undefined, c.b.changes.join(", ") || undefined)}</table>
<h2>Per step</h2>
<table id="steps">${head}${steps.join("")}</table>
<h2>Disruption per API (ms unavailable)</h2>
<table id="disruption">${head}${c.disruption.map((d) => row(d.api, d.a, d.b)).join("")}</table>
<h2>Checks that differ</h2>
<table id="checks">${head}${c.checks.map((x) => row(x.check, x.a, x.b)).join("")}</table>
</body></html>
`;
}
