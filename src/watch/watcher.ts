/**
 * EFFECT. Watchers on every node, over the connections kroll already holds: Docker's event
 * stream (die, kill, oom, health_status, restart) for the scenario's containers, their logs
 * scanned every few seconds for tracebacks, ERROR lines and RPC/versioning errors, and HAProxy's
 * view of every backend server on every loadbalancer host (state changes only).
 *
 * A watcher that loses sight says so: each time one cannot see (an event stream that ended or
 * failed, a log or HAProxy read that failed) it records a `gap` with its span and whether what
 * happened meanwhile was recovered (events replayed from the last one seen; logs read from each
 * container's cursor) or is lost (HAProxy state, or a gap still open when the watchers stop).
 * The healthchecks' exec events (tens of thousands an hour) are never asked for.
 */
import type { Cluster } from "../cluster/connect.js";
import type { DockerApi } from "../cluster/ports.js";
import { setMaxListeners } from "node:events";
import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import { LABELS } from "../deploy/render.js";
import { packWithRole } from "../services/catalogue.js";
import { asideName } from "../upgrade/types.js";
import { readStampedLogs, requestIdsIn, scanLogLines } from "./logscan.js";
import { ServedIndex } from "./served.js";
import type { WatcherName, WatchRecord } from "./records.js";
import { WATCHED_ACTIONS } from "./records.js";

export type { WatchRecord, WatcherName } from "./records.js";
export { TROUBLE, WATCHED_ACTIONS, blindGaps } from "./records.js";

/** How often each node's container logs are read (by default). */
export const LOG_POLL_MS = 5_000;
/** Lines read from the end of a container's log per poll before it is read whole. */
export const LOG_TAIL = 5_000;

export interface Watchers {
  records(): readonly WatchRecord[];
  /**
   * Which container logged each request id, first time seen: the API that answered a request
   * and the workers its RPC reached (oslo.context carries the id into their log lines). Read
   * from the same log polls, so a window's coverage says which version served what.
   */
  served(): ServedIndex;
  stop(): Promise<readonly WatchRecord[]>;
}

