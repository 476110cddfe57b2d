/**
 * PURE. What the watchers record, and how a run reads it: the trouble actions and the gaps that
 * make a run's watching incomplete.
 */
import type { LogFinding } from "./logscan.js";

export type WatchRecord =
  | {
      readonly kind: "container";
      readonly at: number;
      readonly node: string;
      readonly container: string;
      readonly action: string;
      readonly image: string;
      readonly exitCode: number | undefined;
    }
  | {
      readonly kind: "log";
      readonly at: number;
      readonly node: string;
      readonly container: string;
      readonly finding: LogFinding;
      readonly line: string;
    }
  | {
      readonly kind: "loadbalancer";
      readonly at: number;
      readonly lb: string;
      readonly backend: string;
      readonly server: string;
      readonly status: string;
      readonly previous: string;
    }
  | {
      /** A resource kept across the upgrade whose data changed (first seen at `at`). */
      readonly kind: "kept";
      readonly at: number;
      readonly service: string;
      readonly resource: string;
      readonly name: string;
      readonly what: string;
    }
  | {
      /** A span in which one watcher could not see; `at` its start. */
      readonly kind: "gap";
      readonly at: number;
      readonly to: number;
      readonly watcher: WatcherName;
      /** The node or loadbalancer host it watches. */
      readonly where: string;
      readonly reason: string;
      /** What happened meanwhile was read afterwards (replayed events, logs from cursors). */
      readonly recovered: boolean;
    };

export type WatcherName = "docker-events" | "logs" | "loadbalancer";

/** The container actions kroll asks the engine for (exec_* and the rest never come). */
export const WATCHED_ACTIONS = [
  "create",
  "start",
  "restart",
  "stop",
  "die",
  "kill",
  "oom",
  "destroy",
  "rename",
  "pause",
  "unpause",
  "health_status",
] as const;

/**
 * Gaps that make a run's watching incomplete: lost, and longer than `minMs` (a single missed
 * HAProxy poll is not blindness), or still open when the watchers stopped.
 */
export function blindGaps(
  records: readonly WatchRecord[],
  minMs = 5_000,
): Extract<WatchRecord, { kind: "gap" }>[] {
  return records.filter(
    (r): r is Extract<WatchRecord, { kind: "gap" }> =>
      r.kind === "gap" && !r.recovered && r.to - r.at >= minMs,
  );
}

/** Container actions that mean trouble unless an upgrade step caused them (the report ties them). */
export const TROUBLE = ["die", "oom", "kill", "health_status: unhealthy", "restart"];
