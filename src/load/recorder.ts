/**
 * EFFECT (in memory). Everything the load saw. Successful requests are not kept one by one:
 * their latencies go into HDR histograms per route, their counts into per-second buckets, so
 * memory stays flat however long the run; failed requests and every tracked operation are
 * kept in full (bounded), because each one is attributed to a step in the report.
 */
import * as hdr from "hdr-histogram-js";
import type { ErrorClass } from "./http-client.js";

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

export interface OperationRecord {
  readonly profile: string;
  readonly kind: "ironic-node" | "heat-stack";
  readonly id: string;
  readonly verb: string;
  readonly goal: string;
  readonly acceptedAt: number;
  readonly endedAt: number;
  readonly status: "done" | "failed" | "stuck";
  readonly state: string;
  readonly reason: string;
}

export interface RouteStats {
  readonly route: string;
  readonly count: number;
  readonly failed: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface LoadSummary {
  readonly requests: number;
  readonly failed: number;
  readonly byClass: Readonly<Record<string, number>>;
  readonly routes: readonly RouteStats[];
  readonly p99Ms: number | undefined;
  /** [second since start, ok, failed] */
  readonly perSecond: readonly (readonly [number, number, number])[];
  readonly failures: readonly RequestRecord[];
  readonly operations: readonly OperationRecord[];
  /** Failed requests not kept because the bound was reached. */
  readonly failuresDropped: number;
}

const histogram = (): hdr.Histogram =>
  hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000,
    numberOfSignificantValueDigits: 3,
  });

export class Recorder {
  private readonly start: number;
  private readonly maxFailures: number;
  private readonly all = histogram();
  private readonly routes = new Map<string, { h: hdr.Histogram; count: number; failed: number }>();
  private readonly seconds = new Map<number, [number, number]>();
  private readonly failures: RequestRecord[] = [];
  private readonly operations: OperationRecord[] = [];
  private readonly byClass = new Map<string, number>();
  private dropped = 0;
  private count = 0;
  private failedCount = 0;
  /** Called for every failed request and every failed or stuck operation (the live SLO check). */
  onFailure: ((what: RequestRecord | OperationRecord) => void) | undefined;

  constructor(start: number, maxFailures = 10_000) {
    this.start = start;
    this.maxFailures = maxFailures;
  }

  request(r: RequestRecord): void {
    this.count++;
    const ms = Math.max(1, Math.round(r.finishedAt - r.dueAt));
    this.all.recordValue(ms);
    const route = this.routes.get(r.route) ?? { h: histogram(), count: 0, failed: 0 };
    this.routes.set(r.route, route);
    route.count++;
    route.h.recordValue(ms);
    const sec = Math.floor((r.dueAt - this.start) / 1000);
    const bucket = this.seconds.get(sec) ?? [0, 0];
    this.seconds.set(sec, bucket);
    if (r.errorClass === undefined) {
      bucket[0]++;
      return;
    }
    bucket[1]++;
    route.failed++;
    this.failedCount++;
    this.byClass.set(r.errorClass, (this.byClass.get(r.errorClass) ?? 0) + 1);
    if (this.failures.length < this.maxFailures) this.failures.push(r);
    else this.dropped++;
    this.onFailure?.(r);
  }

  operation(o: OperationRecord): void {
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
        p99Ms: x.h.getValueAtPercentile(99),
        maxMs: x.h.maxValue,
      })),
      p99Ms: this.count > 0 ? this.all.getValueAtPercentile(99) : undefined,
      perSecond: [...this.seconds]
        .sort((a, b) => a[0] - b[0])
        .map(([s, [ok, bad]]) => [s, ok, bad] as const),
      failures: [...this.failures],
      operations: [...this.operations],
      failuresDropped: this.dropped,
    };
  }
}
