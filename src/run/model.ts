/**
 * PURE. What a `kroll run` found, as one document (summary.json), and the verdict: each SLO,
 * each upgrade step, each resource check and the cluster's final state as a check that passed
 * or failed, every failure tied to the step, node and container it happened under.
 */
import type { KnownFailure } from "../scenario/schema.js";
import { describeCoverage } from "./coverage.js";
import type { WindowCoverage } from "./coverage.js";
import { operationText } from "../load/recorder.js";
import type { LoadSummary, OperationRecord } from "../load/recorder.js";
import type { Interval } from "../report/intervals.js";
import { disruptionMs, longestOutageMs } from "../report/intervals.js";
import { attribute, causeOver, rankOf, toAttribution } from "../report/model.js";
import { hazardHint } from "./hazards.js";
import type { CrossVersionFinding } from "./crossversion.js";
import { crossVersionFindings } from "./crossversion.js";
import type { PinCheck } from "./pins.js";
import { pinChecks } from "./pins.js";
import type { ActionSpan, Attribution } from "../report/model.js";
import type { UpgradeOutcome } from "../upgrade/executor.js";
import type { JournalRecord } from "../upgrade/journal.js";
import type { Breach, SloResult } from "../watch/detectors.js";
import type { WatchRecord } from "../watch/records.js";
import type { ServedBy } from "../watch/served.js";
import { blindGaps } from "../watch/records.js";
import type { ResourceCheck } from "./resources.js";

export const REPORT_VERSION = 1;

export type Verdict = "pass" | "fail";

export interface Phase {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly ok: boolean;
  readonly message: string;
}

export interface StepResult {
  readonly wave: number;
  readonly service: string;
  readonly step: string;
  readonly why: string;
  readonly nodes: readonly string[];
  readonly from: number;
  readonly to: number | undefined;
  readonly status: "done" | "failed" | "stopped" | "running";
  readonly actions: number;
  readonly failedAction: string | undefined;
  /** What the load saw while this step ran (attributed to it). */
  readonly failedRequests: number;
  readonly unavailableMs: number;
  readonly failedOperations: number;
  readonly firstFailure: string | undefined;
  /** The known-hazard hint of the first failure that has one. */
  readonly hint: string | undefined;
  /** Cross-version findings in this step's window (src/run/crossversion.ts), and the first. */
  readonly crossVersion: number;
  readonly firstCrossVersion: string | undefined;
}

export interface Disruption {
  readonly backend: string;
  readonly via: string;
  readonly connection: string;
  readonly samples: number;
  readonly unavailableMs: number;
  readonly longestMs: number;
  readonly outages: readonly (Interval & { readonly cause: Attribution | undefined })[];
}

export interface ContainerState {
  readonly node: string;
  readonly container: string;
  readonly image: string;
  readonly want: string;
  /** The image's id (sha256:…), as the node's engine has it. */
  readonly imageId?: string;
  readonly state: string;
  readonly health: string;
  readonly ok: boolean;
}

export interface Check {
  readonly suite: "steps" | "slo" | "resources" | "cluster";
  readonly name: string;
  readonly ok: boolean;
  /** Recorded, not failing (by the scenario's choice). */
  readonly recorded?: boolean;
  readonly message: string;
  readonly detail?: string;
  /**
   * A step check's wave. Not in its name: a name is the same in every run of a scenario
   * (`ironic conductors on node1`), so OpenStack's health tools can trend it; the wave number
   * moves with the plan.
   */
  readonly wave?: number;
}

export interface AttributedFailure {
  readonly at: number;
  readonly what: string;
  readonly cause: Attribution | undefined;
  /** Set when the failure matches a known hazard of the step (src/run/hazards.ts). */
  readonly hint?: string;
}

/** Which run this is: what a report and the inputs it is built from both carry. */
export interface RunIdentity {
  readonly scenario: string;
  /** The scenario's nodes (the timeline has a lane for each). */
  readonly nodes: readonly string[];
  readonly file: string;
  readonly strategy: string;
  readonly runDir: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly phases: readonly Phase[];
  /** What the upgrade moves from and to, per service (the lab: Debian versions resolved at build). */
  readonly versions?: readonly VersionChange[] | undefined;
  /** The changes under review the proposed images were built from (`--change`). */
  readonly changes?: readonly ChangeUnderTest[] | undefined;
  /** kroll's own version (package.json). */
  readonly kroll?: string | undefined;
  /** What the run directory's logs/ holds (src/run/collect.ts). */
  readonly logs?: CollectedSummary | undefined;
}

