/**
 * Composition root of `kroll run`: the gate job in one command. Lab (when the scenario is the
 * lab's template) → deploy stable → resources that must survive → load + watchers → rolling
 * upgrade (the load's SLO breach is its failure signal) → drain the load → verify the resources
 * and every container → verdict and reports (summary.json, events.jsonl, junit.xml,
 * report.html) in the run directory. Exit 0 pass, 1 fail, 2 bad input, 3 environment.
 */
import { join, relative, resolve } from "node:path";
import { systemClock } from "../../core/clock.js";
import { EXIT, InterruptedError, RunFailedError, formatIssue } from "../../core/errors.js";
import { LABELS } from "../../deploy/render.js";
import { createDockerCli } from "../../lab/docker-cli.js";
import { labImageVersions } from "../../lab/images.js";
import { withSeries } from "../../lab/versions.js";
import { labLayout, labUp } from "../../lab/lab.js";
import { createProgress } from "../../lab/progress.js";
import { startLoad } from "../../load/session.js";
import { readScenario } from "../../scenario/read.js";
import type { Scenario } from "../../scenario/schema.js";
import { readHistory } from "../../run/history.js";
import { sloFromHistory } from "../../gate/history-slo.js";
import { writeRunReports } from "../../run/write.js";
import type { ContainerState, Phase, RunReport, VersionChange } from "../../run/model.js";
import { createResources, keptServices, verifyResources } from "../../run/resources.js";
import { scrubber, secretValues } from "../../run/scrub.js";
import { setRedaction } from "../../core/redact.js";
import { readExistingPasswords } from "../../inventory/read.js";
import { runUpgrade } from "../../upgrade/executor.js";
import { createRunDir, openRunJournal, utcStamp } from "../../upgrade/write.js";
import type { Wave } from "../../upgrade/types.js";
import { LOG_POLL_MS, startWatchers } from "../../watch/watcher.js";
import type { Watchers } from "../../watch/watcher.js";
import { checkpointFailures } from "../../run/crossversion.js";
import { opensWindow, runCoverage } from "../../run/coverage-plan.js";
import { watchKept } from "../../run/resources.js";
import type { CommandContext } from "../context.js";
import { summaryLines, tickerLine } from "../run-summary.js";
import { openSession } from "./cluster-session.js";
import type { ClusterSession } from "./cluster-session.js";
import { checkDeployable, deployStable, kollaDirFor } from "./deploy.js";
import { opsFor, parseStrategy, prepareUpgrade } from "./upgrade-setup.js";
import { softStopOnSignals } from "../signals.js";
import { runGate, timedPhase } from "../../gate/workflow.js";
import { awaitCheckpoint, holdWindow } from "../../gate/mixed-windows.js";
import type { GateResult } from "../../gate/workflow.js";
import type { UpgradeSetup } from "./upgrade-setup.js";
import { buildChange, describeChange } from "../../change/build.js";
import type { BuiltChange } from "../../change/build.js";
import { readChanges } from "../../change/read.js";
import { withChanges } from "../../change/scenario.js";
import { PUSH_REGISTRY } from "../../lab/recipes.js";
import { LAB_PACKS, SERVICES, packOf, packWithRole } from "../../services/catalogue.js";
import { DEFAULT_BOUNDS, createCollector } from "../../run/collect.js";
import type { CollectIndex, Collector } from "../../run/collect.js";

interface Values {
  change?: string[];
  strategy?: string;
  "run-dir"?: string;
  "kolla-dir"?: string;
  "accept-new-host-keys"?: boolean;
  json?: boolean;
  adopt?: boolean;
}

