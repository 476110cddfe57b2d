/**
 * Composition root of `kroll load`: the scenario's load and disruption pollers alone against a
 * deployed cluster for a while, then a summary and the SLO verdict — to rehearse and to tune
 * rates before a run.
 */
import { systemClock } from "../../core/clock.js";
import { parseDuration } from "../../core/duration.js";
import { EXIT, RunFailedError, UsageError, formatIssue } from "../../core/errors.js";
import { disruptionMs, longestOutageMs } from "../../report/intervals.js";
import { readScenario } from "../../scenario/read.js";
import { startLoad } from "../../load/session.js";
import { desiredState } from "../../upgrade/desired.js";
import { startWatchers, TROUBLE } from "../../watch/watcher.js";
import type { WatchRecord } from "../../watch/watcher.js";
import { openSession } from "./cluster-session.js";
import type { CommandContext } from "../context.js";
import { table } from "../output.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { LoadResult } from "../../load/session.js";

/** A load run's files: the timeline (one JSON object per line, in time order) and a summary. */
function writeLoadRun(
  dir: string,
  scenario: string,
  r: LoadResult,
  watched: readonly WatchRecord[],
): void {
  mkdirSync(dir, { recursive: true });
  const sm = r.summary;
  const ev: { t: number; kind: string; [k: string]: unknown }[] = [
    ...watched.map((w) => ({ ...w, t: w.at, kind: `watch.${w.kind}` })),
    ...sm.failures.map((f) => ({ ...f, t: f.dueAt, kind: "request.failed" })),
    ...sm.operations.map((o) => ({
      ...o,
      t: o.endedAt,
      kind: `operation.${o.status}`,
    })),
    ...r.polls.flatMap((p) =>
      p.intervals
        .filter((i) => !i.available)
        .map((i) => ({ ...i, t: i.from, kind: "unavailable", backend: p.backend, via: p.via })),
    ),
    ...sm.perSecond.map((p) => ({ ...p, t: r.startedAt + p.s * 1000, kind: "second" })),
  ];
  writeFileSync(
    join(dir, "events.jsonl"),
    ev
      .sort((a, b) => a.t - b.t)
      .map((e) => JSON.stringify(e))
      .join("\n")
      .concat("\n"),
    { mode: 0o640 },
  );
  const { failures: _f, operations: _o, perSecond: _p, ...counts } = sm;
  writeFileSync(
    join(dir, "summary.json"),
    `${JSON.stringify({ scenario, startedAt: r.startedAt, endedAt: r.endedAt, ...counts, slo: r.slo, watcherGaps: watched.filter((w) => w.kind === "gap") }, null, 2)}\n`,
    { mode: 0o640 },
  );
}

interface Values {
  duration?: string;
  "run-dir"?: string;
  json?: boolean;
  "accept-new-host-keys"?: boolean;
}

