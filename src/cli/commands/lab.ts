/** Composition root of `kroll lab up|down|status|smoke|engine`. */
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { systemClock } from "../../core/clock.js";
import { EXIT, formatIssue, UsageError } from "../../core/errors.js";
import { writeKollaInputs } from "../../inventory/emit.js";
import { createDockerCli } from "../../lab/docker-cli.js";
import { resolveLabVersions } from "../../lab/apt.js";
import { ensureEngine } from "../../lab/engine.js";
import { ensureDebianBase } from "../../lab/images.js";
import { aptMirror, labSuites } from "../../lab/mirror.js";
import { NO_CHANGE, showVersion } from "../../lab/versions.js";
import type { TagVersion } from "../../lab/versions.js";
import {
  labDown,
  labLayout,
  labReset,
  labPaths,
  labStatus,
  labUp,
  MAX_NODES,
} from "../../lab/lab.js";
import type { LabDeps } from "../../lab/lab.js";
import { createProgress } from "../../lab/progress.js";
import { readScenario } from "../../scenario/read.js";
import { openSession } from "./cluster-session.js";
import { deployStable, stablePlan } from "./deploy.js";
import type { DeployPlan } from "../../deploy/render.js";
import type { CommandContext } from "../context.js";
import { table } from "../output.js";

interface Values {
  nodes?: string;
  "keep-images"?: boolean;
  json?: boolean;
}

const ACTIONS = ["up", "down", "reset", "status", "smoke", "engine", "versions"] as const;

