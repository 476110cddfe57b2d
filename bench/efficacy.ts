/**
 * Does the gate fail the changes that break rolling upgrades? Every case of the catalogue
 * (`changes/<service>/*.patch`: a header says its class, what should fail and in which step's
 * window) runs through its service's gate scenario (`scenarios/<service>-gate.yaml`) as
 * `kroll run … --change <service>=<patch>`, each on lab nodes emptied first (`kroll lab
 * reset`: a case's schema migration must not meet the next case). Baseline in the same run:
 * the clean cases, which must pass.
 *
 * caught: a breaking case's run failed (a clean case's passed). attributed: the earliest
 * failing step check names the case's service and a step of its window. A miss stays in the
 * table: it says what kroll does not see.
 *
 * Each case's run directory is kept under runs/efficacy/<service>-<case>/; the table is written
 * to runs/efficacy/table.md. `npm run bench -- efficacy [FILTER]` runs the cases whose id
 * contains FILTER. Ends with:
 * {"bench":"efficacy","cases":N,"breaking":N,"caught":N,"attributed":N,"clean_passed":true,"minutes":…}
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { judgeCase, parseCase } from "../src/gate/efficacy.js";
import type { CaseVerdict, ChangeCase } from "../src/gate/efficacy.js";
import type { RunReport } from "../src/run/model.js";
import { kroll, REPO } from "./support/kroll-child.js";

const OUT = join(REPO, "runs", "efficacy");

const filter = process.argv[2] ?? "";
const cases: ChangeCase[] = [];
for (const service of readdirSync(join(REPO, "changes"), { withFileTypes: true })) {
  if (!service.isDirectory()) continue;
  if (!existsSync(join(REPO, "scenarios", `${service.name}-gate.yaml`))) continue;
  for (const f of readdirSync(join(REPO, "changes", service.name)).sort()) {
    if (!f.endsWith(".patch")) continue;
    const file = join("changes", service.name, f);
    const c = parseCase(service.name, file, readFileSync(join(REPO, file), "utf8"));
    if (c.id.includes(filter)) cases.push(c);
  }
}
if (cases.length === 0) {
  process.stderr.write(`no case matches "${filter}"\n`);
  process.exit(2);
}

mkdirSync(OUT, { recursive: true });
const t0 = Date.now();
const results: (CaseVerdict & { c: ChangeCase; s: number; exit: number | null })[] = [];
for (const c of cases) {
  const dir = join(OUT, c.id.replace("/", "-"));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`efficacy: ${c.id} (${c.window.length ? c.class : "clean"})\n`);
  await kroll(["lab", "reset"], join(dir, "reset.log"));
  const r = await kroll(
    [
      "run",
      join("scenarios", `${c.service}-gate.yaml`),
      "--change",
      `${c.service}=${c.file}`,
      "--run-dir",
      dir,
    ],
    join(dir, "kroll.log"),
  );
  const summary = join(dir, "summary.json");
  const report = existsSync(summary)
    ? (JSON.parse(readFileSync(summary, "utf8")) as RunReport)
    : undefined;
  const v = judgeCase(c, report);
  results.push({ ...v, c, s: r.s, exit: r.code });
  process.stderr.write(
    `efficacy: ${c.id}: exit ${r.code ?? "-"} in ${Math.round(r.s)} s; ${v.breaking ? `caught ${v.caught}, attributed ${v.attributed}` : `passed ${v.caught}`}; ${v.failingCheck || v.reason}\n`,
  );
}

const cell = (s: string): string => s.replaceAll("|", "\\|").replaceAll("\n", " ");
const table = [
  "| case | class | caught | attributed | failing check | step | window | s |",
  "| ---- | ----- | ------ | ---------- | ------------- | ---- | ------ | - |",
  ...results.map((x) =>
    [
      x.id,
      x.breaking ? x.c.class : "none (clean: must pass)",
      x.breaking ? (x.caught ? "yes" : "**no**") : x.caught ? "passed" : "**failed**",
      x.breaking ? (x.attributed ? "yes" : "**no**") : "-",
      x.failingCheck || "-",
      x.step || "-",
      x.c.window.join(", ") || "-",
      String(Math.round(x.s)),
    ]
      .map(cell)
      .join(" | ")
      .replace(/^/, "| ")
      .replace(/$/, " |"),
  ),
].join("\n");
writeFileSync(join(OUT, "table.md"), `${table}\n`);
process.stderr.write(`${table}\n`);
const breaking = results.filter((x) => x.breaking);
process.stdout.write(
  `${JSON.stringify({
    bench: "efficacy",
    cases: results.length,
    breaking: breaking.length,
    caught: breaking.filter((x) => x.caught).length,
    attributed: breaking.filter((x) => x.attributed).length,
    clean_passed: results.filter((x) => !x.breaking).every((x) => x.caught),
    minutes: Math.round((Date.now() - t0) / 6_000) / 10,
  })}\n`,
);
