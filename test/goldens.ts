/**
 * Every golden file under test/fixtures/golden/ and what renders it. The suite compares them
 * (test/unit/goldens.test.ts); only `npm run update-goldens` rewrites them, never the test run.
 */
import { readdirSync } from "node:fs";
import { runCli } from "../src/cli/main.js";
import { REPO } from "./builders.js";
import { join, relative } from "node:path";
import type { DeployPlan } from "../src/deploy/render.js";
import { renderDeploy } from "../src/deploy/render.js";
import { renderGlobals } from "../src/inventory/kolla-globals.js";
import { renderInventory } from "../src/inventory/kolla-inventory.js";
import { buildConfigTree } from "../src/inventory/overrides.js";
import { RELEASES } from "../src/kolla/releases.js";
import { aScenario, FIXTURES, goldenScenario, load } from "./builders.js";

export const GOLDEN_DIR = join(FIXTURES, "golden");

/** The lab's layout with fixed passwords, as the deploy goldens render it. */
export const DEPLOY_PASSWORDS = {
  database_password: "rootpw",
  rabbitmq_password: "rabbitpw",
  ironic_database_password: "ironicpw",
  heat_database_password: "heatpw",
};
const tree = buildConfigTree(
  [
    {
      name: "lab",
      files: new Map([
        ["ironic.conf", "[DEFAULT]\nauth_strategy = noauth\n"],
        ["heat/heat-engine.conf", "[DEFAULT]\nnum_engine_workers = 4\n"],
      ]),
    },
  ],
  {},
  "x",
).tree;

export function deployPlan(
  over = {},
  phase: "stable" | "target" = "stable",
  passwords: Readonly<Record<string, string>> = DEPLOY_PASSWORDS,
): DeployPlan {
  const s = load(
    aScenario({
      kolla: {
        release: "2023.1",
        stable: "stable",
        target: "proposed",
        auth: "noauth",
        registry: "kroll-registry:5000",
      },
      ...over,
    }),
  ).scenario;
  return renderDeploy({ scenario: s, tree, passwords, phase });
}

export interface Golden {
  /** Relative to GOLDEN_DIR. */
  readonly path: string;
  readonly render: () => string | Promise<string>;
}

/** The example scenarios whose `kroll plan --offline` text is kept as a golden, per strategy. */
export const PLAN_SCENARIOS = [
  "lab",
  "lab-slurp",
  "heat-gate",
  "ironic-gate",
  "site-large",
  "zuul-multinode",
] as const;

/**
 * `kroll plan SCENARIO --offline --verbose --strategy S` as the CLI prints it: every wave and
 * action of the upgrade from the stable state. A refactoring of the planner or of a recipe that
 * changes a plan changes one of these files (review it with git diff).
 */
export async function planText(scenario: string, strategy: string): Promise<string> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    [
      "plan",
      join("scenarios", `${scenario}.yaml`),
      "--offline",
      "--verbose",
      "--strategy",
      strategy,
    ],
    {
      cwd: REPO,
      out: {
        line: (t = "") => out.push(t),
        json: (v) => out.push(JSON.stringify(v)),
        note: () => undefined,
      },
      writeErr: (l) => err.push(l),
    },
  );
  if (code !== 0) throw new Error(`kroll plan ${scenario} exited ${code}: ${err.join(" ")}`);
  return `${out.join("\n")}\n`;
}

/** Every golden file: the kolla inputs of each release (both phases), every deployed file. */
export function goldens(): Golden[] {
  const out: Golden[] = [];
  for (const release of RELEASES) {
    const s = (): ReturnType<typeof goldenScenario>["scenario"] => goldenScenario(release).scenario;
    out.push(
      { path: join(release, "multinode"), render: () => renderInventory(s(), "stable") },
      { path: join(release, "multinode-target"), render: () => renderInventory(s(), "target") },
      { path: join(release, "globals.yml"), render: () => renderGlobals(s(), "stable") },
      { path: join(release, "globals-target.yml"), render: () => renderGlobals(s(), "target") },
    );
  }
  for (const scenario of PLAN_SCENARIOS)
    for (const strategy of ["rolling", "kolla-ansible"])
      out.push({
        path: join("plan", `${scenario}.${strategy}.txt`),
        render: () => planText(scenario, strategy),
      });
  for (const u of deployPlan().services.flatMap((sp) => sp.units))
    for (const f of u.files)
      out.push({ path: join("deploy", u.node, u.component, f.name), render: () => f.content });
  return out;
}

/** Every file under GOLDEN_DIR, relative to it. */
export function goldenFilesOnDisk(): string[] {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(relative(GOLDEN_DIR, p));
    }
  };
  walk(GOLDEN_DIR);
  return files.sort();
}
