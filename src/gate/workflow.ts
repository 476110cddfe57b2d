/**
 * EFFECT (through its ports). The run workflow of `kroll run`, the gate job: deploy stable →
 * resources that must survive → load and watchers → the upgrade (the load's SLO breach is its
 * failure signal) → drain the load → verify the resources and every container → the report.
 * Whatever happens, the load and watchers are stopped, the resources created are removed (or
 * said to remain) and, once anything ran, a report says what was seen. A stop request ends the
 * run at the next safe point (never mid-container), with its report.
 *
 * The ports are given by the composition root (cli/commands/run.ts); tests give fakes.
 */
import type { Clock } from "../core/clock.js";
import { InterruptedError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { LoadResult, LoadSession } from "../load/session.js";
import type { ContainerState, Phase } from "../run/model.js";
import type { KeptResource, ResourceCheck } from "../run/resources.js";
import type { UpgradeOutcome } from "../upgrade/executor.js";
import type { Watchers, WatchRecord } from "../watch/watcher.js";

/** What the deploy said, for the phase line. */
export interface DeploySummary {
  readonly units: readonly { readonly action: string }[];
  readonly changed: boolean;
}

export interface GatePorts<Setup> {
  readonly clock: Clock;
  readonly logger: Logger;
  /** A stop request (SIGINT, SIGTERM, SIGHUP). */
  readonly stop: AbortSignal;
  /** Deploys the stable images (the deploy stops at a safe point on `stop`). */
  deploy(): Promise<DeploySummary>;
  /** The upgrade's desired state and the run directory, once the cluster is on stable. */
  prepare(): Promise<Setup>;
  readonly resources: {
    create(kept: KeptResource[]): Promise<void>;
    verify(kept: readonly KeptResource[]): Promise<ResourceCheck[]>;
  };
  /** The watchers, the resources kept across the upgrade among what they watch. */
  startWatchers(setup: Setup, kept: readonly KeptResource[]): Watchers;
  startLoad(): LoadSession;
  upgrade(setup: Setup, load: LoadSession): Promise<UpgradeOutcome>;
  /** Each container the scenario lays out, as it stands after the upgrade. */
  containers(setup: Setup): Promise<ContainerState[]>;
  /** Told the phase at each start (the progress line). */
  onPhase?(name: string): void;
}

/** What the run saw, for the report. */
export interface GateResult<Setup> {
  readonly phases: readonly Phase[];
  /** Set once `prepare` answered: the run directory exists. */
  readonly setup: Setup | undefined;
  readonly outcome: UpgradeOutcome | undefined;
  readonly load: LoadResult | undefined;
  readonly watched: readonly WatchRecord[];
  readonly resources: readonly ResourceCheck[];
  readonly containers: readonly ContainerState[];
  /** Why the run ended before its end (deploy, resources or upgrade error, stop request). */
  readonly error: Error | undefined;
}

/**
 * Runs one phase of a run and records it in `phases`: its span, and what it did or why it
 * failed (the error goes on).
 */
export async function timedPhase<T>(
  deps: { readonly clock: Clock; readonly logger: Logger; onPhase?(name: string): void },
  phases: Phase[],
  name: string,
  fn: () => Promise<T>,
  ok?: (v: T) => string,
): Promise<T> {
  const from = deps.clock.now();
  deps.onPhase?.(name);
  deps.logger.info(`run: ${name}`);
  try {
    const v = await fn();
    phases.push({ name, from, to: deps.clock.now(), ok: true, message: ok ? ok(v) : "done" });
    return v;
  } catch (e) {
    phases.push({
      name,
      from,
      to: deps.clock.now(),
      ok: false,
      message: e instanceof Error ? e.message : String(e),
    });
    throw e;
  }
}

export async function runGate<Setup>(p: GatePorts<Setup>): Promise<GateResult<Setup>> {
  const phases: Phase[] = [];
  const phase = <T>(name: string, fn: () => Promise<T>, ok?: (v: T) => string): Promise<T> =>
    timedPhase(p, phases, name, fn, ok);
  const stopped = (after: string): void => {
    if (p.stop.aborted) throw new InterruptedError(`run stopped on request after ${after}`);
  };

  const kept: KeptResource[] = [];
  let setup: Setup | undefined;
  let resources: ResourceCheck[] = [];
  let outcome: UpgradeOutcome | undefined;
  let load: LoadSession | undefined;
  let loadResult: LoadResult | undefined;
  let watchers: Watchers | undefined;
  let watched: readonly WatchRecord[] = [];
  let containers: ContainerState[] = [];
  let error: Error | undefined;
  try {
    await phase("deploy", () => p.deploy(), deployLine);
    stopped("the deploy; no resource created, no load started");
    setup = await p.prepare();
    const s = setup;
    await phase(
      "resources",
      () => p.resources.create(kept),
      () => `${kept.length} created: ${kept.map((k) => k.name).join(", ")}`,
    );
    stopped("the resources were created (they are removed now); no load started");

    watchers = p.startWatchers(s, kept);
    const l = (load = p.startLoad());
    outcome = await phase(
      "upgrade",
      () => p.upgrade(s, l),
      (o) => `${o.status}: ${o.message}`,
    );
    loadResult = await phase(
      "drain",
      () => l.stop(),
      (r) => `${r.summary.requests} requests; operations followed to the end`,
    );
    watched = await watchers.stop();
    watchers = undefined;
    resources = await phase(
      "verify",
      async () => {
        const checks = await p.resources.verify(kept);
        kept.length = 0;
        containers = await p.containers(s);
        return checks;
      },
      (c) => `${c.filter((x) => x.ok).length} of ${c.length} resource checks passed`,
    );
  } catch (e) {
    error = e instanceof Error ? e : new Error(String(e));
  } finally {
    if (load && !loadResult) loadResult = await load.stop().catch(() => undefined);
    if (watchers) watched = await watchers.stop().catch(() => []);
    // Whatever happened, the resources created for the run are removed (or said to remain).
    if (kept.length > 0) {
      const left = await p.resources.verify(kept).catch(() => []);
      resources = [...resources, ...left];
    }
    // An upgrade that ended on an error leaves the cluster part-way: where every container is
    // (which on the target, which still on stable) goes into the report all the same.
    if (error !== undefined && setup !== undefined && containers.length === 0)
      containers = await p.containers(setup).catch(() => []);
  }
  return {
    phases,
    setup,
    outcome,
    load: loadResult,
    watched,
    resources,
    containers,
    error,
  };
}

const deployLine = (r: DeploySummary): string => {
  const deployed = r.units.filter((u) => u.action !== "unchanged" && u.action !== "adopted");
  const adopted = r.units.filter((u) => u.action === "adopted");
  return r.changed
    ? `${deployed.length} containers deployed`
    : adopted.length > 0
      ? `${adopted.length} containers adopted as they are`
      : "already on stable";
};
