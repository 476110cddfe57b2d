/**
 * Composition root of `kroll report RUN_DIR [--compare RUN_DIR2]`: re-renders a run's reports
 * (report.html, junit.xml, results.subunit) from its summary.json — after a kroll upgrade, or to
 * make the HTML of a run whose scenario did not ask for it — and, with --compare, puts two runs
 * side by side (stdout, --json, and compare.html in RUN_DIR).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { ConfigError, EXIT } from "../../core/errors.js";
import { compareHtml, compareRuns } from "../../run/compare.js";
import type { StepSide } from "../../run/compare.js";
import { chartAssets } from "../../run/chart-assets.js";
import { reportHtml } from "../../run/html.js";
import { junitXml } from "../../run/junit.js";
import { REPORT_VERSION } from "../../run/model.js";
import type { RunReport } from "../../run/model.js";
import { subunitV2 } from "../../run/subunit.js";
import type { CommandContext } from "../context.js";
import { table } from "../output.js";

interface Values {
  compare?: string;
  json?: boolean;
}

/** A run directory's summary.json, or exit 2 naming the file and what was expected. */
export function readRunSummary(dir: string, cwd: string): RunReport {
  const file = relative(cwd, join(resolve(cwd, dir), "summary.json")) || "summary.json";
  const bad = (path: string, message: string): ConfigError =>
    new ConfigError([{ file, line: 0, column: 0, path, message }]);
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), "utf8");
  } catch {
    throw bad("", "no such file; expected the run directory of a `kroll run`");
  }
  let r: unknown;
  try {
    r = JSON.parse(text);
  } catch (e) {
    throw bad("", `not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const o = r as Partial<RunReport> | null;
  if (
    o === null ||
    typeof o !== "object" ||
    typeof o.verdict !== "string" ||
    !Array.isArray(o.checks)
  )
    throw bad("", "not a kroll run summary; expected verdict, checks, steps, …");
  if (o.version !== REPORT_VERSION)
    throw bad("version", `report version ${String(o.version)}; this kroll reads ${REPORT_VERSION}`);
  return o as RunReport;
}

export function run(ctx: CommandContext<Values>): Promise<number> {
  return Promise.resolve(render(ctx));
}

function render(ctx: CommandContext<Values>): number {
  const dir = resolve(ctx.cwd, ctx.positionals[0] ?? "");
  const a = readRunSummary(dir, ctx.cwd);
  if (ctx.values.compare === undefined) {
    writeFileSync(join(dir, "report.html"), reportHtml(a, chartAssets()));
    writeFileSync(join(dir, "junit.xml"), junitXml(a));
    writeFileSync(join(dir, "results.subunit"), subunitV2(a));
    const rel = relative(ctx.cwd, dir) || ".";
    if (ctx.values.json) ctx.out.json({ runDir: rel, verdict: a.verdict, written: FILES });
    else ctx.out.line(`${rel}: ${a.verdict}; rewrote ${FILES.join(", ")}`);
    return EXIT.ok;
  }
  const b = readRunSummary(ctx.values.compare, ctx.cwd);
  const c = compareRuns(a, b);
  const html = join(dir, "compare.html");
  writeFileSync(html, compareHtml(c));
  if (ctx.values.json) {
    ctx.out.json({ ...c, html: relative(ctx.cwd, html) });
    return EXIT.ok;
  }
  const fields: [string, (s: typeof c.a) => unknown][] = [
    ["strategy", (s) => s.strategy],
    ["verdict", (s) => s.verdict.toUpperCase()],
    ["wall time", (s) => `${s.wallS} s`],
    ["upgrade", (s) => (s.upgradeS === undefined ? "-" : `${s.upgradeS} s`)],
    ["requests", (s) => s.requests],
    ["failed requests", (s) => s.failedRequests],
    ["p99", (s) => (s.p99Ms === undefined ? "-" : `${s.p99Ms} ms`)],
    ["failed operations", (s) => s.failedOperations],
    ["cross-version", (s) => s.crossVersion],
  ];
  const step = (s: StepSide | undefined): string =>
    s === undefined
      ? "-"
      : `${s.failedRequests} failed, ${s.unavailableMs} ms down, ${s.seconds} s`;
  ctx.out.line(
    table([
      ["", relative(ctx.cwd, dir) || ".", relative(ctx.cwd, resolve(ctx.cwd, ctx.values.compare))],
      ...fields.map(([l, f]) => [l, String(f(c.a)), String(f(c.b))]),
      ...c.steps.map((s) => [`step ${s.step}`, step(s.a), step(s.b)]),
      ...c.disruption.map((d) => [
        `down ${d.api}`,
        d.a === undefined ? "-" : `${d.a} ms`,
        d.b === undefined ? "-" : `${d.b} ms`,
      ]),
      ...c.checks.map((x) => [
        `check ${x.check}`,
        x.a === undefined ? "-" : x.a ? "pass" : "FAIL",
        x.b === undefined ? "-" : x.b ? "pass" : "FAIL",
      ]),
    ]),
  );
  ctx.out.line(`side by side: ${relative(ctx.cwd, html)}`);
  return EXIT.ok;
}

const FILES = ["report.html", "junit.xml", "results.subunit"];
