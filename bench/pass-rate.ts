/**
 * How often does a gate pass a change that breaks nothing? Each service's gate scenario
 * (`scenarios/<service>-gate.yaml`) runs with its clean control (`changes/<service>/` cases whose
 * header names no window) `PASS_RATE_RUNS` times in a row (default 10), as its Zuul job runs it:
 * `kroll run … --change <service>=<patch>`, each on lab nodes emptied first (`kroll lab reset`).
 * Target: at least 9 of 10 passes per service. Baseline in the same run: the gate scenario once
 * per service without a change (stable → proposed alone), so a failure of every run can be told
 * from a failure the change's image build brings.
 *
 * Every failed run is listed with its failing checks (name and message, from summary.json), and
 * each run directory is kept under runs/pass-rate/<service>-<n>/. `npm run bench -- pass-rate
 * [SERVICE]` runs one service's. Ends with:
 * {"bench":"pass-rate","runs_each":N,"services":{"ironic":{"passed":N,"runs":N,…}},"target_met":…,"minutes":…}
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseCase } from "../src/gate/efficacy.js";
import type { RunReport } from "../src/run/model.js";
import { kroll, REPO } from "./support/kroll-child.js";

const OUT = join(REPO, "runs", "pass-rate");
const RUNS = Number(process.env.PASS_RATE_RUNS ?? "10");
if (!Number.isInteger(RUNS) || RUNS < 1) {
  process.stderr.write(
    `PASS_RATE_RUNS: expected a whole number of 1 or more, got "${process.env.PASS_RATE_RUNS}"\n`,
  );
  process.exit(2);
}
const only = process.argv[2];

interface Outcome {
  readonly verdict: string;
  readonly exit: number | null;
  readonly s: number;
  readonly failing: readonly string[];
}

async function gateRun(service: string, dir: string, change: string | undefined): Promise<Outcome> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await kroll(["lab", "reset"], join(dir, "reset.log"));
  const r = await kroll(
    [
      "run",
      join("scenarios", `${service}-gate.yaml`),
      ...(change === undefined ? [] : ["--change", `${service}=${change}`]),
      "--run-dir",
      dir,
    ],
    join(dir, "kroll.log"),
  );
  const summary = join(dir, "summary.json");
  if (!existsSync(summary))
    return {
      verdict: "no report",
      exit: r.code,
      s: r.s,
      failing: ["the run wrote no summary.json"],
    };
  const report = JSON.parse(readFileSync(summary, "utf8")) as RunReport;
  return {
    verdict: report.verdict,
    exit: r.code,
    s: r.s,
    failing: report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.message}`.slice(0, 300)),
  };
}

const services = readdirSync(join(REPO, "changes"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(REPO, "scenarios", `${d.name}-gate.yaml`)))
  .map((d) => d.name)
  .filter((s) => only === undefined || s === only)
  .sort();
if (services.length === 0) {
  process.stderr.write(`no gate scenario for "${only}"\n`);
  process.exit(2);
}

const t0 = Date.now();
const figures: Record<string, unknown> = {};
let met = true;
for (const service of services) {
  const control = readdirSync(join(REPO, "changes", service))
    .filter((f) => f.endsWith(".patch"))
    .sort()
    .map((f) => join("changes", service, f))
    .find(
      (file) =>
        parseCase(service, file, readFileSync(join(REPO, file), "utf8")).window.length === 0,
    );
  if (control === undefined) {
    process.stderr.write(
      `pass-rate: changes/${service} has no clean control (a case with no window)\n`,
    );
    process.exit(2);
  }
  process.stderr.write(`pass-rate: ${service} baseline (no change)\n`);
  const baseline = await gateRun(service, join(OUT, `${service}-baseline`), undefined);
  const runs: Outcome[] = [];
  for (let n = 1; n <= RUNS; n++) {
    process.stderr.write(`pass-rate: ${service} run ${n} of ${RUNS} (${control})\n`);
    const o = await gateRun(service, join(OUT, `${service}-${n}`), control);
    runs.push(o);
    process.stderr.write(
      `pass-rate: ${service} run ${n}: ${o.verdict} in ${Math.round(o.s)} s${o.failing.length ? `; ${o.failing.join(" | ")}` : ""}\n`,
    );
  }
  const passed = runs.filter((o) => o.verdict === "pass").length;
  met &&= passed >= Math.ceil(0.9 * RUNS);
  figures[service] = {
    control,
    passed,
    runs: RUNS,
    baseline: baseline.verdict,
    median_s: [...runs.map((o) => o.s)].sort((a, b) => a - b)[Math.floor(RUNS / 2)],
    failures: runs.flatMap((o, i) =>
      o.verdict === "pass" ? [] : [{ run: i + 1, checks: o.failing }],
    ),
    ...(baseline.verdict === "pass" ? {} : { baseline_failing: baseline.failing }),
  };
}
process.stdout.write(
  `${JSON.stringify({
    bench: "pass-rate",
    runs_each: RUNS,
    services: figures,
    target_met: met,
    minutes: Math.round((Date.now() - t0) / 6_000) / 10,
  })}\n`,
);
