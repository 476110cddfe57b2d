/** Composition root of `kroll deploy`. */
import { join, relative, resolve } from "node:path";
import { systemClock } from "../../core/clock.js";
import { ConfigError, EXIT, formatIssue } from "../../core/errors.js";
import { deploy } from "../../deploy/deploy.js";
import type { DeployReport } from "../../deploy/deploy.js";
import type { DeployPlan } from "../../deploy/render.js";
import { DEPLOYABLE, renderDeploy } from "../../deploy/render.js";
import { writeKollaInputs } from "../../inventory/emit.js";
import { VIP_FAILOVER, vipFailoverRequested } from "../../scenario/derived.js";
import { readScenario } from "../../scenario/read.js";
import type { LoadedScenario } from "../../scenario/read.js";
import type { CommandContext } from "../context.js";
import { table } from "../output.js";
import { openSession } from "./cluster-session.js";
import { softStopOnSignals } from "../signals.js";
import type { ClusterSession } from "./cluster-session.js";

interface Values {
  "accept-new-host-keys"?: boolean;
  "kolla-dir"?: string;
  adopt?: boolean;
}

/** Where a scenario's kolla inputs (and so its passwords) live. */
export function kollaDirFor(loaded: LoadedScenario, cwd: string, override?: string): string {
  if (override !== undefined) return resolve(cwd, override);
  const lab = loaded.scenario.cluster.lab;
  return lab
    ? join(lab.state_dir, "kolla")
    : resolve(cwd, "inventories", loaded.scenario.name, "kolla");
}

/** Checks a scenario is one `kroll deploy` can lay out; a ConfigError naming the field if not. */
export function checkDeployable(loaded: LoadedScenario): void {
  const s = loaded.scenario;
  const unsupported = s.services.filter((x) => !DEPLOYABLE.includes(x));
  if (unsupported.length > 0) {
    throw new ConfigError([
      {
        file: loaded.file,
        line: 0,
        column: 0,
        path: "services",
        message: `kroll deploy lays out ${DEPLOYABLE.join(", ")} in this version; not yet: ${unsupported.join(", ")} (kroll inventory still writes kolla-ansible inputs for them)`,
      },
    ]);
  }
  if (vipFailoverRequested(s)) {
    throw new ConfigError([
      {
        file: loaded.file,
        line: 0,
        column: 0,
        path: VIP_FAILOVER.field,
        message: `kroll deploy does not run ${VIP_FAILOVER.daemon} yet: set ${VIP_FAILOVER.field}: false, and kroll adds the VIP on the first loadbalancer host itself`,
      },
    ]);
  }
}

/** The plan of the scenario's stable phase, from its kolla inputs (written as `deploy` writes them). */
export async function stablePlan(
  ctx: CommandContext<unknown>,
  loaded: LoadedScenario,
  kollaDirOverride?: string,
  adopt = false,
): Promise<DeployPlan> {
  const gen = await writeKollaInputs({
    loaded,
    outDir: kollaDirFor(loaded, ctx.cwd, kollaDirOverride),
    home: ctx.home,
    cwd: ctx.cwd,
    phase: "stable",
    adopt,
  });
  return renderDeploy({
    scenario: loaded.scenario,
    tree: gen.tree,
    passwords: gen.passwords.values,
    phase: "stable",
  });
}

/**
 * Writes the stable-phase kolla inputs and deploys the stable images (shared with `kroll run`
 * and `kroll lab smoke`, which gives the plan it already made).
 */
export async function deployStable(
  ctx: CommandContext<unknown>,
  loaded: LoadedScenario,
  session: ClusterSession,
  kollaDirOverride: string | undefined,
  adopt = false,
  stop?: AbortSignal,
  planned?: DeployPlan,
): Promise<{ report: DeployReport; plan: DeployPlan; kollaDir: string }> {
  const s = loaded.scenario;
  const kollaDir = kollaDirFor(loaded, ctx.cwd, kollaDirOverride);
  const plan = planned ?? (await stablePlan(ctx, loaded, kollaDirOverride, adopt));
  const report = await deploy(
    {
      cluster: session.cluster,
      dockers: session.dockers,
      logger: ctx.logger,
      clock: systemClock,
      adopt,
      ...(stop ? { stop } : {}),
    },
    plan,
    s,
  );
  return { report, plan, kollaDir };
}

export async function run(ctx: CommandContext<Values>): Promise<number> {
  const loaded = await readScenario(ctx.positionals[0] ?? "", ctx.cwd, ctx.sets);
  for (const w of loaded.warnings) ctx.out.note(`warning: ${formatIssue(w)}`);
  const s = loaded.scenario;
  checkDeployable(loaded);
  const t0 = systemClock.now();
  // SIGINT, SIGTERM, SIGHUP: finish the container at hand, then stop (exit 130).
  const stop = new AbortController();
  const offSignals = softStopOnSignals(ctx.logger, stop, "then stopping the deploy");
  const session = await openSession(s, ctx.logger, ctx.values["accept-new-host-keys"] === true);
  try {
    const {
      report: r,
      plan,
      kollaDir,
    } = await deployStable(
      ctx,
      loaded,
      session,
      ctx.values["kolla-dir"],
      ctx.values.adopt === true,
      stop.signal,
    );
    const secs = Math.round((systemClock.now() - t0) / 1000);
    ctx.out.line(
      r.changed
        ? `deployed scenario "${s.name}" (stable images) in ${secs} s; kolla inputs in ${relative(ctx.cwd, kollaDir)}/`
        : `no change: every container of scenario "${s.name}" already runs its rendered config and image (${secs} s)`,
    );
    ctx.out.line(
      table([
        ["  node", "container", "image", "action"],
        ...r.units.map((u) => [`  ${u.node}`, u.container, u.image, u.action]),
      ]),
    );
    if (r.pulled.length > 0) ctx.out.line(`  pulled ${r.pulled.length} images`);
    ctx.out.line(`  VIP ${plan.vip}${r.vipHolder ? ` on ${r.vipHolder}` : ""}`);
    return EXIT.ok;
  } finally {
    offSignals();
    session.close();
  }
}
