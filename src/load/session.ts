/**
 * EFFECT. A load session against a deployed cluster: the scenario's profiles through the VIP,
 * the disruption pollers (VIP and each backend, new and reused connections), the live SLO
 * check that is the upgrade's failure signal, and at the end a summary with the SLO verdict.
 */
import { urlHost as host } from "../core/net.js";
import { setMaxListeners } from "node:events";
import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import { LOAD_PACKS } from "../services/catalogue.js";
import { hostsOfGroup, layoutFor } from "../kolla/layout.js";
import { disruptionMs, longestOutageMs } from "../report/intervals.js";
import { frontUrl, loadbalancerEnabled } from "../scenario/derived.js";
import type { HttpProfile, LoadProfile, Scenario } from "../scenario/schema.js";
import { evaluateSlo } from "../watch/detectors.js";
import type { Breach, SloResult } from "../watch/detectors.js";
import { startPollers } from "./pollers.js";
import type { PollResult, PollTarget } from "./pollers.js";
import { runHttpProfile, runPackProfile } from "./profiles.js";
import type { ProfileContext } from "./profiles.js";
import { operationText, Recorder } from "./recorder.js";
import type { CoverageEntry, LoadSummary, OperationRecord } from "./recorder.js";

export interface LoadResult {
  readonly summary: LoadSummary;
  /** Every request's kind, time, outcome and id: what window coverage reads. */
  readonly coverage: readonly CoverageEntry[];
  readonly polls: readonly PollResult[];
  readonly slo: SloResult;
  readonly startedAt: number;
  readonly endedAt: number;
}

export interface LoadSession {
  /** The failure signal: a reason once an SLO is breached (and `slo.on_breach` is stop). */
  failure(): string | undefined;
  readonly recorder: Recorder;
  /** Stops new work, follows what is in flight for up to `load.drain`, stops the pollers. */
  stop(): Promise<LoadResult>;
}

/**
 * The status an API's health path answers with, from the HAProxy check its pack declares
 * (`status 300`); 200 when it declares none.
 */
const healthStatus = (check: string | undefined): number =>
  Number(/^status (\d{3})$/.exec(check ?? "")?.[1] ?? 200);

/**
 * What the pollers watch: through the VIP and at each backend directly, the API of every
 * enabled service that has a load profile of its own.
 */
export function pollTargets(s: Scenario): PollTarget[] {
  const layout = layoutFor(s.kolla.release);
  const out: PollTarget[] = [];
  for (const pack of LOAD_PACKS) {
    if (!s.services.includes(pack.spec.name)) continue;
    const comp = pack.spec.components.find((c) => c.key === pack.load.api);
    if (!comp?.api) continue;
    const { port, backend, healthPath, check } = comp.api;
    const expect = [healthStatus(check)];
    if (loadbalancerEnabled(s))
      out.push({
        backend,
        via: "vip",
        url: `http://${host(s.network.internal_vip)}:${port}${healthPath}`,
        expect,
      });
    for (const h of hostsOfGroup(layout, comp.group, s.cluster.nodes)) {
      const addr = s.cluster.nodes.find((n) => n.name === h)?.address ?? h;
      out.push({ backend, via: h, url: `http://${host(addr)}:${port}${healthPath}`, expect });
    }
  }
  return out;
}

const isHttpProfile = (p: LoadProfile): p is HttpProfile => p.kind === "http";