export async function run(ctx: CommandContext<Values>): Promise<number> {
  const action = ctx.positionals[0] ?? "";
  if (!(ACTIONS as readonly string[]).includes(action)) {
    throw new UsageError(
      `lab takes one of ${ACTIONS.join(", ")}, got "${action}"\nusage: kroll lab up|down|reset|status|smoke|engine|versions [SCENARIO]`,
    );
  }
  const cli = createDockerCli();
  const deps: LabDeps = {
    cli,
    logger: ctx.logger,
    clock: systemClock,
    progress: createProgress(ctx.logger, process.stderr.isTTY === true),
    home: ctx.home,
  };
  if (action === "engine") {
    const info = await ensureEngine(cli, ctx.logger, systemClock);
    ctx.out.line(
      `Docker engine ${info.version}${info.started ? " (started by kroll)" : ""}${info.installed ? " (installed from Debian's docker.io)" : ""}`,
    );
    return EXIT.ok;
  }
  const file = ctx.positionals[1] ?? relative(ctx.cwd, join(ctx.home, "scenarios", "lab.yaml"));
  const template = await readScenario(file, ctx.cwd, ctx.sets);
  for (const w of template.warnings) ctx.out.note(`warning: ${formatIssue(w)}`);
  const requested = ctx.values.nodes === undefined ? undefined : Number(ctx.values.nodes);
  if (
    requested !== undefined &&
    (!Number.isInteger(requested) || requested < 1 || requested > MAX_NODES)
  ) {
    throw new UsageError(
      `--nodes takes a whole number from 1 to ${MAX_NODES}, got "${ctx.values.nodes}"`,
    );
  }
  // The lab's current size: what `up` last wrote, else the template's node count.
  const stateDir = labLayout(template, 1).stateDir;
  const written = labPaths(stateDir).scenario;
  const current = existsSync(written)
    ? (await readScenario(written, ctx.cwd, ctx.sets)).scenario.cluster.nodes.length
    : template.scenario.cluster.nodes.length;
  const layout = labLayout(template, requested ?? current);

  switch (action) {
    case "versions": {
      const lab = template.scenario.cluster.lab;
      const mirror = aptMirror(lab);
      const suites = labSuites(lab);
      await ensureEngine(cli, ctx.logger, systemClock);
      await ensureDebianBase(cli, ctx.logger, deps.progress, mirror, suites.proposed);
      deps.progress.done();
      const r = await resolveLabVersions(cli, mirror, lab?.versions ?? {}, suites);
      if (ctx.values.json) {
        ctx.out.json({ mirror, suites, services: r.services });
        return EXIT.ok;
      }
      ctx.out.line(
        `the lab's versions, ${suites.stable} → ${suites.proposed}, resolved from ${mirror.main} (security: ${mirror.security})`,
      );
      const shown = (t: TagVersion): string =>
        `${showVersion(t)}  ${t.version} (${t.suite}${t.pinned ? ", pinned" : ""})`;
      ctx.out.line(
        table([
          ["  service", "stable", "proposed", ""],
          ...r.services.map((v) => [
            `  ${v.service}`,
            shown(v.stable),
            shown(v.proposed),
            v.unchanged ? NO_CHANGE : "",
          ]),
        ]),
      );
      return EXIT.ok;
    }
    case "up": {
      const t0 = Date.now();
      const r = await labUp(deps, template, layout.nodes.length);
      const lab = await readScenario(r.layout.scenarioFile, ctx.cwd, ctx.sets);
      const kolla = await writeKollaInputs({
        loaded: lab,
        outDir: r.paths.kollaDir,
        home: ctx.home,
        cwd: ctx.cwd,
        phase: "stable",
      });
      const rel = (p: string): string => relative(ctx.cwd, p) || ".";
      ctx.out.line(
        `lab "${layout.name}" is up in ${Math.round((Date.now() - t0) / 1000)} s: ${r.nodes.length} nodes on ${layout.subnet}, registry ${layout.registryAddress}:5000 (127.0.0.1:5000 here)`,
      );
      ctx.out.line(
        table([
          ["  node", "address", "container", "engine"],
          ...r.nodes.map((n) => [`  ${n.name}`, n.address, n.action, n.engine]),
        ]),
      );
      ctx.out.line(
        `  images: ${r.images.built.length} built, ${r.images.upToDate.length} up to date, ${r.pushed.length} pushed`,
      );
      ctx.out.line(
        `  scenario: ${rel(r.layout.scenarioFile)} (kroll validate / inventory / deploy use it as it is)`,
      );
      ctx.out.line(`  kolla inputs: ${rel(r.paths.kollaDir)}/ (${kolla.files.length} files)`);
      ctx.out.line(`  ssh: ${rel(r.paths.sshKey)}, known_hosts ${rel(r.paths.knownHosts)}`);
      return EXIT.ok;
    }
    case "down": {
      const r = await labDown(deps, layout, ctx.values["keep-images"] === true);
      ctx.out.line(
        `lab "${layout.name}" is down: removed ${r.containers} containers, ${r.volumes} volumes, ${r.networks} networks, ${r.images} images${ctx.values["keep-images"] ? " (images kept)" : ""}`,
      );
      return EXIT.ok;
    }
    case "reset": {
      const r = await labReset(deps, layout);
      ctx.out.line(
        r.length === 0
          ? `lab "${layout.name}" has no running node: nothing to reset`
          : `lab "${layout.name}" reset: ${r.map((n) => `${n.node} ${n.containers} containers, ${n.volumes} volumes`).join("; ")} removed (images, registry and keys kept)`,
      );
      return EXIT.ok;
    }
    case "status": {
      const st = await labStatus(deps, layout);
      if (ctx.values.json) {
        ctx.out.json({ lab: layout.name, subnet: layout.subnet, ...st });
        return EXIT.ok;
      }
      ctx.out.line(
        `lab "${layout.name}": engine ${st.engine ?? "not answering"}, network ${layout.network} ${st.network ?? "absent"}`,
      );
      ctx.out.line(
        `registry ${layout.registryContainer} ${st.registry.state}, ${st.registry.repositories.length} repositories: ${st.registry.repositories.join(" ")}`,
      );
      ctx.out.line(
        table([
          ["node", "address", "container", "engine"],
          ...st.nodes.map((n) => [n.name, n.address, n.state, n.engine]),
        ]),
      );
      ctx.out.line(
        table([
          ["image", "size", "created", "version (suite)"],
          ...st.images.map((i) => [i.ref, i.size, i.created, i.versions]),
        ]),
      );
      return EXIT.ok;
    }
    case "smoke": {
      const { labSmoke } = await import("../../lab/smoke.js");
      const lab = await readScenario(labPaths(stateDir).scenario, ctx.cwd, ctx.sets);
      const session = await openSession(lab.scenario, ctx.logger, false);
      try {
        // One plan (one write of the kolla inputs) for the footprint and the deploy.
        let planned: Promise<DeployPlan> | undefined;
        const plan = (): Promise<DeployPlan> => (planned ??= stablePlan(ctx, lab));
        const r = await labSmoke(
          {
            cluster: session.cluster,
            dockers: session.dockers,
            logger: ctx.logger,
            clock: systemClock,
            plan,
            deploy: async () =>
              (await deployStable(ctx, lab, session, undefined, false, undefined, await plan()))
                .report,
          },
          lab.scenario,
        );
        for (const line of r.lines) ctx.out.line(line);
      } finally {
        session.close();
      }
      return EXIT.ok;
    }
  }
  return EXIT.ok;
}