export async function run(ctx: CommandContext<Values>): Promise<number> {
  const loaded = await readScenario(ctx.positionals[0] ?? "", ctx.cwd, ctx.sets);
  for (const w of loaded.warnings) ctx.out.note(`warning: ${formatIssue(w)}`);
  const s = loaded.scenario;
  const durationMs = parseDuration(ctx.values.duration ?? "60s");
  if (durationMs === undefined || durationMs <= 0)
    throw new UsageError(
      `--duration: expected a duration such as "60s" or "5m", got "${ctx.values.duration ?? ""}"`,
    );
  if (s.load.profiles.length === 0)
    ctx.out.note(`note: ${loaded.file} has no load.profiles: only the disruption pollers run`);
  const cluster = await openSession(s, ctx.logger, ctx.values["accept-new-host-keys"] === true);
  const watchers = startWatchers({
    scenario: s.name,
    nodes: s.cluster.nodes.map((n) => n.name),
    loadbalancers: desiredState(s).loadbalancers,
    cluster: cluster.cluster,
    dockers: cluster.dockers,
    clock: systemClock,
    logger: ctx.logger,
  });
  const session = startLoad(s, { clock: systemClock, logger: ctx.logger, durationMs });
  const stopEarly = (): void => {
    ctx.logger.warn("stopping the load early (following what is in flight)");
    void session.stop();
  };
  process.once("SIGINT", stopEarly);
  await systemClock.sleep(Math.min(durationMs, s.load.max_duration));
  process.off("SIGINT", stopEarly);
  const r = await session.stop();
  const watched = await watchers.stop();
  cluster.close();
  if (ctx.values["run-dir"] !== undefined)
    writeLoadRun(resolve(ctx.cwd, ctx.values["run-dir"]), s.name, r, watched);
  const ops = r.summary.operations;
  if (ctx.values.json) {
    ctx.out.json({
      scenario: s.name,
      durationMs: r.endedAt - r.startedAt,
      summary: { ...r.summary, failures: r.summary.failures.slice(0, 100) },
      disruption: r.polls.map((p) => ({
        backend: p.backend,
        via: p.via,
        connection: p.connection,
        samples: p.samples,
        disruptionMs: disruptionMs(p.intervals),
        intervals: p.intervals.filter((i) => !i.available),
      })),
      slo: r.slo,
      watched,
    });
  } else {
    const sm = r.summary;
    ctx.out.line(
      `load on "${s.name}" for ${Math.round((r.endedAt - r.startedAt) / 1000)} s: ${sm.requests} requests, ${sm.failed} failed${
        sm.failed
          ? ` (${Object.entries(sm.byClass)
              .map(([k, n]) => `${k} ${n}`)
              .join(", ")})`
          : ""
      }; operations: ${ops.filter((o) => o.status === "done").length} done, ${ops.filter((o) => o.status === "failed").length} failed, ${ops.filter((o) => o.status === "stuck").length} stuck`,
    );
    ctx.out.line(
      table([
        ["  route", "requests", "failed", "p50 ms", "p99 ms", "max ms"],
        ...sm.routes.map((x) => [
          `  ${x.route}`,
          String(x.count),
          String(x.failed),
          String(x.p50Ms),
          String(x.p99Ms),
          String(x.maxMs),
        ]),
      ]),
    );
    ctx.out.line(
      table([
        ["  backend", "via", "connection", "samples", "unavailable ms", "longest ms"],
        ...r.polls.map((p) => [
          `  ${p.backend}`,
          p.via,
          p.connection,
          String(p.samples),
          String(disruptionMs(p.intervals)),
          String(longestOutageMs(p.intervals)),
        ]),
      ]),
    );
    for (const o of ops.filter((x) => x.status !== "done"))
      ctx.out.line(
        `  ${o.status}: ${o.kind} ${o.id} ${o.verb} → ${o.goal}: ${o.state}${o.reason ? `: ${o.reason}` : ""}`,
      );
    const trouble = watched.filter(
      (w): w is Extract<WatchRecord, { kind: "container" | "log" | "loadbalancer" }> =>
        (w.kind === "container" && TROUBLE.includes(w.action)) ||
        w.kind === "log" ||
        w.kind === "loadbalancer",
    );
    ctx.out.line(
      `  watchers: ${watched.filter((w) => w.kind === "container").length} container events, ${watched.filter((w) => w.kind === "log").length} log findings, ${watched.filter((w) => w.kind === "loadbalancer").length} HAProxy state changes`,
    );
    for (const w of trouble.slice(0, 20))
      ctx.out.line(
        `  ${new Date(w.at).toISOString()} ${w.kind === "loadbalancer" ? `${w.lb} ${w.backend}/${w.server} ${w.previous} → ${w.status}` : w.kind === "log" ? `${w.node} ${w.container} ${w.finding}: ${w.line.slice(0, 120)}` : `${w.node} ${w.container} ${w.action}`}`,
      );
    for (const g of watched)
      if (g.kind === "gap")
        ctx.out.line(
          `  watcher ${g.watcher} on ${g.where} could not see for ${((g.to - g.at) / 1000).toFixed(1)} s from ${new Date(g.at).toISOString()} (${g.recovered ? "read back afterwards" : "what happened then is lost"}): ${g.reason}`,
        );
    for (const b of r.slo.breaches) ctx.out.line(`  SLO ${b.slo}: ${b.message}`);
    for (const x of r.slo.recorded) ctx.out.line(`  recorded: ${x}`);
  }
  if (r.slo.breaches.length > 0)
    throw new RunFailedError(`load SLOs breached: ${r.slo.breaches.map((b) => b.slo).join(", ")}`);
  return EXIT.ok;
}