export function startLoad(
  s: Scenario,
  deps: { clock: Clock; logger: Logger; durationMs: number },
): LoadSession {
  const { clock, logger } = deps;
  const startedAt = clock.now();
  const recorder = new Recorder(startedAt);
  const stop = new AbortController();
  // Every poller, loop and sleep listens on it at once.
  setMaxListeners(0, stop.signal);
  const hard = new AbortController();
  setMaxListeners(0, hard.signal);
  const durationMs = Math.min(deps.durationMs, s.load.max_duration);
  // A probe unanswered for 10 s is an outage to a user; a tighter deadline mistakes a busy
  // API (a neighbour container starting on the same cores) for a down one.
  const pollers = startPollers(pollTargets(s), {
    intervalMs: s.load.probe_interval,
    timeoutMs: 10_000,
    clock,
  });
  const perProfile = Math.floor(s.load.max_requests / Math.max(1, s.load.profiles.length));
  const ctx = (url: string, rate: number): ProfileContext => ({
    url,
    clock,
    recorder,
    stop: stop.signal,
    hard: hard.signal,
    schedule: { rate, rampMs: s.load.ramp, durationMs },
    maxRequests: perProfile,
    pollMs: 1_000,
    timeoutMs: 70_000,
  });
  // A profile that throws is a kroll bug: it must not take the run down with it (an unhandled
  // rejection ends the process before any report is written). It is logged, breaches the SLO
  // (the load is no longer what the scenario asked for) and the other profiles go on.
  const profileErrors: Breach[] = [];
  let breach: string | undefined;
  const guard = (name: string, run: Promise<void>): Promise<void> =>
    run.catch((e: unknown) => {
      const msg = e instanceof Error ? e.message : String(e);
      const at = Math.round((clock.now() - startedAt) / 1000);
      logger.error(`load profile ${name} stopped on an internal error (a kroll bug): ${msg}`);
      profileErrors.push({
        slo: "load_profiles",
        allowed: "every load profile runs to its end",
        observed: `${name} stopped ${at} s in`,
        message: `load profile ${name} stopped ${at} s in on an internal error (a kroll bug): ${msg}; the load after it is missing`,
      });
      if (s.slo.on_breach === "stop") breach ??= profileErrors[0]?.message;
    });
  const running = s.load.enabled
    ? s.load.profiles.map((p) => {
        if (isHttpProfile(p)) return guard(p.name, runHttpProfile(p, ctx("", p.rate)));
        const pack = LOAD_PACKS.find((x) => x.spec.name === p.kind);
        if (!pack)
          return guard(p.name, Promise.reject(new Error(`no pack has a load of kind ${p.kind}`)));
        const url = frontUrl(s, pack.spec.name, pack.load.api);
        return guard(p.name, runPackProfile(pack.spec.name, pack.load, p, ctx(url, p.rate)));
      })
    : [];
  // The whole session is bounded: work stops at the duration, whatever else happens.
  const timer = setTimeout(() => stop.abort(), durationMs);
  let stopping: Promise<LoadResult> | undefined;
  recorder.onFailure = () => {
    if (breach !== undefined || s.slo.on_breach !== "stop") return;
    // Called on every failure: counts only, not a whole summary (percentiles, copies).
    const ops = recorder.unfinished();
    const live = evaluateSlo(s.slo, {
      requests: recorder.requests,
      failedRequests: recorder.failed,
      disruption: [],
      // One of a kind the scenario records is judged at the end, when the logs say who ran it.
      stuck: ops.stuck.map((o) => ({ kind: o.kind, id: o.id, excused: "judged at the end" })),
      failedOperations: ops.failed.length,
      p99Ms: undefined,
    });
    breach = live.breaches[0]?.message;
    if (breach) logger.warn(`SLO breached during the load: ${breach}`);
  };
  const session: LoadSession = {
    recorder,
    failure: () => breach,
    stop() {
      // Idempotent: a second call gets the same result.
      stopping ??= finish();
      return stopping;
    },
  };
  return session;

  async function finish(): Promise<LoadResult> {
    stop.abort();
    clearTimeout(timer);
    // In-flight lifecycles finish their current operation, bounded by load.drain.
    const drained = new AbortController();
    await Promise.race([
      Promise.all(running),
      clock.sleep(s.load.drain, drained.signal).catch(() => undefined),
    ]);
    drained.abort();
    hard.abort();
    await Promise.all(running);
    const polls = await pollers.stop();
    const summary = recorder.summary();
    const endedAt = clock.now();
    const slo = loadSlo(s, summary, polls, () => undefined);
    return {
      summary,
      coverage: recorder.coverage(),
      polls,
      slo: { ...slo, breaches: [...profileErrors, ...slo.breaches] },
      startedAt,
      endedAt,
    };
  }
}

/**
 * The load's SLOs over what it measured. `excused` says why a stuck operation is recorded
 * rather than failed (only a kind the scenario records, and only with evidence: the run's
 * `stuckExcuse`); the load alone has none, so there every stuck operation counts.
 */
export function loadSlo(
  s: Scenario,
  summary: LoadSummary,
  polls: readonly PollResult[],
  excused: (op: OperationRecord) => string | undefined,
): SloResult {
  // A failure matching a known upstream defect of the pair (`known_failures`) is reported
  // as known, not counted against the SLO.
  const known = s.known_failures.map((k) => new RegExp(k.pattern));
  const knownFailed = summary.failures.filter((f) =>
    known.some((re) => re.test(`${f.route}: ${f.errorClass ?? ""} ${f.error ?? ""}`)),
  ).length;
  return evaluateSlo(s.slo, {
    requests: summary.requests,
    failedRequests: summary.failed - knownFailed,
    disruption: polls
      .filter((p) => p.via === "vip")
      .map((p) => ({
        backend: p.backend,
        connection: p.connection,
        ms: disruptionMs(p.intervals),
      })),
    stuck: summary.operations
      .filter((o) => o.status === "stuck")
      .map((o) => ({ kind: o.kind, id: o.id, excused: excused(o) })),
    failedOperations: summary.operations.filter(
      (o) => o.status === "failed" && !known.some((re) => re.test(operationText(o))),
    ).length,
    p99Ms: summary.p99Ms,
  });
}

export { disruptionMs, longestOutageMs };