export interface CollectedSummary {
  readonly files: number;
  readonly bytes: number;
  readonly maxTotalBytes: number;
  /** Files not written: the total bound was reached. */
  readonly leftOut: number;
  /** Files of which only the end was kept. */
  readonly cut: number;
  /** The containers' logs it holds (paths under logs/: `<node>/containers|retired/<name>….log`). */
  readonly containerLogs?: readonly string[];
}

export interface ChangeUnderTest {
  readonly service: string;
  readonly kind: "patch" | "checkout";
  /** The commit id, or the patch's sha256 (12 hex digits). */
  readonly id: string;
  readonly subject: string;
  /** The images built from it. */
  readonly images: readonly string[];
  /** What of it was not built (dependency and packaging files), said plainly. */
  readonly notes?: readonly string[];
}

export interface VersionChange {
  readonly service: string;
  readonly stable: string;
  readonly proposed: string;
}

export interface RunReport extends RunIdentity {
  readonly version: number;
  readonly verdict: Verdict;
  readonly exitCode: number;
  readonly reason: string;
  readonly upgrade:
    | {
        readonly status: UpgradeOutcome["status"];
        readonly waves: number;
        readonly message: string;
        readonly failure: UpgradeOutcome["failure"];
        readonly rolledBack: UpgradeOutcome["rolledBack"];
        readonly notes: readonly string[];
      }
    | undefined;
  readonly steps: readonly StepResult[];
  readonly spans: readonly ActionSpan[];
  readonly load:
    | (Omit<LoadSummary, "failures" | "operations"> & {
        readonly operationsDone: number;
        readonly failures: readonly AttributedFailure[];
        /** perSecond's second 0. */
        readonly startedAt: number;
      })
    | undefined;
  readonly operations: readonly (OperationRecord & {
    readonly cause: Attribution | undefined;
    /** Recorded rather than failed, and why (`stuckExcuse`). */
    readonly excused?: string;
  })[];
  readonly disruption: readonly Disruption[];
  readonly slo: readonly (Breach & { readonly cause: Attribution | undefined })[];
  readonly recorded: readonly string[];
  readonly resources: readonly ResourceCheck[];
  readonly containers: readonly ContainerState[];
  readonly watch: {
    readonly containerEvents: number;
    readonly logFindings: number;
    readonly loadbalancerChanges: number;
    readonly trouble: readonly AttributedFailure[];
  };
  readonly loadbalancer: readonly Extract<WatchRecord, { kind: "loadbalancer" }>[];
  readonly allowedDisruptionMs: number | undefined;
  /** The bound each backend's unavailability is held to (slo.max_disruption, or the history's). */
  readonly disruptionBoundMs?: number;
  /** What the watchers saw that means two versions could not work together (first 200). */
  readonly crossVersion: readonly CrossVersionFinding[];
  /** Each mixed-version window and what the load exercised in it, by which versions. */
  readonly coverage?: readonly WindowCoverage[];
  readonly checks: readonly Check[];
  /** What a passing run should still say (src/run/warnings.ts): near misses, recorded, not checked. */
  readonly warnings?: readonly string[];
}

/** Steps (waves) from the journal: when each ran, on which nodes, how it ended. */
export function stepsFromJournal(
  records: readonly JournalRecord[],
): Omit<
  StepResult,
  | "failedRequests"
  | "unavailableMs"
  | "failedOperations"
  | "firstFailure"
  | "hint"
  | "crossVersion"
  | "firstCrossVersion"
