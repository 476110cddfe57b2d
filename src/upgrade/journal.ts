/**
 * PURE. The journal: one JSON line per event, appended before and after every action, so an
 * interrupted run can be understood by a person and resumed by kroll (`--resume RUN_DIR`).
 * The cluster shows most progress by itself (images, labels, HAProxy states); the journal adds
 * what it cannot show: one-shots run, holds done, services finished.
 */
import type { Action, Strategy } from "./types.js";

export type JournalRecord =
  | {
      readonly type: "run";
      readonly ts: number;
      readonly scenario: string;
      readonly file: string;
      readonly strategy: Strategy;
      readonly resumed: boolean;
    }
  | {
      readonly type: "wave";
      readonly ts: number;
      readonly wave: number;
      readonly service: string;
      readonly step: string;
      readonly why: string;
      /** The node of each track ("-" for a cluster-wide one). */
      readonly nodes?: readonly string[];
      readonly event: "start" | "done" | "failed" | "stopped";
      readonly markers?: readonly string[];
    }
  | {
      readonly type: "action";
      readonly ts: number;
      readonly wave: number;
      readonly track: number;
      readonly index: number;
      readonly event: "start" | "done" | "failed";
      readonly rollback: boolean;
      readonly action: Action;
      readonly error?: string;
      readonly ms?: number;
    }
  | { readonly type: "note"; readonly ts: number; readonly text: string }
  | {
      readonly type: "end";
      readonly ts: number;
      readonly status: "done" | "failed" | "interrupted";
      readonly message: string;
    };

export interface JournalSink {
  append(r: JournalRecord): void;
}

/** Markers of every wave the journal saw finish. */
export function markersOf(records: readonly JournalRecord[]): string[] {
  const out = new Set<string>();
  for (const r of records)
    if (r.type === "wave" && r.event === "done") for (const m of r.markers ?? []) out.add(m);
  return [...out];
}

/**
 * Containers an earlier run took out of their routing (off the broker's shared queues, out of
 * a hash ring) and then neither replaced nor restarted: kroll was killed in between. A resume
 * restarts them first, so they take work again. Each with its stop grace.
 */
export function takenOutNotBack(
  records: readonly JournalRecord[],
): { node: string; container: string; stopGraceS: number }[] {
  const out = new Map<string, { node: string; container: string; stopGraceS: number }>();
  for (const r of records) {
    if (r.type !== "action" || r.event !== "done") continue;
    const a = r.action;
    if (a.kind === "rpcDrain" || a.kind === "ringOut")
      out.set(`${a.node} ${a.container}`, {
        node: a.node,
        container: a.container,
        stopGraceS: a.stopGraceS,
      });
    else if (a.kind === "recreate" || a.kind === "restart" || a.kind === "restore")
      out.delete(`${a.node} ${a.container}`);
  }
  return [...out.values()];
}

/** The number the next wave gets (waves are numbered across resumes). */
export function nextWaveNumber(records: readonly JournalRecord[]): number {
  let n = 0;
  for (const r of records)
    if (r.type === "wave" && r.event === "start") n = Math.max(n, r.wave + 1);
  return n;
}

/**
 * Reads journal text for a report and never throws: the records it can read, and what a gate
 * reviewer must be told when the journal cannot be trusted (`text` undefined: the file is
 * missing or unreadable; lines that do not parse; no `end` record although the upgrade ran,
 * which `runUpgrade` always writes). A report built on an empty journal has no step checks, so
 * a journal that lost records must fail the run rather than let it pass on what is left.
 */
