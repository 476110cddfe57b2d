/**
 * EFFECT (in memory). Everything the load saw. Successful requests are not kept one by one:
 * their latencies go into HDR histograms per route and per second (a second's histogram is
 * reduced to its percentiles once no request of it can still be in flight), so memory stays
 * flat however long the run; failed requests and every tracked operation are
 * kept in full (bounded), because each one is attributed to a step in the report.
 */
import * as hdr from "hdr-histogram-js";
import type { ErrorClass } from "../cluster/http-client.js";

export interface RequestRecord {
  readonly profile: string;
  readonly method: string;
  /** The route template, e.g. "GET /v1/nodes/{uuid}" (ids never make routes). */
  readonly route: string;
  /** When it was due (open loop: latency counts from here). */
  readonly dueAt: number;
  readonly finishedAt: number;
  readonly status: number | undefined;
  readonly errorClass: ErrorClass | undefined;
  readonly error: string | undefined;
  readonly requestId: string | undefined;
  readonly microversion?: string;
}

/** A request as window coverage reads it (src/run/coverage.ts): compact, every one kept. */
export interface CoverageEntry {
  readonly profile: string;
  readonly kind: string;
  readonly at: number;
  readonly ok: boolean;
  readonly requestId: string | undefined;
}

export interface OperationRecord {
  readonly profile: string;
  /** The service whose API the operation went to. */
  readonly service: string;
  /** The resource's kind, as its pack names it. */
  readonly kind: string;
  readonly id: string;
  readonly verb: string;
  readonly goal: string;
  readonly acceptedAt: number;
  readonly endedAt: number;
  readonly status: "done" | "failed" | "stuck";
  readonly state: string;
  readonly reason: string;
  /** The request id of the call that started it (which worker took it is in the logs). */
  readonly requestId?: string;
}

export interface RouteStats {
  readonly route: string;
  readonly count: number;
  readonly failed: number;
  readonly p50Ms: number;
  readonly p90Ms?: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface SecondStats {
  readonly s: number;
  readonly ok: number;
  readonly failed: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

interface OpenSecond {
  ok: number;
  failed: number;
  h: hdr.Histogram | undefined;
  done: SecondStats | undefined;
}

/**
 * A second's histogram is kept this long after newer seconds start (longer than any request's
 * timeout), then reduced to its percentiles.
 */
const OPEN_SECONDS = 120;

export interface LoadSummary {
  readonly requests: number;
  readonly failed: number;
  readonly byClass: Readonly<Record<string, number>>;
  readonly routes: readonly RouteStats[];
  readonly p99Ms: number | undefined;
  /** Per second since the start (by due time): counts and latency percentiles. */
  readonly perSecond: readonly SecondStats[];
  readonly failures: readonly RequestRecord[];
  readonly operations: readonly OperationRecord[];
  /** Failed requests not kept because the bound was reached. */
  readonly failuresDropped: number;
  /**
   * Requests that asked for an API microversion, counted per microversion, second (by due
   * time) and answer (HTTP status; 0 when none came): what the pin checks read.
   */
  readonly microversions: readonly MicroversionCount[];
}

export interface MicroversionCount {
  readonly microversion: string;
  readonly s: number;
  readonly status: number;
  readonly count: number;
}

const histogram = (digits: 2 | 3 = 3): hdr.Histogram =>
  hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000,
    numberOfSignificantValueDigits: digits,
  });

const reduce = (sec: number, x: OpenSecond): SecondStats => ({
  s: sec,
  ok: x.ok,
  failed: x.failed,
  p50Ms: x.h ? x.h.getValueAtPercentile(50) : (x.done?.p50Ms ?? 0),
  p99Ms: x.h ? x.h.getValueAtPercentile(99) : (x.done?.p99Ms ?? 0),
  maxMs: x.h ? x.h.maxValue : (x.done?.maxMs ?? 0),
});

export class Recorder {
  private readonly start: number;
  private readonly maxFailures: number;
  private readonly all = histogram();
  private readonly routes = new Map<string, { h: hdr.Histogram; count: number; failed: number }>();
  private readonly seconds = new Map<number, OpenSecond>();
  private newest = 0;
  private readonly failures: RequestRecord[] = [];
  private readonly operations: OperationRecord[] = [];
  private readonly byClass = new Map<string, number>();
  private dropped = 0;
  /** "<microversion> <second> <status>" → count (a few entries a second at most). */
  private readonly mvCounts = new Map<string, number>();
  /** When each operation still followed was accepted (their count: openOperations). */
  private readonly openAccepted: number[] = [];
  private count = 0;
  private failedCount = 0;
  /** Called for every failed request and every failed or stuck operation (the live SLO check). */
  onFailure: ((what: RequestRecord | OperationRecord) => void) | undefined;

  constructor(start: number, maxFailures = 10_000) {
    this.start = start;
    this.maxFailures = maxFailures;
  }