>[] {
  const out = new Map<number, ReturnType<typeof stepsFromJournal>[number]>();
  const actions = new Map<number, number>();
  const failed = new Map<number, string>();
  for (const r of records) {
    if (r.type === "action" && r.event === "start" && !r.rollback)
      actions.set(r.wave, (actions.get(r.wave) ?? 0) + 1);
    if (r.type === "action" && r.event === "failed" && !failed.has(r.wave))
      failed.set(r.wave, `${r.action.kind}: ${r.error ?? "failed"}`);
    if (r.type !== "wave") continue;
    const prev = out.get(r.wave);
    if (r.event === "start")
      out.set(r.wave, {
        wave: r.wave,
        service: r.service,
        step: r.step,
        why: r.why,
        nodes: [...new Set((r.nodes ?? []).filter((n) => n !== "-"))],
        from: r.ts,
        to: undefined,
        status: "running",
        actions: 0,
        failedAction: undefined,
      });
    else if (prev) out.set(r.wave, { ...prev, to: r.ts, status: r.event });
  }
  return [...out.values()]
    .map((s) => ({ ...s, actions: actions.get(s.wave) ?? 0, failedAction: failed.get(s.wave) }))
    .sort((a, b) => a.wave - b.wave);
}

/**
 * What caused an operation to end badly: the most disruptive action of its own service that
 * overlapped it (an engine replaced while its stack was being created), else whatever ran
 * when it ended.
 */
export function causeOfOperation(
  spans: readonly ActionSpan[],
  op: OperationRecord,
): Attribution | undefined {
  const svc = op.service;
  // Only what stops a container or moves the VIP can lose an operation in flight.
  const overlapping = spans
    .filter(
      (s) =>
        s.service === svc &&
        s.from <= op.endedAt &&
        (s.to ?? Number.POSITIVE_INFINITY) >= op.acceptedAt &&
        rankOf(s.kind) <= rankOf("moveVip"),
    )
    .sort((a, b) => rankOf(a.kind) - rankOf(b.kind) || a.from - b.from)[0];
  if (overlapping) return toAttribution(overlapping);
  // Else what was going on when it was accepted (a call lost with a broker), else at its end.
  return attribute(spans, op.acceptedAt)[0] ?? attribute(spans, op.endedAt)[0];
}

export { causeOver };

/** A kind of stuck operation the scenario records, and the container that runs it. */
export interface RecordableStuck {
  readonly kind: string;
  readonly sloKey: string;
  readonly worker: string;
}

/**
 * Why a stuck operation is recorded rather than failed, or undefined: only when the worker
 * that took the call that started it (its request id in that worker's log) was replaced while
 * it was in progress. A stuck stack on an engine kroll never touched is a failure of the step
 * it happened in, whatever the scenario records.
 */
export function stuckExcuse(
  spans: readonly ActionSpan[],
  served: (requestId: string) => readonly ServedBy[],
  recordable: readonly RecordableStuck[],
  op: OperationRecord,
): { readonly reason: string; readonly span: ActionSpan } | undefined {
  const r = recordable.find((x) => x.kind === op.kind);
  if (op.status !== "stuck" || r === undefined || op.requestId === undefined) return undefined;
  const workers = served(op.requestId).filter(
    (b) => b.container.replace(/_kroll_old$/, "") === r.worker,
  );
  const span = spans.find(
    (s) =>
      s.service === op.service &&
      s.container === r.worker &&
      rankOf(s.kind) === 0 &&
      workers.some((w) => w.node === s.node) &&
      s.from <= op.endedAt &&
      (s.to ?? Number.POSITIVE_INFINITY) >= op.acceptedAt,
  );
  return span
    ? {
        span,
        reason: `${r.worker} on ${span.node ?? "?"} took it (${op.requestId}) and was replaced while it was in progress`,
      }
    : undefined;
}

export const describeCause = (a: Attribution | undefined): string =>
  a
    ? `wave ${a.wave} (${a.service} ${a.step}) on ${a.node ?? "the cluster"}${a.container ? `, ${a.container}` : ""}: ${a.action}`
    : "outside any upgrade step";

