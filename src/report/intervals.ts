/**
 * PURE. Availability intervals from probe samples, OpenShift's way: each sample is stamped
 * when it was sent; an interval ends when availability flips or the error text changes; the
 * last one is closed one probe period after the last sample. Disruption is the time spent in
 * unavailable intervals, to the millisecond (probes run every 100 ms, not every second).
 */

export interface Sample {
  /** When the probe was sent (ms). */
  readonly at: number;
  readonly ok: boolean;
  /** Why it failed: "connection refused", "HTTP 503", "timeout after 2 s", ... */
  readonly error?: string;
}

export interface Interval {
  readonly from: number;
  readonly to: number;
  readonly available: boolean;
  readonly message: string;
}

export function buildIntervals(samples: readonly Sample[], periodMs: number): Interval[] {
  const sorted = [...samples].sort((a, b) => a.at - b.at);
  const out: Interval[] = [];
  let open: { from: number; available: boolean; message: string } | undefined;
  for (const s of sorted) {
    const message = s.ok ? "" : (s.error ?? "failed");
    if (open && open.available === s.ok && open.message === message) continue;
    if (open) out.push({ ...open, to: s.at });
    open = { from: s.at, available: s.ok, message };
  }
  const last = sorted.at(-1);
  if (open && last) out.push({ ...open, to: last.at + periodMs });
  return out;
}

/** Milliseconds spent unavailable. */
export function disruptionMs(intervals: readonly Interval[]): number {
  return intervals.filter((i) => !i.available).reduce((sum, i) => sum + (i.to - i.from), 0);
}

/** The longest single outage, ms (what an SLO on "max disruption" usually means). */
export function longestOutageMs(intervals: readonly Interval[]): number {
  let longest = 0;
  let run = 0;
  for (const i of intervals) {
    run = i.available ? 0 : run + (i.to - i.from);
    longest = Math.max(longest, run);
  }
  return longest;
}

/** The same rules, fed one sample at a time in send order (the pollers' consumer). */
export class IntervalBuilder {
  private readonly periodMs: number;
  private readonly done: Interval[] = [];
  private open: { from: number; available: boolean; message: string } | undefined;
  private last: number | undefined;

  constructor(periodMs: number) {
    this.periodMs = periodMs;
  }

  add(s: Sample): void {
    const message = s.ok ? "" : (s.error ?? "failed");
    this.last = s.at;
    if (this.open && this.open.available === s.ok && this.open.message === message) return;
    if (this.open) this.done.push({ ...this.open, to: s.at });
    this.open = { from: s.at, available: s.ok, message };
  }

  /** Closed intervals so far, plus the open one up to a period after the last sample. */
  intervals(): Interval[] {
    return this.open && this.last !== undefined
      ? [...this.done, { ...this.open, to: this.last + this.periodMs }]
      : [...this.done];
  }

  /** Is the target unavailable right now (the latest sample failed)? */
  get down(): boolean {
    return this.open !== undefined && !this.open.available;
  }
}
