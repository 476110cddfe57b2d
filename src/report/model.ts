/**
 * PURE. One timeline for a run: the upgrade's actions as spans (from its journal), and every
 * failure the load, the probes and the watchers saw, annotated with the actions in progress
 * at that moment (node, service, container, action): the question a gate reviewer asks first.
 */
import type { JournalRecord } from "../upgrade/journal.js";
import { describeAction } from "../upgrade/journal.js";

export interface ActionSpan {
  readonly wave: number;
  readonly service: string;
  readonly step: string;
  readonly node: string | undefined;
  readonly container: string | undefined;
  readonly kind: string;
  readonly description: string;
  readonly rollback: boolean;
  readonly from: number;
  /** undefined: still running when the timeline was cut. */
  readonly to: number | undefined;
  readonly failed: boolean;
}

/** Action spans from a journal: each start paired with its done or failed record. */
export function spansFromJournal(records: readonly JournalRecord[]): ActionSpan[] {
  const waves = new Map<number, { service: string; step: string }>();
  const open = new Map<string, ActionSpan>();
  const out: ActionSpan[] = [];
  for (const r of records) {
    if (r.type === "wave" && r.event === "start")
      waves.set(r.wave, { service: r.service, step: r.step });
    if (r.type !== "action") continue;
    const k = `${r.wave}/${r.track}/${r.index}/${r.rollback}`;
    if (r.event === "start") {
      const w = waves.get(r.wave);
      const a = r.action;
      open.set(k, {
        wave: r.wave,
        service: w?.service ?? "",
        step: w?.step ?? "",
        node: "node" in a ? a.node : "server" in a ? a.server : undefined,
        container: "container" in a ? a.container : undefined,
        kind: a.kind,
        description: describeAction(a),
        rollback: r.rollback,
        from: r.ts,
        to: undefined,
        failed: false,
      });
    } else {
      const s = open.get(k);
      if (!s) continue;
      open.delete(k);
      out.push({ ...s, to: r.ts, failed: r.event === "failed" });
    }
  }
  return [...out, ...open.values()].sort((a, b) => a.from - b.from);
}

/**
 * The actions in progress at `at`. Effects trail their causes a little (a connection reset is
 * seen when the client next reads), so a span counts `graceMs` past its end.
 */
export function inProgressAt(spans: readonly ActionSpan[], at: number, graceMs = 0): ActionSpan[] {
  return spans.filter((s) => s.from <= at && at <= (s.to ?? Number.POSITIVE_INFINITY) + graceMs);
}

export interface Attribution {
  readonly wave: number;
  readonly service: string;
  readonly step: string;
  readonly node: string | undefined;
  readonly container: string | undefined;
  readonly action: string;
}

/** How disruptive an action is (lower first): replacing a container, then moving the VIP, ... */
export const ACTION_RANK: Readonly<Record<string, number>> = {
  recreate: 0,
  restart: 0,
  restore: 0,
  reload: 1,
  moveVip: 1,
  drain: 2,
  waitDrained: 2,
  rpcDrain: 2,
  oneShot: 3,
};
export const rankOf = (kind: string): number => ACTION_RANK[kind] ?? 9;

export function toAttribution(s: ActionSpan): Attribution {
  return {
    wave: s.wave,
    service: s.service,
    step: s.step,
    node: s.node,
    container: s.container,
    action: s.description,
  };
}

/** What a failure at `at` is attributed to: the disruptive actions first (stop, replace). */
export function attribute(
  spans: readonly ActionSpan[],
  at: number,
  graceMs = 2_000,
): Attribution[] {
  return inProgressAt(spans, at, graceMs)
    .sort((a, b) => rankOf(a.kind) - rankOf(b.kind))
    .map(toAttribution);
}

/**
 * The action a failure in flight from `from` to `to` is tied to: of the actions overlapping
 * that time (each counted `graceMs` past its end), the most disruptive, then the earliest.
 */
export function causeOver(
  spans: readonly ActionSpan[],
  from: number,
  to: number,
  graceMs = 2_000,
): Attribution | undefined {
  const s = spans
    .filter((x) => x.from <= to && (x.to ?? Number.POSITIVE_INFINITY) + graceMs >= from)
    .sort((a, b) => rankOf(a.kind) - rankOf(b.kind) || a.from - b.from)[0];
  return s ? toAttribution(s) : undefined;
}