export function startWatchers(deps: {
  readonly scenario: string;
  readonly nodes: readonly string[];
  readonly loadbalancers: readonly string[];
  readonly cluster: Cluster;
  readonly dockers: ReadonlyMap<string, DockerApi>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly logEveryMs?: number;
  readonly lbEveryMs?: number;
  /** Bound on kept log findings (the rest are counted). */
  readonly maxLogRecords?: number;
  /** Bound on kept container events (the rest are counted). */
  readonly maxContainerRecords?: number;
  /** Wait before reopening a lost event stream (default 1 s). */
  readonly reconnectMs?: number;
}): Watchers {
  const { clock } = deps;
  const stop = new AbortController();
  // Every poller, loop and sleep listens on it at once.
  setMaxListeners(0, stop.signal);
  const out: WatchRecord[] = [];
  const maxLogs = deps.maxLogRecords ?? 2_000;
  const maxEvents = deps.maxContainerRecords ?? 20_000;
  let logs = 0;
  let containerEvents = 0;
  const served = new ServedIndex();
  const labels = { [LABELS.scenario]: deps.scenario };

  /** One open gap per watcher and place; closed when it sees again, or at stop. */
  interface OpenGap {
    readonly watcher: WatcherName;
    readonly where: string;
    readonly at: number;
    reason: string;
  }
  const open = new Map<string, OpenGap>();
  const closeGap = (g: OpenGap, recovered: boolean): void => {
    open.delete(`${g.watcher} ${g.where}`);
    out.push({ kind: "gap", ...g, to: clock.now(), recovered });
  };
  const lose = (watcher: WatcherName, where: string, reason: string): void => {
    const was = open.get(`${watcher} ${where}`);
    // Still blind: the latest reason is the one worth reading.
    if (was !== undefined) {
      was.reason = reason;
      return;
    }
    open.set(`${watcher} ${where}`, { watcher, where, at: clock.now(), reason });
    deps.logger.warn(`watcher ${watcher} on ${where} cannot see: ${reason}`, { node: where });
  };
  /**
   * Past its bound a watcher keeps counting but stops keeping: from the first record it could
   * not keep, it is blind to what the rest said (a gap, never recovered, closed at stop).
   */
  const overflow = (watcher: WatcherName, where: string, kept: number, what: string): void => {
    const key = `${watcher} ${where} overflow`;
    if (open.has(key)) return;
    open.set(key, {
      watcher,
      where,
      at: clock.now(),
      reason: `kept the first ${kept} ${what}; the rest were not kept`,
    });
  };
  const regain = (watcher: WatcherName, where: string, recovered: boolean): void => {
    const g = open.get(`${watcher} ${where}`);
    if (g === undefined) return;
    closeGap(g, recovered);
    deps.logger.info(
      `watcher ${watcher} on ${where} sees again after ${((clock.now() - g.at) / 1000).toFixed(1)} s${recovered ? " (what it missed was read back)" : ""}`,
      { node: where },
    );
  };

  const events = deps.nodes.map(async (node) => {
    const docker = deps.dockers.get(node);
    if (docker === undefined) {
      lose("docker-events", node, "no Docker connection to the node");
      return;
    }
    let since: number | undefined;
    const seen = new Set<string>();
    while (!stop.signal.aborted) {
      // Replayed from the last event seen (or the loss), so a reconnect loses nothing; the
      // events at that same instant come again and are told apart.
      const from = since ?? open.get(`docker-events ${node}`)?.at;
      let reason = "the event stream ended";
      await docker
        .events(
          labels,
          (e) => {
            if (e.action.startsWith("exec_")) return;
            const id = `${e.time} ${e.container} ${e.action}`;
            if (since !== undefined && e.time < since) return;
            if (since === e.time && seen.has(id)) return;
            if (since !== e.time) seen.clear();
            seen.add(id);
            since = e.time;
            containerEvents++;
            if (containerEvents > maxEvents) overflow("docker-events", node, maxEvents, "events");
            else
              out.push({
                kind: "container",
                at: e.time,
                node,
                container: e.container,
                action: e.action,
                image: e.image,
                exitCode: e.exitCode,
              });
          },
          stop.signal,
          {
            actions: WATCHED_ACTIONS,
            ...(from !== undefined ? { since: from } : {}),
            // Open again: what it missed is replayed from `since`, if the engine still holds
            // it (it keeps its last 256 events, healthcheck execs among them): asked, not assumed.
            onOpen: () => {
              const g = open.get(`docker-events ${node}`);
              if (g === undefined) return;
              void docker.replayCovers(from ?? g.at, stop.signal).then(
                (all) => regain("docker-events", node, all),
                () => regain("docker-events", node, false),
              );
            },
          },
        )
        .catch((e: unknown) => {
          reason = e instanceof Error ? e.message : String(e);
        });
      if (stop.signal.aborted) break;
      lose("docker-events", node, reason);
      since ??= open.get(`docker-events ${node}`)?.at;
      await clock.sleep(deps.reconnectMs ?? 1_000, stop.signal).catch(() => undefined);
    }
  });

  /**
   * Runs f every ms; a failure opens a gap for the watcher, the next success closes it
   * (`recovered`: whether what it missed was read back).
   */
  const every = async (
    ms: number,
    watcher: WatcherName,
    where: string,
    recovered: boolean,
    f: () => Promise<void>,
  ): Promise<void> => {
    while (!stop.signal.aborted) {
      const ok = await f().then(
        () => true,
        (e: unknown) => {
          // A remote command's error quotes the command (for the log read, a whole script):
          // the gap says what failed, not the script.
          if (!stop.signal.aborted)
            lose(
              watcher,
              where,
              (e instanceof Error ? e.message : String(e)).replace(/`[^`]*`/g, "`…`"),
            );
          return false;
        },
      );
      if (ok) regain(watcher, where, recovered);
      await clock.sleep(ms, stop.signal).catch(() => undefined);
    }
  };

  const start = new Date(clock.now()).toISOString();
  const logLoops = deps.nodes.map((node) => {
    // Per node and container: the last log line read (docker's timestamp).
    const cursors = new Map<string, string>();
    // A failed read loses nothing: the next one starts at each container's cursor.
    return every(deps.logEveryMs ?? LOG_POLL_MS, "logs", node, true, async () => {
      const r = await deps.cluster.shell(node).exec(
        [
          "sh",
          "-c",
          [
            // Each line is prefixed "<id>/<name> ": the cursor follows the container's
            // id, so a container renamed aside (`<name>_kroll_old`) is not read again.
            // "#image <id>/<name> <image>" first: which version logged what follows.
            'lbl=$1; def=$2; shift 2; all=$(docker ps -a --filter "label=$lbl" --format "{{.ID}}/{{.Names}}=={{.Image}}") || exit 3',
            // One reader per container, at once: on a loaded node each docker call waits
            // 1-3 s on the engine, and one after the other they outlasted the read's deadline.
            `d=$(mktemp -d) || exit 3; trap 'rm -rf "$d"' EXIT; i=0`,
            "for ci in $all; do",
            '  i=$((i+1)); c=${ci%%==*}; id=${c%%/*}; s=$def; for kv in "$@"; do [ "${kv%%=*}" = "$id" ] && s=${kv#*=}; done',
            '  ( echo "#image $c ${ci#*==}"',
            // --tail first: the json-file driver finds --since alone by reading the whole
            // file from its start; from its end, a tail costs what it returns. A tail all
            // newer than the cursor may have cut some: that container is read again whole.
            `    out=$(docker logs --timestamps --since "$s" --tail ${LOG_TAIL} "$id" 2>&1)`,
            `    if [ "$(printf '%s\\n' "$out" | wc -l)" -ge ${LOG_TAIL} ]; then out=$(docker logs --timestamps --since "$s" "$id" 2>&1); fi`,
            '    if [ -n "$out" ]; then printf "%s\\n" "$out" | sed "s|^|$c |"; fi ) > "$d/$i" &',
            "done",
            'wait; n=1; while [ "$n" -le "$i" ]; do cat "$d/$n"; n=$((n+1)); done',
          ].join("\n"),
          "scan",
          `${LABELS.scenario}=${deps.scenario}`,
          start,
          ...[...cursors].map(([c, ts]) => `${c}=${ts}`),
        ],
        { timeoutMs: 30_000 },
      );
      // A read that failed (no engine, a listing refused) read nothing: blind, not quiet.
      if (r.exitCode !== 0)
        throw new Error(
          `log read exited ${r.exitCode}: ${(r.stderr || r.stdout).trim().slice(-300)}`,
        );
      const images = new Map<string, string>();
      for (const m of r.stdout.matchAll(/^#image \S+?\/(\S+) (\S+)$/gm))
        images.set(m[1] ?? "", m[2] ?? "");
      const lines = readStampedLogs(r.stdout, cursors);
      const now = clock.now();
      for (const l of lines)
        for (const id of requestIdsIn(l.text))
          served.add(id, {
            node,
            container: l.container,
            image: images.get(l.container) ?? "",
            at: now,
          });
      for (const f of scanLogLines(lines)) {
        logs++;
        if (logs > maxLogs) overflow("logs", node, maxLogs, "log findings");
        else
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
  const lbRole = packWithRole("loadbalancer");
  const readServers = lbRole?.pack.readServers;
  // While kroll replaces a loadbalancer, the old one runs aside (still serving) until the new
  // one answers: read it then, rather than be blind for the replacement's seconds.
  const retiring = lbRole && asideName(lbRole.component.container);
  const lbLoops = (readServers ? deps.loadbalancers : []).map((lb) => {
    // A failed read loses the state changes in between (the loadbalancer keeps no history).
    return every(deps.lbEveryMs ?? 1_000, "loadbalancer", lb, false, async () => {
      for (const s of (await readServers?.(deps.cluster.shell(lb), 10_000, retiring)) ?? []) {
        const k = `${lb} ${s.backend} ${s.server}`;
        const prev = last.get(k);
        const status = s.status.split(" ")[0] ?? s.status;
        if (prev !== undefined && prev !== status)
          out.push({
            kind: "loadbalancer",
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
    served: () => served,
    async stop() {
      stop.abort();
      await Promise.all([...events, ...logLoops, ...lbLoops]);
      // Still blind at the end: nothing after the gap's start was seen.
      for (const [k, g] of [...open]) {
        open.delete(k);
        out.push({
          kind: "gap",
          ...g,
          ...(k.endsWith(" overflow")
            ? {
                reason: `${g.reason} (${k.startsWith("logs") ? logs : containerEvents} in all)`,
              }
            : {}),
          to: clock.now(),
          recovered: false,
        });
      }
      return out;
    },
  };
}
