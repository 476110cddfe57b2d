/**
 * EFFECT. Watchers on every node, over the connections kroll already holds: Docker's event
 * stream (die, kill, oom, health_status, restart) for the scenario's containers, their logs
 * scanned every few seconds for tracebacks, ERROR lines and RPC/versioning errors, and HAProxy's
 * view of every backend server on every loadbalancer host (state changes only).
 */
import type { Cluster } from "../cluster/connect.js";
import type { DockerApi } from "../cluster/ports.js";
import { setMaxListeners } from "node:events";
import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import { LABELS } from "../deploy/render.js";
import { haproxyRuntime } from "../cluster/haproxy-runtime.js";
import { parseShowStat } from "../upgrade/haproxy.js";
import { readStampedLogs, scanLogLines } from "./logscan.js";
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
      readonly kind: "haproxy";
      readonly at: number;
      readonly lb: string;
      readonly backend: string;
      readonly server: string;
      readonly status: string;
      readonly previous: string;
    };

export interface Watchers {
  records(): readonly WatchRecord[];
  stop(): Promise<readonly WatchRecord[]>;
}

/** Container actions that mean trouble unless an upgrade step caused them (the report ties them). */
export const TROUBLE = ["die", "oom", "kill", "health_status: unhealthy", "restart"];

export function startWatchers(deps: {
  readonly scenario: string;
  readonly nodes: readonly string[];
  readonly loadbalancers: readonly string[];
  readonly cluster: Cluster;
  readonly dockers: ReadonlyMap<string, DockerApi>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly logEveryMs?: number;
  readonly haproxyEveryMs?: number;
  /** Bound on kept log findings (the rest are counted). */
  readonly maxLogRecords?: number;
}): Watchers {
  const { clock } = deps;
  const stop = new AbortController();
  // Every poller, loop and sleep listens on it at once.
  setMaxListeners(0, stop.signal);
  const out: WatchRecord[] = [];
  const maxLogs = deps.maxLogRecords ?? 2_000;
  let logs = 0;
  const labels = { [LABELS.scenario]: deps.scenario };

  const events = deps.nodes.map((node) =>
    (
      deps.dockers.get(node)?.events(
        labels,
        (e) =>
          out.push({
            kind: "container",
            at: e.time,
            node,
            container: e.container,
            action: e.action,
            image: e.image,
            exitCode: e.exitCode,
          }),
        stop.signal,
      ) ?? Promise.resolve()
    ).catch((e: unknown) =>
      deps.logger.warn(`docker events on ${node} stopped: ${String(e)}`, { node }),
    ),
  );

  const every = async (ms: number, f: () => Promise<void>): Promise<void> => {
    while (!stop.signal.aborted) {
      await f().catch(() => undefined);
      await clock.sleep(ms, stop.signal).catch(() => undefined);
    }
  };

  const start = new Date(clock.now()).toISOString();
  const logLoops = deps.nodes.map((node) => {
    // Per node and container: the last log line read (docker's timestamp).
    const cursors = new Map<string, string>();
    return every(deps.logEveryMs ?? 5_000, async () => {
      const r = await deps.cluster
        .shell(node)
        .exec(
          [
            "sh",
            "-c",
            [
              'lbl=$1; def=$2; shift 2; for c in $(docker ps -a --filter "label=$lbl" --format "{{.Names}}"); do',
              '  s=$def; for kv in "$@"; do [ "${kv%%=*}" = "$c" ] && s=${kv#*=}; done',
              '  docker logs --timestamps --since "$s" "$c" 2>&1 | sed "s|^|$c |"; done',
            ].join("\n"),
            "scan",
            `${LABELS.scenario}=${deps.scenario}`,
            start,
            ...[...cursors].map(([c, ts]) => `${c}=${ts}`),
          ],
          { timeoutMs: 30_000 },
        );
      const lines = readStampedLogs(r.stdout, cursors);
      for (const f of scanLogLines(lines)) {
        logs++;
        if (logs <= maxLogs)
          out.push({
            kind: "log",
            at: clock.now(),
            node,
            container: f.container,
            finding: f.finding,
            line: f.line.slice(0, 400),
          });
      }
    });
  });

  const last = new Map<string, string>();
  const lbLoops = deps.loadbalancers.map((lb) => {
    const runtime = haproxyRuntime(deps.cluster.shell(lb));
    return every(deps.haproxyEveryMs ?? 1_000, async () => {
      const stat = await runtime("show stat", 10_000).catch(() => undefined);
      if (stat === undefined) return;
      for (const s of parseShowStat(lb, stat, new Map())) {
        const k = `${lb} ${s.backend} ${s.server}`;
        const prev = last.get(k);
        const status = s.status.split(" ")[0] ?? s.status;
        if (prev !== undefined && prev !== status)
          out.push({
            kind: "haproxy",
            at: clock.now(),
            lb,
            backend: s.backend,
            server: s.server,
            status,
            previous: prev,
          });
        last.set(k, status);
      }
    });
  });

  return {
    records: () => out,
    async stop() {
      stop.abort();
      await Promise.all([...events, ...logLoops, ...lbLoops]);
      return out;
    },
  };
}
