/** Composition root of `kroll history`: past runs per scenario and the disruption they allow. */
import { resolve } from "node:path";
import { EXIT } from "../../core/errors.js";
import { readScenario } from "../../scenario/read.js";
import { allowedDisruptionMs, MIN_RUNS, readHistory } from "../../run/history.js";
import type { CommandContext } from "../context.js";
import { table } from "../output.js";

interface Values {
  dir?: string;
  json?: boolean;
}

export async function run(ctx: CommandContext<Values>): Promise<number> {
  const file = ctx.positionals[0];
  const scenario =
    file !== undefined ? (await readScenario(file, ctx.cwd, ctx.sets)).scenario : undefined;
  const root = resolve(ctx.cwd, ctx.values.dir ?? scenario?.report.dir ?? "runs");
  const entries = readHistory(root, scenario?.name);
  const groups = new Map<string, typeof entries>();
  for (const e of entries) {
    const k = `${e.scenario} ${e.strategy}`;
    groups.set(k, [...(groups.get(k) ?? []), e]);
  }
  const bounds = [...groups].map(([k, es]) => {
    const [name = "", strategy = ""] = k.split(" ");
    const passed = es.filter((e) => e.verdict === "pass");
    return {
      scenario: name,
      strategy,
      runs: es.length,
      passed: passed.length,
      allowed: allowedDisruptionMs(passed, strategy),
    };
  });
  if (ctx.values.json) {
    ctx.out.json({ dir: root, minRuns: MIN_RUNS, entries, bounds });
    return EXIT.ok;
  }
  if (entries.length === 0) {
    ctx.out.line(`no runs under ${root}${scenario ? ` for "${scenario.name}"` : ""}`);
    return EXIT.ok;
  }
  ctx.out.line(
    table([
      [
        "started",
        "scenario",
        "strategy",
        "verdict",
        "requests",
        "failed",
        "disruption ms",
        "took s",
      ],
      ...entries.map((e) => [
        new Date(e.startedAt).toISOString().slice(0, 19),
        e.scenario,
        e.strategy,
        e.verdict,
        String(e.requests),
        String(e.failedRequests),
        String(e.disruptionMs),
        String(Math.round(e.durationMs / 1000)),
      ]),
    ]),
  );
  for (const b of bounds)
    ctx.out.line(
      b.allowed
        ? `${b.scenario} (${b.strategy}): allowed disruption ${b.allowed.allowedMs} ms from ${b.allowed.runs} passing runs (P99 ${b.allowed.p99Ms} ms; max(P99 + 5 s, P99 × 1.2))`
        : `${b.scenario} (${b.strategy}): ${b.passed} passing run(s); the allowed disruption is derived from ${MIN_RUNS}`,
    );
  return EXIT.ok;
}