export interface RunInputs extends RunIdentity {
  readonly journal: readonly JournalRecord[];
  /** Set when the journal cannot be trusted (`journalForReport`): the run then fails on it. */
  readonly journalProblem: string | undefined;
  readonly spans: readonly ActionSpan[];
  readonly outcome: UpgradeOutcome | undefined;
  readonly load:
    | {
        readonly summary: LoadSummary;
        readonly polls: readonly {
          backend: string;
          via: string;
          connection: string;
          samples: number;
          intervals: readonly Interval[];
        }[];
        readonly slo: SloResult;
        readonly startedAt: number;
      }
    | undefined;
  readonly watched: readonly WatchRecord[];
  readonly trouble: readonly string[];
  readonly resources: readonly ResourceCheck[];
  readonly containers: readonly ContainerState[];
  /** Set when the run could not get as far as the upgrade (deploy or resources failed). */
  readonly setupError: string | undefined;
  readonly allowedDisruptionMs: number | undefined;
  /** slo.max_disruption as the run held it (the history's bound when it set one). */
  readonly maxDisruptionMs?: number;
  /** Stuck operations the scenario records rather than fails: their kinds and SLO keys. */
  readonly recordedStuck: readonly RecordableStuck[];
  /** Which containers logged a request id (the watchers' ServedIndex); none known: none. */
  readonly served?: (requestId: string) => readonly ServedBy[];
  /** Pinned APIs whose answers above the pin are checked (`upgrade.pins` with a load reading the newest microversion). */
  readonly pins?: readonly PinCheck[];
  /** The windows of the upgrade and how the load covered each (src/run/coverage.ts). */
  readonly coverage?: readonly WindowCoverage[];
  /** Known upstream defects of the release pair (`known_failures`): reported, not failed on. */
  readonly known?: readonly KnownFailure[];
}