  /** Every request's kind, time, outcome and id, for window coverage (bounded). */
  private readonly coverageLog: CoverageEntry[] = [];

  /** What window coverage reads: every request recorded so far (the first 500,000). */
  coverage(): readonly CoverageEntry[] {
    return this.coverageLog;
  }

  request(r: RequestRecord, kind?: string): void {
    if (this.coverageLog.length < 500_000)
      this.coverageLog.push({
        profile: r.profile,
        kind: kind ?? r.route,
        at: r.finishedAt,
        ok: r.errorClass === undefined,
        requestId: r.requestId,
      });
    this.count++;
    const ms = Math.max(1, Math.round(r.finishedAt - r.dueAt));
    this.all.recordValue(ms);
    const route = this.routes.get(r.route) ?? { h: histogram(), count: 0, failed: 0 };
    this.routes.set(r.route, route);
    route.count++;
    route.h.recordValue(ms);
    const sec = Math.floor((r.dueAt - this.start) / 1000);
    if (r.microversion !== undefined) {
      const k = `${r.microversion} ${sec} ${r.status ?? 0}`;
      this.mvCounts.set(k, (this.mvCounts.get(k) ?? 0) + 1);
    }
    const bucket = this.second(sec);
    if (bucket.h) bucket.h.recordValue(ms);
    else if (bucket.done && ms > bucket.done.maxMs) bucket.done = { ...bucket.done, maxMs: ms };
    if (r.errorClass === undefined) {
      bucket.ok++;
      return;
    }
    bucket.failed++;
    route.failed++;
    this.failedCount++;
    this.byClass.set(r.errorClass, (this.byClass.get(r.errorClass) ?? 0) + 1);
    if (this.failures.length < this.maxFailures) this.failures.push(r);
    else this.dropped++;
    this.onFailure?.(r);
  }

  private second(sec: number): OpenSecond {
    let b = this.seconds.get(sec);
    if (!b) {
      b = { ok: 0, failed: 0, h: histogram(2), done: undefined };
      this.seconds.set(sec, b);
    }
    if (sec > this.newest) {
      this.newest = sec;
      // Seconds no request can still be in flight for: keep their percentiles only.
      for (const [k, x] of this.seconds)
        if (x.h && k < sec - OPEN_SECONDS) {
          x.done = reduce(k, x);
          x.h = undefined;
        }
    }
    return b;
  }

  /** An accepted operation is being followed (until its operation() record). */
  operationStarted(acceptedAt: number): void {
    this.openAccepted.push(acceptedAt);
  }

  /**
   * Operations accepted at or before `t` and still followed: a checkpoint waits for those to
   * end (the ones the load keeps starting meanwhile never let "every operation" reach 0).
   */
  openAcceptedBy(t: number): number {
    return this.openAccepted.filter((a) => a <= t).length;
  }

  /** Operations accepted and still being followed (the progress view). */
  get openOperations(): number {
    return this.openAccepted.length;
  }

  operation(o: OperationRecord): void {
    const i = this.openAccepted.indexOf(o.acceptedAt);
    if (i >= 0) this.openAccepted.splice(i, 1);
    this.operations.push(o);
    if (o.status !== "done") this.onFailure?.(o);
  }

  get failed(): number {
    return this.failedCount;
  }

  get requests(): number {
    return this.count;
  }

  /** Operations that ended failed or stuck (kept in full), without building a summary. */
  unfinished(): { failed: OperationRecord[]; stuck: OperationRecord[] } {
    return {
      failed: this.operations.filter((o) => o.status === "failed"),
      stuck: this.operations.filter((o) => o.status === "stuck"),
    };
  }

  summary(): LoadSummary {
    return {
      requests: this.count,
      failed: this.failedCount,
      byClass: Object.fromEntries(this.byClass),
      routes: [...this.routes].map(([route, x]) => ({
        route,
        count: x.count,
        failed: x.failed,
        p50Ms: x.h.getValueAtPercentile(50),
        p90Ms: x.h.getValueAtPercentile(90),
        p99Ms: x.h.getValueAtPercentile(99),
        maxMs: x.h.maxValue,
      })),
      p99Ms: this.count > 0 ? this.all.getValueAtPercentile(99) : undefined,
      perSecond: [...this.seconds].sort((a, b) => a[0] - b[0]).map(([k, x]) => reduce(k, x)),
      failures: [...this.failures],
      operations: [...this.operations],
      failuresDropped: this.dropped,
      microversions: [...this.mvCounts].map(([k, count]) => {
        const [microversion = "", sec = "0", status = "0"] = k.split(" ");
        return { microversion, s: Number(sec), status: Number(status), count };
      }),
    };
  }
}

/** PURE. What a known failure's pattern is matched against for an operation that failed. */
export function operationText(o: {
  readonly kind: string;
  readonly verb: string;
  readonly state: string;
  readonly reason: string;
}): string {
  return `${o.kind} ${o.verb}: ${o.state} ${o.reason}`;
}
