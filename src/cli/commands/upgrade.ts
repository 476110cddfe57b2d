/**
 * Composition root of `kroll upgrade`: the target-phase kolla inputs, the desired state, a
 * session to every node, a run directory with its journal, SIGINT/SIGTERM as a soft stop, and
 * the executor. `--resume RUN_DIR` reads the run's scenario, strategy and journal and carries
 * on from what the cluster shows now.
 */
import { join, relative, resolve } from "node:path";
import { systemClock } from "../../core/clock.js";
import { EXIT, InterruptedError, RunFailedError, UsageError } from "../../core/errors.js";
import { startLoad } from "../../load/session.js";
import { disruptionMs } from "../../report/intervals.js";
import { attribute, spansFromJournal } from "../../report/model.js";
import { runUpgrade } from "../../upgrade/executor.js";
import { markersOf, nextWaveNumber, takenOutNotBack } from "../../upgrade/journal.js";
import type { JournalRecord } from "../../upgrade/journal.js";
import { readRun } from "../../upgrade/read.js";
import { createRunDir, openRunJournal, utcStamp } from "../../upgrade/write.js";
import type { CommandContext } from "../context.js";
import { table } from "../output.js";
import { openSession } from "./cluster-session.js";
import { opsFor, parseStrategy, prepareUpgrade } from "./upgrade-setup.js";
import { softStopOnSignals } from "../signals.js";

interface Values {
  load?: boolean;
  strategy?: string;
  resume?: string;
  "run-dir"?: string;
  "kolla-dir"?: string;
  "accept-new-host-keys"?: boolean;
  adopt?: boolean;
}

export async function run(ctx: CommandContext<Values>): Promise<number> {
  let records: JournalRecord[] = [];
  let runDir: string;
  let file = ctx.positionals[0];
  let strategy = parseStrategy(ctx.values.strategy);
  let adopt = ctx.values.adopt === true;
  if (ctx.values.resume !== undefined) {
    runDir = resolve(ctx.cwd, ctx.values.resume);
    const prev = readRun(runDir);
    records = prev.records;
    file ??= prev.info.file;
    strategy ??= prev.info.strategy;
    adopt ||= prev.info.adopt === true;
    if (records.at(-1)?.type === "end" && (records.at(-1) as { status: string }).status === "done")
      ctx.out.note(
        `note: ${relative(ctx.cwd, runDir)} already finished; checking the cluster again`,
      );
  } else {
    if (file === undefined) throw new UsageError("kroll upgrade: a SCENARIO or --resume RUN_DIR");
    runDir = "";
  }
  if (file === undefined) throw new UsageError("kroll upgrade: a SCENARIO or --resume RUN_DIR");
  const setup = await prepareUpgrade(ctx, file, strategy, ctx.values["kolla-dir"], true, adopt);
  const s = setup.loaded.scenario;
  const d = setup.desired;
  if (runDir === "") {
    runDir =
      ctx.values["run-dir"] !== undefined
        ? resolve(ctx.cwd, ctx.values["run-dir"])
        : resolve(ctx.cwd, s.report.dir, `${s.name}-upgrade-${utcStamp(systemClock.now())}`);
    createRunDir(runDir, {
      scenario: s.name,
      file: setup.loaded.file,
      strategy: d.strategy,
      started: new Date(systemClock.now()).toISOString(),
      ...(adopt ? { adopt } : {}),
    });
  }
  const journalPath = relative(ctx.cwd, join(runDir, "journal.jsonl"));
  const journal = openRunJournal(runDir, {
    ts: systemClock.now(),
    scenario: s.name,
    file: setup.loaded.file,
    strategy: d.strategy,
    resumed: ctx.values.resume !== undefined,
  });

  const stop = new AbortController();
  const offSignals = softStopOnSignals(ctx.logger, stop, `then stopping (journal: ${journalPath})`);
  const t0 = systemClock.now();
  const session = await openSession(s, ctx.logger, ctx.values["accept-new-host-keys"] === true);
  // With --load, the scenario's load and pollers run through the whole upgrade; an SLO breach
  // is the executor's failure signal (slo.on_breach: stop → roll back the node, stop).
  const load = ctx.values.load
    ? startLoad(s, { clock: systemClock, logger: ctx.logger, durationMs: s.load.max_duration })
    : undefined;
  try {
    const outcome = await runUpgrade(d, {
      adopt,
      ops: opsFor(ctx, setup, session),
      clock: systemClock,
      logger: ctx.logger,
      journal,
      markers: markersOf(records),
      restartFirst: takenOutNotBack(records),
      firstWave: nextWaveNumber(records),
      stop: stop.signal,
      onFailure: s.upgrade.on_failure,
      ...(load ? { failure: () => load.failure() } : {}),
    });
    const secs = Math.round((systemClock.now() - t0) / 1000);
    for (const n of outcome.notes) ctx.out.line(`note: ${n}`);
    let breached = false;
    if (load) {
      const r = await load.stop();
      const spans = spansFromJournal(readRun(runDir).records);
      const sm = r.summary;
      ctx.out.line(
        `load during the upgrade: ${sm.requests} requests, ${sm.failed} failed; operations ${sm.operations.filter((o) => o.status === "done").length} done, ${sm.operations.filter((o) => o.status === "failed").length} failed, ${sm.operations.filter((o) => o.status === "stuck").length} stuck`,
      );
      for (const p of r.polls.filter((x) => x.via === "vip"))
        ctx.out.line(
          `  ${p.backend} via the VIP (${p.connection} connections): unavailable ${disruptionMs(p.intervals)} ms`,
        );
      const where = (at: number): string => {
        const a = attribute(spans, at)[0];
        return a
          ? `during wave ${a.wave} (${a.service} ${a.step}) on ${a.node ?? "-"}${a.container ? `, ${a.container}` : ""}: ${a.action}`
          : "outside any upgrade action";
      };
      for (const f of sm.failures.slice(0, 10))
        ctx.out.line(
          `  failed ${f.route} (${f.errorClass ?? ""} ${f.error ?? ""}) ${where(f.dueAt)}`,
        );
      for (const o of sm.operations.filter((x) => x.status !== "done"))
        ctx.out.line(
          `  ${o.status} ${o.kind} ${o.id} ${o.verb}: ${o.state} ${o.reason} — accepted ${where(o.acceptedAt)}`,
        );
      for (const b of r.slo.breaches) ctx.out.line(`  SLO ${b.slo}: ${b.message}`);
      for (const x of r.slo.recorded) ctx.out.line(`  recorded: ${x}`);
      breached = r.slo.breaches.length > 0;
    }
    ctx.out.line(
      table([
        ["  scenario", s.name],
        ["  strategy", d.strategy],
        ["  outcome", outcome.status],
        ["  waves", String(outcome.waves)],
        ["  time", `${secs} s`],
        ["  journal", journalPath],
      ]),
    );
    if (outcome.status === "done") {
      ctx.out.line(`upgrade of "${s.name}" complete: ${outcome.message}`);
      if (breached) throw new RunFailedError(`upgrade complete, but the load's SLOs were breached`);
      return EXIT.ok;
    }
    if (outcome.status === "interrupted")
      throw new InterruptedError(
        `upgrade interrupted: ${outcome.message}; resume with: kroll upgrade --resume ${relative(ctx.cwd, runDir) || "."} (journal: ${journalPath})`,
      );
    throw new RunFailedError(`upgrade failed: ${outcome.message} (journal: ${journalPath})`);
  } finally {
    if (load) await load.stop().catch(() => undefined);
    offSignals();
    session.close();
    journal.close();
  }
}