export function buildRunReport(i: RunInputs): RunReport {
  const spans = i.spans;
  const cause = (at: number): Attribution | undefined => attribute(spans, at)[0];
  const sm = i.load?.summary;
  const failures: AttributedFailure[] = (sm?.failures ?? []).map((f) => {
    const what =
      `${f.route}: ${f.errorClass ?? ""} ${f.error ?? ""}${f.requestId ? ` [${f.requestId}]` : ""}`.trim();
    // What was going on while it was in flight: a reset shows when the answer was due, a
    // timeout a minute after what caused it; the most disruptive action first, then the
    // earliest.
    const cause = causeOver(spans, f.dueAt, f.finishedAt);
    const hint = hazardHint(what, cause);
    return { at: f.dueAt, what, cause, ...(hint === undefined ? {} : { hint }) };
  });
  // Known upstream defects of the release pair, by signature: named, never failed on.
  const knownRe = (i.known ?? []).map((k) => ({ k, re: new RegExp(k.pattern) }));
  const knownOf = (text: string): KnownFailure | undefined =>
    knownRe.find((x) => x.re.test(text))?.k;
  const operations = (sm?.operations ?? [])
    .filter((o) => o.status !== "done")
    .map((o): RunReport["operations"][number] => {
      const excuse = stuckExcuse(spans, i.served ?? (() => []), i.recordedStuck, o);
      if (excuse) return { ...o, cause: toAttribution(excuse.span), excused: excuse.reason };
      const cause = causeOfOperation(spans, o);
      const known = o.status === "failed" ? knownOf(operationText(o)) : undefined;
      return known
        ? { ...o, cause, excused: `known upstream failure: ${known.what} (${known.bug})` }
        : { ...o, cause };
    });
  const disruption: Disruption[] = (i.load?.polls ?? []).map((p) => ({
    backend: p.backend,
    via: p.via,
    connection: p.connection,
    samples: p.samples,
    unavailableMs: disruptionMs(p.intervals),
    longestMs: longestOutageMs(p.intervals),
    outages: p.intervals
      .filter((x) => !x.available)
      .slice(0, 200)
      .map((x) => ({ ...x, cause: cause(x.from) })),
  }));
  const vipOutages = disruption.filter((d) => d.via === "vip").flatMap((d) => d.outages);
  const allCrossVersion = crossVersionFindings(i.watched, spans);
  const crossVersion = allCrossVersion.filter((f) => knownOf(f.what) === undefined);
  const knownSeen = (i.known ?? []).map((k) => ({
    ...k,
    findings: allCrossVersion.filter((f) => knownOf(f.what) === k).length,
    requests: failures.filter((f) => knownOf(f.what) === k).length,
    operations: operations.filter((o) => o.status === "failed" && knownOf(operationText(o)) === k)
      .length,
  }));
  const steps: StepResult[] = stepsFromJournal(i.journal).map((s) => {
    const mine = (c: Attribution | undefined): boolean => c?.wave === s.wave;
    const fr = failures.filter((f) => mine(f.cause));
    const cv = crossVersion.filter((f) => mine(f.cause));
    return {
      ...s,
      crossVersion: cv.length,
      firstCrossVersion: cv[0] ? `${cv[0].node} ${cv[0].what}` : undefined,
      failedRequests: fr.length,
      unavailableMs: vipOutages.filter((o) => mine(o.cause)).reduce((n, o) => n + o.to - o.from, 0),
      failedOperations: operations.filter((o) => mine(o.cause) && o.excused === undefined).length,
      firstFailure: fr[0]?.what,
      hint: fr.find((f) => f.hint !== undefined)?.hint,
    };
  });
  const slo = (i.load?.slo.breaches ?? []).map((b) => ({
    ...b,
    cause:
      b.slo === "max_failed_requests"
        ? failures[0]?.cause
        : b.slo === "max_disruption"
          ? vipOutages[0]?.cause
          : operations[0]?.cause,
  }));
  const trouble: AttributedFailure[] = i.watched
    .filter(
      (w): w is Exclude<WatchRecord, { kind: "gap" }> =>
        (w.kind === "container" && i.trouble.includes(w.action)) ||
        w.kind === "log" ||
        w.kind === "kept" ||
        (w.kind === "loadbalancer" && w.status !== "UP"),
    )
    .slice(0, 500)
    .map((w) => ({
      at: w.at,
      what:
        w.kind === "loadbalancer"
          ? `${w.lb}: ${w.backend}/${w.server} ${w.previous} → ${w.status}`
          : w.kind === "log"
            ? `${w.node} ${w.container} ${w.finding}: ${w.line.slice(0, 200)}`
            : w.kind === "kept"
              ? `${w.resource} ${w.name}: ${w.what}`
              : `${w.node} ${w.container} ${w.action}`,
      cause: cause(w.at),
    }));

  // ---- checks (the verdict)
  const checks: Check[] = [];
  if (i.setupError)
    checks.push({ suite: "cluster", name: "setup", ok: false, message: i.setupError });
  const named = new Map<string, number>();
  for (const s of steps) {
    // A step fails when it failed itself, or when it caused part of a breached SLO (within
    // the SLO's allowance, what it caused is shown but does not fail it).
    const breached = (n: string): boolean => slo.some((x) => x.slo === n);
    const bad =
      s.status === "failed" ||
      s.crossVersion > 0 ||
      (s.failedRequests > 0 && breached("max_failed_requests")) ||
      (s.unavailableMs > 0 && breached("max_disruption")) ||
      (s.failedOperations > 0 &&
        (breached("max_failed_operations") || breached("max_stuck_operations")));
    const parts = [
      s.status === "failed" ? `the step failed: ${s.failedAction ?? "an action failed"}` : "",
      s.failedRequests
        ? `${s.failedRequests} failed request(s) while it ran (first: ${s.firstFailure ?? ""})`
        : "",
      s.unavailableMs ? `${(s.unavailableMs / 1000).toFixed(1)} s unavailable through the VIP` : "",
      s.failedOperations ? `${s.failedOperations} operation(s) failed or stuck` : "",
      s.crossVersion
        ? `${s.crossVersion} cross-version finding(s) in its window (first: ${s.firstCrossVersion ?? ""})`
        : "",
      s.hint ?? "",
    ].filter(Boolean);
    const base = `${s.service} ${s.step}${s.nodes.length ? ` on ${s.nodes.join(", ")}` : ""}`;
    // The same step on the same nodes again (a plan that repeats one): told apart by order.
    const nth = (named.get(base) ?? 0) + 1;
    named.set(base, nth);
    checks.push({
      suite: "steps",
      name: nth === 1 ? base : `${base} (${nth})`,
      wave: s.wave,
      ok: !bad,
      message: `wave ${s.wave}: ${
        parts.length
          ? parts.join("; ")
          : `${s.why} (${s.actions} actions, ${Math.round(((s.to ?? s.from) - s.from) / 1000)} s)`
      }`,
    });
  }
  if (i.journalProblem)
    checks.push({ suite: "steps", name: "upgrade journal", ok: false, message: i.journalProblem });
  if (i.journal.length > 0 || crossVersion.length > 0)
    checks.push({
      suite: "steps",
      name: "cross-version: no RPC, object or data errors, crashes or tracebacks between versions",
      ok: crossVersion.length === 0,
      message:
        crossVersion.length === 0
          ? "the watchers saw no finding of versions that cannot work together"
          : `${crossVersion.length} finding(s): ${crossVersion
              .slice(0, 5)
              .map((f) => `${f.node} ${f.what.slice(0, 160)} — under ${describeCause(f.cause)}`)
              .join("; ")}${crossVersion.length > 5 ? "; …" : ""}`,
    });
  for (const k of knownSeen)
    checks.push({
      suite: "steps",
      name: `known upstream failure: ${k.what}`,
      ok: true,
      message: `${k.bug}: ${k.findings} finding(s), ${k.requests} failed request(s) and ${k.operations} failed operation(s) matched /${k.pattern}/ and were not failed on`,
    });
  // Every mixed-version window exercised by every request kind, against every version present.
  for (const w of i.coverage ?? [])
    checks.push({
      suite: "steps",
      name: `window: ${w.service} ${w.name}`,
      ok: w.covered,
      message: describeCoverage(w),
    });
  for (const p of pinChecks(
    i.pins ?? [],
    spans,
    i.load?.summary.microversions ?? [],
    i.load?.startedAt,
    i.load === undefined ? undefined : i.endedAt,
  ))
    checks.push({ suite: "steps", name: p.name, ok: p.ok, message: p.message });
  if (i.outcome && i.outcome.status !== "done")
    checks.push({
      suite: "steps",
      name: "upgrade finished",
      ok: false,
      message: `${i.outcome.status}: ${i.outcome.message}${
        i.outcome.rolledBack.length
          ? `; rolled back: ${i.outcome.rolledBack.map((r) => `${r.container} on ${r.node}`).join(", ")}`
          : ""
      }`,
    });
  if (i.load) {
    const names = [
      "max_failed_requests",
      "max_disruption",
      "max_stuck_operations",
      "max_failed_operations",
      "p99_latency",
    ];
    for (const n of names) {
      const b = slo.filter((x) => x.slo === n);
      checks.push({
        suite: "slo",
        name: n,
        ok: b.length === 0,
        message:
          b.length === 0
            ? okMessage(n, i)
            : b.map((x) => `${x.message} — first under ${describeCause(x.cause)}`).join("; "),
      });
    }
    for (const b of slo.filter((x) => x.slo === "load_profiles"))
      checks.push({ suite: "slo", name: "load profiles", ok: false, message: b.message });
    for (const r of i.load.slo.recorded)
      checks.push({
        suite: "slo",
        // Each says which SLO key chose to record it: "(<key>: record)".
        name: /\((\w+): record\)$/.exec(r)?.[1] ?? "recorded",
        ok: true,
        recorded: true,
        message: r,
      });
  }
  for (const r of i.resources)
    checks.push({
      suite: "resources",
      name: `${r.kind} ${r.name}: ${r.check}`,
      ok: r.ok,
      message: r.message,
    });
  if (i.containers.length > 0) {
    const bad = i.containers.filter((c) => !c.ok);
    checks.push({
      suite: "cluster",
      name: "every container on its target image and healthy",
      ok: bad.length === 0,
      message:
        bad.length === 0
          ? `${i.containers.length} containers on their target image, running and healthy`
          : bad
              .map(
                (c) =>
                  `${c.node} ${c.container}: ${c.image}${c.image !== c.want ? ` (want ${c.want})` : ""}, ${c.state}/${c.health}`,
              )
              .join("; "),
    });
  }
  if (i.load !== undefined) {
    // A watcher that could not see makes a clean-looking run prove nothing about that span.
    const gaps = i.watched.filter(
      (w): w is Extract<WatchRecord, { kind: "gap" }> => w.kind === "gap",
    );
    const blind = blindGaps(i.watched);
    const say = (g: (typeof gaps)[number]): string =>
      `${g.watcher} on ${g.where}: ${((g.to - g.at) / 1000).toFixed(1)} s from ${new Date(g.at).toISOString()} (${g.reason})`;
    checks.push({
      suite: "cluster",
      name: "watchers saw the whole run",
      ok: blind.length === 0,
      message:
        blind.length > 0
          ? `blind: ${blind.map(say).join("; ")}`
          : gaps.length === 0
            ? "every watcher saw the whole run"
            : `every gap was read back or shorter than 5 s: ${gaps.map(say).join("; ")}`,
    });
  }
  const failed = checks.filter((c) => !c.ok);
  const verdict: Verdict = failed.length === 0 ? "pass" : "fail";
  const { failures: _f, operations: _o, ...rest } = sm ?? { failures: [], operations: [] };
  return {
    version: REPORT_VERSION,
    scenario: i.scenario,
    nodes: i.nodes,
    file: i.file,
    strategy: i.strategy,
    runDir: i.runDir,
    startedAt: i.startedAt,
    endedAt: i.endedAt,
    ...(i.versions === undefined ? {} : { versions: i.versions }),
    ...(i.changes === undefined || i.changes.length === 0 ? {} : { changes: i.changes }),
    ...(i.kroll === undefined ? {} : { kroll: i.kroll }),
    ...(i.logs === undefined ? {} : { logs: i.logs }),
    verdict,
    exitCode: verdict === "pass" ? 0 : 1,
    reason:
      verdict === "pass"
        ? `all ${checks.length} checks passed`
        : `${failed.length} of ${checks.length} checks failed: ${failed
            .slice(0, 3)
            .map((c) => c.name)
            .join("; ")}${failed.length > 3 ? "; …" : ""}`,
    phases: i.phases,
    upgrade: i.outcome
      ? {
          status: i.outcome.status,
          waves: i.outcome.waves,
          message: i.outcome.message,
          failure: i.outcome.failure,
          rolledBack: i.outcome.rolledBack,
          notes: i.outcome.notes,
        }
      : undefined,
    steps,
    spans,
    load: sm
      ? {
          ...(rest as Omit<LoadSummary, "failures" | "operations">),
          operationsDone: sm.operations.filter((o) => o.status === "done").length,
          failures,
          startedAt: i.load?.startedAt ?? i.startedAt,
        }
      : undefined,
    operations,
    disruption,
    slo,
    recorded: i.load?.slo.recorded ?? [],
    resources: i.resources,
    containers: i.containers,
    watch: {
      containerEvents: i.watched.filter((w) => w.kind === "container").length,
      logFindings: i.watched.filter((w) => w.kind === "log").length,
      loadbalancerChanges: i.watched.filter((w) => w.kind === "loadbalancer").length,
      trouble,
    },
    loadbalancer: i.watched.filter(
      (w): w is Extract<WatchRecord, { kind: "loadbalancer" }> => w.kind === "loadbalancer",
    ),
    allowedDisruptionMs: i.allowedDisruptionMs,
    ...(i.maxDisruptionMs === undefined ? {} : { disruptionBoundMs: i.maxDisruptionMs }),
    crossVersion: crossVersion.slice(0, 200),
    ...(i.coverage === undefined ? {} : { coverage: i.coverage }),
    checks,
  };
}

function okMessage(n: string, i: RunInputs): string {
  const sm = i.load?.summary;
  const vip = (i.load?.polls ?? []).filter((p) => p.via === "vip");
  switch (n) {
    case "max_failed_requests":
      return `${sm?.failed ?? 0} of ${sm?.requests ?? 0} requests failed`;
    case "max_disruption":
      return `through the VIP: ${vip.map((p) => `${p.backend}/${p.connection} ${disruptionMs(p.intervals)} ms`).join(", ") || "no probes"}`;
    case "max_stuck_operations":
      return `${sm?.operations.filter((o) => o.status === "stuck").length ?? 0} stuck of ${sm?.operations.length ?? 0} operations`;
    case "max_failed_operations":
      return `${sm?.operations.filter((o) => o.status === "failed").length ?? 0} failed of ${sm?.operations.length ?? 0} operations`;
    default:
      return `p99 ${sm?.p99Ms ?? "-"} ms`;
  }
}