export function journalForReport(
  text: string | undefined,
  upgradeRan: boolean,
): { records: JournalRecord[]; problem: string | undefined } {
  if (text === undefined)
    return {
      records: [],
      problem: upgradeRan
        ? "the upgrade journal is missing or unreadable although the upgrade ran: its steps cannot be listed or checked"
        : undefined,
    };
  const records: JournalRecord[] = [];
  const bad: number[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch {
      bad.push(i + 1);
    }
  });
  const problems: string[] = [];
  if (bad.length > 0)
    problems.push(
      `${bad.length} line(s) of the upgrade journal could not be read (line ${bad.slice(0, 5).join(", ")}${bad.length > 5 ? ", …" : ""}); the steps they recorded may be missing`,
    );
  if (upgradeRan && !records.some((r) => r.type === "end"))
    problems.push(
      "the upgrade journal has no end record although the upgrade ran; the steps listed may be incomplete",
    );
  return { records, problem: problems.length > 0 ? problems.join("; ") : undefined };
}

/** A journal line that is not a record, and is not the last (a torn last line is dropped). */
export class JournalLineError extends Error {
  readonly line: number;
  constructor(line: number) {
    super(`line ${line} is not a journal record`);
    this.line = line;
  }
}

/**
 * Parses journal text; a torn last line (the process died mid-write) is dropped. Any other
 * line that does not parse is a JournalLineError naming it: resuming from a journal with a hole
 * could redo or skip a step.
 */
export function parseJournal(text: string): JournalRecord[] {
  const out: JournalRecord[] = [];
  const lines = text.split("\n").map((l, i) => ({ l, n: i + 1 }));
  const kept = lines.filter((x) => x.l.trim() !== "");
  kept.forEach(({ l, n }, i) => {
    try {
      out.push(JSON.parse(l) as JournalRecord);
    } catch {
      if (i !== kept.length - 1) throw new JournalLineError(n);
    }
  });
  return out;
}

/** One line per action, for people: "wave 12 <service>/apis node2 recreate <container> → …:proposed". */
export function describeAction(a: Action): string {
  switch (a.kind) {
    case "pull":
      return `pull ${a.image} on ${a.node}`;
    case "waitIdle":
      return `wait until no ${a.service} node is in a *wait* state`;
    case "oneShot":
      return `${a.what} (${a.mode} one-shot of ${a.image} on ${a.node})`;
    case "drain":
      return `drain ${a.backend}/${a.server} on ${a.lbs.join(", ")}`;
    case "waitDrained":
      return a.closeIdle
        ? `wait for ${a.backend}/${a.server} sessions to end, closing idle ones in ${a.closeIdle.container}`
        : `wait for ${a.backend}/${a.server} sessions to end`;
    case "rpcDrain":
      return `take ${a.container} on ${a.node} off ${a.queues.join(", ")} at the broker`;
    case "ringOut":
      return `take ${a.container} on ${a.node} out of its hash ring, wait for its node locks`;
    case "setConfig":
      return `${a.value === null ? "remove" : `set ${a.key} = ${a.value} in`} [${a.section}]${a.value === null ? ` ${a.key} from` : ""} ${a.path} on ${a.node}`;
    case "recreate":
      return `recreate ${a.container} on ${a.node}: ${a.from} → ${a.image}`;
    case "restart":
      return `restart ${a.container} on ${a.node}`;
    case "reload":
      return `reload ${a.container} on ${a.node} in place (config laid out again, ${a.signal})`;
    case "waitHealthy":
      return `wait for ${a.container} on ${a.node} to be healthy`;
    case "waitBackendUp":
      return `wait for ${a.backend}/${a.server} to be UP`;
    case "waitMember":
      return `wait for ${a.service} on ${a.node}: ${a.what} (${a.size})`;
    case "ready":
      return `ready ${a.backend}/${a.server} on ${a.lbs.join(", ")}`;
    case "retire":
      return `remove the old ${a.container} kept aside on ${a.node}`;
    case "restore":
      return `put the old ${a.container} back on ${a.node}`;
    case "moveVip":
      return `move the VIP ${a.vip} ${a.from ? `from ${a.from} ` : ""}to ${a.to}`;
    case "checkpoint":
      return `checkpoint ${a.name}${a.holdMs !== undefined ? `: hold ${a.holdMs / 1000} s` : ""}${a.until ? ` until ${a.until}` : ""}`;
  }
}