export async function run(ctx: CommandContext<Values>): Promise<number> {
  const startedAt = systemClock.now();
  const phases: Phase[] = [];
  const progress = { phase: "starting", wave: "" };
  const phase = <T>(name: string, fn: () => Promise<T>, ok?: (v: T) => string): Promise<T> =>
    timedPhase(
      { clock: systemClock, logger: ctx.logger, onPhase: (n) => (progress.phase = n) },
      phases,
      name,
      fn,
      ok,
    );

  // ---- the scenario; the lab first when this is the lab's template
  let file = ctx.positionals[0] ?? "";
  const first = await readScenario(file, ctx.cwd, ctx.sets);
  for (const w of first.warnings) ctx.out.note(`warning: ${formatIssue(w)}`);
  const strategy = parseStrategy(ctx.values.strategy);
  const adopt = ctx.values.adopt === true;
  // Changes under review: read (and refused, exit 2) before anything is built or deployed.
  const changes = readChanges(first.scenario, first.dir, ctx.values.change ?? [], ctx.cwd);
  const lab = first.scenario.cluster.lab;
  let versions: VersionChange[] | undefined;
  if (lab) {
    // The lab's template (scenarios/lab.yaml) keeps its state elsewhere and brings the lab
    // up; a scenario written by `kroll lab up` (or a copy beside it) lives in the state dir.
    const stateDir = resolve(labLayout(first, 1).stateDir);
    const isTemplate = resolve(first.dir) !== stateDir;
    if (isTemplate) {
      const r = await phase(
        "lab",
        () =>
          labUp(
            {
              cli: createDockerCli(),
              logger: ctx.logger,
              clock: systemClock,
              progress: createProgress(ctx.logger, process.stderr.isTTY === true),
              home: ctx.home,
            },
            first,
            first.scenario.cluster.nodes.length,
          ),
        (x) =>
          `${x.nodes.length} nodes, registry ${x.registry}, ${x.images.built.length} images built`,
      );
      file = relative(ctx.cwd, r.layout.scenarioFile);
      versions = r.images.resolution.services.map((v) => ({
        service: v.service,
        stable: withSeries(v.service, v.stable.version),
        proposed: withSeries(v.service, v.proposed.version),
      }));
    } else {
      // The lab's own scenario: nothing is built, so the versions come from the images' labels.
      versions = await labImageVersions(createDockerCli())
        .then((vs) =>
          vs.map((v) => ({
            service: v.service,
            stable: withSeries(v.service, v.stable),
            proposed: withSeries(v.service, v.proposed),
          })),
        )
        .catch(() => undefined);
      if (versions?.length === 0) versions = undefined;
    }
  }
  // The change's images: from each proposed (target) image plus the change, so a change to
  // today's code lands on the newest release the lab has, pushed where the nodes pull.
  const built: BuiltChange[] = [];
  for (const c of changes) {
    const k = first.scenario.kolla;
    const targetTag = k.tags[c.service]?.target ?? k.target;
    const registry = lab ? PUSH_REGISTRY : (k.registry ?? "quay.io");
    built.push(
      await phase(
        `change ${c.service}`,
        () =>
          buildChange({ cli: createDockerCli(), logger: ctx.logger }, c, {
            from: (image) => `${registry}/${k.namespace}/${image}:${targetTag}`,
            to: (image, tag) => `${registry}/${k.namespace}/${image}:${tag}`,
          }),
        (b) => `${b.images.map((i) => i.ref).join(", ")} built and pushed (${describeChange(c)})`,
      ),
    );
    for (const n of built.at(-1)?.notes ?? []) ctx.out.note(`note: ${n}`);
  }
  // From here on a stop request (SIGINT, SIGTERM, SIGHUP) ends the run at the next safe point
  // (never mid-container: the deploy, the resources, the upgrade), with a report of what it
  // did. Before, while the lab builds, the signal ends kroll at once (a build resumes).
  const stop = new AbortController();
  const offSignals = softStopOnSignals(ctx.logger, stop, "then reporting");
  const stopped = (after: string): void => {
    if (stop.signal.aborted) throw new InterruptedError(`run stopped on request after ${after}`);
  };
  const loaded = await (
    file === ctx.positionals[0] ? Promise.resolve(first) : readScenario(file, ctx.cwd, ctx.sets)
  ).catch((e: unknown) => {
    offSignals();
    throw e;
  });
  try {
    checkDeployable(loaded);
    stopped("reading the scenario; nothing deployed");
  } catch (e) {
    offSignals();
    throw e;
  }
  // With changes, only their services move: from their stable version to the proposed one
  // plus the change.
  if (versions && built.length > 0)
    versions = versions.flatMap((v) => {
      const svc = LAB_PACKS.find((p) => p.lab.source === v.service)?.spec.name;
      const c = built.find((b) => b.service === svc);
      return c ? [{ ...v, proposed: `${v.proposed} + ${c.kind} ${c.id}` }] : [];
    });
  // Only what the changes touch is upgraded: their services to the change's images.
  const changed = (x: Scenario): Scenario => withChanges(x, built);
  let s: Scenario = changed(loaded.scenario);
  const effStrategy = strategy ?? s.upgrade.strategy;
  const runDir =
    ctx.values["run-dir"] !== undefined
      ? resolve(ctx.cwd, ctx.values["run-dir"])
      : resolve(ctx.cwd, s.report.dir, `${s.name}-${effStrategy}-${utcStamp(startedAt)}`);
  const fromHistory = sloFromHistory(
    s,
    readHistory(resolve(ctx.cwd, s.report.dir), s.name),
    effStrategy,
  );
  const learnt = fromHistory.learnt;
  if (fromHistory.note !== undefined) ctx.out.note(fromHistory.note);
  s = fromHistory.scenario;

  const session = await openSession(
    s,
    ctx.logger,
    ctx.values["accept-new-host-keys"] === true,
  ).catch((e: unknown) => {
    offSignals();
    throw e;
  });
  const resDeps = {
    services: keptServices(s),
    clock: systemClock,
    deadlineMs: 5 * 60_000,
  };
  // The secrets as they stand before the deploy (the lab wrote them), so even a failed deploy's
  // report is scrubbed; read again once the deploy has filled any that were missing.
  let scrub = scrubber(
    secretValues(
      await readExistingPasswords(
        join(kollaDirFor(loaded, ctx.cwd, ctx.values["kolla-dir"]), "passwords.yml"),
      ),
    ),
  );
  // The terminal and the CI log too: every line kroll prints from here on.
  setRedaction((t) => scrub(t));
  // Everything a failed run needs (logs of every container, retired ones included, configs,
  // inspect), scrubbed and bounded, in <runDir>/logs/.
  const lbContainer = packWithRole("loadbalancer")?.component.container;
  const collector = createCollector(runDir, {
    scenario: s.name,
    scenarioLabel: LABELS.scenario,
    scrub: (t) => scrub(t),
    // HAProxy's log is the request log: a 90-minute run's is about 20 MB, and the minutes a
    // failed request is looked up in sit in its middle.
    ...(lbContainer === undefined
      ? {}
      : { roomy: { containers: [lbContainer], maxFileBytes: 4 * DEFAULT_BOUNDS.maxFileBytes } }),
  });
  let setupSeen: UpgradeSetup | undefined;
  const tty = process.stderr.isTTY === true;
  let ticker: NodeJS.Timeout | undefined;
  let result: GateResult<UpgradeSetup>;
  let liveWatchers: Watchers | undefined;
  // The waves so far, for the window holds (what the journal says, kept in memory).
  const waves: {
    service: string;
    step: string;
    nodes: string[];
    from: number;
    to: number | undefined;
  }[] = [];
  try {
    result = await runGate<UpgradeSetup>({
      clock: systemClock,
      logger: ctx.logger,
      stop: stop.signal,
      onPhase: (name) => {
        progress.phase = name;
        if (name === "verify" && ticker) {
          clearInterval(ticker);
          ticker = undefined;
          if (tty) process.stderr.write("\r\x1b[K");
        }
      },
      deploy: async () =>
        (await deployStable(ctx, loaded, session, ctx.values["kolla-dir"], adopt, stop.signal))
          .report,
      prepare: async () => {
        const setup = await prepareUpgrade(
          ctx,
          file,
          strategy,
          ctx.values["kolla-dir"],
          true,
          adopt,
          changed,
        );
        scrub = scrubber(secretValues(setup.passwords));
        setupSeen = setup;
        createRunDir(runDir, {
          scenario: s.name,
          file: setup.loaded.file,
          strategy: setup.desired.strategy,
          started: new Date(startedAt).toISOString(),
          ...(adopt ? { adopt } : {}),
        });
        return setup;
      },
      resources: {
        create: (kept) => createResources(resDeps, utcStamp(startedAt).toLowerCase(), kept),
        verify: (kept) => verifyResources(resDeps, kept),
      },
      startWatchers: (setup, kept) => {
        const w = startWatchers({
          scenario: s.name,
          nodes: s.cluster.nodes.map((n) => n.name),
          loadbalancers: setup.desired.loadbalancers,
          cluster: session.cluster,
          dockers: session.dockers,
          clock: systemClock,
          logger: ctx.logger,
        });
        // The kept resources' data, read while the upgrade runs: a loss names its step.
        const k = watchKept(resDeps, kept);
        liveWatchers = {
          // A checkpoint's cross-version check sees the kept resources' data too.
          records: () => [...w.records(), ...k.records()],
          served: () => w.served(),
          stop: async () => [...(await w.stop()), ...(await k.stop())],
        };
        return liveWatchers;
      },
      startLoad: () => {
        const l = startLoad(s, {
          clock: systemClock,
          logger: ctx.logger,
          durationMs: s.load.max_duration,
        });
        ticker = setInterval(
          () => {
            const line = tickerLine(systemClock.now() - startedAt, progress, l.recorder);
            if (tty)
              process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns || 120) - 1)}`);
            else ctx.logger.info(line);
          },
          tty ? 1_000 : 30_000,
        );
        return l;
      },
      upgrade: async (setup, l) => {
        const journal = openRunJournal(runDir, {
          ts: systemClock.now(),
          scenario: s.name,
          file: setup.loaded.file,
          strategy: setup.desired.strategy,
          resumed: false,
        });
        try {
          const checksOf = (name: string) =>
            s.upgrade.checkpoints.find((c) => c.name === name)?.checks ?? [];
          const outcome = await runUpgrade(setup.desired, {
            adopt,
            ops: opsFor(ctx, setup, session, (node, name, as) =>
              collector.retired(session.cluster.shell(node), name, as),
            ),
            clock: systemClock,
            logger: ctx.logger,
            journal,
            stop: stop.signal,
            onFailure: s.upgrade.on_failure,
            failure: () => l.failure(),
            awaitCheckpoint: (name, until, signal) =>
              awaitCheckpoint(
                {
                  clock: systemClock,
                  logger: ctx.logger,
                  openAcceptedBy: (t) => l.recorder.openAcceptedBy(t),
                  drainMs: s.load.drain,
                  logLagMs: LOG_POLL_MS + 1_000,
                  checks: checksOf,
                  failures: (n) =>
                    checkpointFailures(checksOf(n), l.failure(), liveWatchers?.records() ?? []),
                },
                name,
                until,
                signal,
              ),
            holdWindow: async (w: Wave, n: number, signal) => {
              const strat = setup.desired.strategy;
              if (!opensWindow(s, strat, w.service, w.step) || s.upgrade.window_hold === 0) return;
              await holdWindow(
                {
                  clock: systemClock,
                  logger: ctx.logger,
                  holdMs: s.upgrade.window_hold,
                  coverage: (at) =>
                    runCoverage(
                      s,
                      strat,
                      waves,
                      l.recorder.coverage(),
                      (id) => liveWatchers?.served().of(id) ?? [],
                      { service: w.service, at },
                    ).at(-1),
                },
                n,
                signal,
              );
            },
            onWave: (w: Wave, n: number, event) => {
              if (event === "start")
                waves.push({
                  service: w.service,
                  step: w.step,
                  nodes: [
                    ...new Set(w.tracks.flatMap((t) => (t.node === undefined ? [] : [t.node]))),
                  ],
                  from: systemClock.now(),
                  to: undefined,
                });
              else {
                const i = waves.length - 1;
                const cur = waves[i];
                if (cur !== undefined && event === "done")
                  waves[i] = { ...cur, to: systemClock.now() };
              }
              progress.wave =
                event === "start"
                  ? `wave ${n} ${w.service} ${w.step} on ${[...new Set(w.tracks.map((t) => t.node))].join(", ")}`
                  : "";
            },
          });
          // The new cluster under the whole load for load.after, before the drain.
          if (s.load.after > 0 && !stop.signal.aborted) {
            ctx.logger.info(`run: load kept ${s.load.after / 1000} s after the upgrade`);
            await systemClock.sleep(s.load.after, stop.signal).catch(() => undefined);
          }
          return outcome;
        } finally {
          journal.close();
        }
      },
      // What kroll deployed (a lab's single broker: not the other two hosts).
      containers: (setup) =>
        containerStates(
          session,
          s,
          setup.desired.targets.filter(
            (t) => setup.deployable?.has(`${t.node} ${t.container}`) ?? true,
          ),
        ),
    });
  } finally {
    if (ticker) clearInterval(ticker);
  }
  // The soft stop stays on while logs are collected and the report is written: a signal there
  // (a gate job's timeout) still ends with a summary.json, the run marked interrupted.
  try {
    return await finishRun();
  } finally {
    offSignals();
  }
  async function finishRun(): Promise<number> {
    let logs: CollectIndex | undefined;
    try {
      ctx.logger.info(
        `run: collecting logs, configs and container state into ${relative(ctx.cwd, runDir)}/logs/`,
      );
      logs = await collectRun(
        collector,
        session,
        s,
        setupSeen,
        kollaDirFor(loaded, ctx.cwd, ctx.values["kolla-dir"]),
      );
    } finally {
      session.close();
    }
    const setupError = result.error?.message;
    let report: RunReport | undefined;
    if (result.setup !== undefined || setupError !== undefined) {
      report = writeRunReports(ctx.cwd, {
        s,
        file: loaded.file,
        strategy: effStrategy,
        runDir,
        startedAt,
        phases: [...phases, ...result.phases],
        outcome: result.outcome,
        loadResult: result.load,
        watched: result.watched,
        resources: [...result.resources],
        containers: [...result.containers],
        setupError,
        allowed: learnt?.allowedMs,
        versions,
        changes: built,
        scrub,
        logs,
        served: (id) => liveWatchers?.served().of(id) ?? [],
      });
      if (setupError === undefined) printSummary(ctx, report, runDir);
      else
        ctx.out.note(`run failed before its end; what it saw is in ${relative(ctx.cwd, runDir)}/`);
    }
    if (result.error !== undefined) throw result.error;
    if (stop.signal.aborted)
      throw new InterruptedError(
        `run of "${s.name}" interrupted by a signal: ${report?.reason ?? "no report"} (report: ${relative(ctx.cwd, join(runDir, "report.html"))})`,
      );
    if (report?.verdict === "pass") return EXIT.ok;
    throw new RunFailedError(
      `run of "${s.name}" failed: ${report?.reason ?? "no report"} (report: ${relative(ctx.cwd, join(runDir, "report.html"))})`,
    );
  }
}

/**
 * The end of the run into logs/: every node's containers (those the scenario lays out there, and
 * any labelled with it), /etc/kolla, docker ps, the role holders' own state (HAProxy's stats),
 * and the kolla inputs used.
 */
async function collectRun(
  collector: Collector,
  session: ClusterSession,
  s: Scenario,
  setup: UpgradeSetup | undefined,
  kollaDir: string,
): Promise<CollectIndex> {
  const targets = setup?.desired.targets ?? [];
  const withState = SERVICES.flatMap((svc) => {
    const read = packOf(svc).endState;
    return read ? packOf(svc).spec.components.map((c) => ({ container: c.container, read })) : [];
  });
  await collector.final(
    s.cluster.nodes.map((n) => {
      const names = targets.filter((t) => t.node === n.name).map((t) => t.container);
      const shell = session.cluster.shell(n.name);
      return {
        shell,
        names,
        extras: async () => {
          const out: Record<string, string> = {};
          for (const w of withState.filter((x) => names.includes(x.container)))
            Object.assign(out, await w.read(shell, 20_000).catch(() => ({})));
          return out;
        },
      };
    }),
  );
  collector.inputs(kollaDir);
  return collector.close();
}

/** Each container the scenario lays out: on its target image (held-back ones on stable), running, healthy. */
async function containerStates(
  session: ClusterSession,
  s: Scenario,
  targets: readonly {
    node: string;
    container: string;
    image: string;
    stable: string;
    heldBack: boolean;
  }[],
): Promise<ContainerState[]> {
  const seen = new Map<
    string,
    { image: string; imageId: string; status: string; health: string }
  >();
  await Promise.all(
    s.cluster.nodes.map(async (n) => {
      for (const c of (await session.dockers.get(n.name)?.list({ [LABELS.scenario]: s.name })) ??
        [])
        seen.set(`${n.name} ${c.name}`, {
          image: c.image,
          imageId: c.imageId,
          status: c.status,
          health: c.health,
        });
    }),
  );
  return targets.map((t) => {
    const c = seen.get(`${t.node} ${t.container}`);
    const want = t.heldBack ? t.stable : t.image;
    return {
      node: t.node,
      container: t.container,
      image: c?.image ?? "(missing)",
      ...(c?.imageId ? { imageId: c.imageId } : {}),
      want,
      state: c?.status ?? "missing",
      health: c?.health ?? "-",
      ok:
        c !== undefined &&
        c.image === want &&
        c.status === "running" &&
        (c.health === "healthy" || c.health === "none"),
    };
  });
}

function printSummary(ctx: CommandContext<Values>, r: RunReport, runDir: string): void {
  if (ctx.values.json) {
    ctx.out.json({
      verdict: r.verdict,
      reason: r.reason,
      runDir: relative(ctx.cwd, runDir),
      checks: r.checks,
    });
    return;
  }
  for (const line of summaryLines(r, (f) => relative(ctx.cwd, join(runDir, f)))) ctx.out.line(line);
}
