/**
 * EFFECT. The executor: observe → next wave (pure planner) → act → verify → observe again,
 * never carrying assumed state from one wave to the next. Tracks of a wave run side by side;
 * the actions of a track one after the other, each journaled before and after it runs.
 *
 * When something goes wrong in a track (a new container not healthy in time, a one-shot that
 * fails, a watcher's failure signal) the track is undone: its config edits reverted, the old
 * container put back, its backends made ready; the other tracks of the wave stop at a safe
 * point; the upgrade stops and says why. A stop request (SIGINT/SIGTERM) lets a track that
 * already replaced a container finish, and undoes the drain of one that had not; nothing is
 * ever left drained.
 */
import { waitHealthy as waitUntilHealthy } from "../cluster/wait-healthy.js";
import type { Clock } from "../core/clock.js";
import { RunFailedError, TimeoutError, UsageError } from "../core/errors.js";
import { PollAborted, pollUntil } from "../core/poll.js";
import type { Logger } from "../core/logger.js";
import type { JournalRecord, JournalSink } from "./journal.js";
import { describeAction } from "./journal.js";
import type { RecreateAction, ReloadAction, SetConfigAction, UpgradeOps } from "./ops.js";
import { foreignContainers, nextWave } from "./planner.js";
import { summarizeOneShot } from "./one-shot-output.js";
import type { Action, Desired, Track, Wave } from "./types.js";

export interface ExecutorDeps {
  readonly ops: UpgradeOps;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly journal: JournalSink;
  /** Markers from an earlier run's journal (resume). */
  readonly markers?: readonly string[];
  /** The first wave's number (waves are numbered across resumes). */
  readonly firstWave?: number;
  /** Soft stop (SIGINT/SIGTERM): finish or undo the current step, then stop. */
  readonly stop?: AbortSignal;
  /** A watcher's failure signal: a reason once the load or the watchers saw a breach. */
  readonly failure?: () => string | undefined;
  /** Holds that wait for the load's phase or the checks (provided by `kroll run`); the signal aborts on a stop request. */
  readonly awaitCheckpoint?: (name: string, until: string, signal?: AbortSignal) => Promise<void>;
  /** Holds the state a finished wave left until the load has covered it (bounded; never throws). */
  readonly holdWindow?: (w: Wave, n: number, signal?: AbortSignal) => Promise<void>;
  readonly onFailure: "rollback" | "stop";
  /**
   * Take over containers kroll did not create (no scenario label) and upgrade them by image,
   * their config as it is. Without it, such a container refuses the run before any change.
   */
  readonly adopt?: boolean;
  /**
   * Containers an interrupted run took out of their routing and never replaced (a resume reads
   * them from the journal: takenOutNotBack); restarted first, so they take work again.
   */
  readonly restartFirst?: readonly { node: string; container: string; stopGraceS: number }[];
  /** How often waits poll (default 1 s). */
  readonly pollMs?: number;
  /** Called when a wave starts and ends (progress views, the report's timeline). */
  readonly onWave?: (
    w: Wave,
    index: number,
    event: "start" | "done" | "failed" | "stopped",
  ) => void;
}

export interface UpgradeFailure {
  readonly wave: number;
  readonly service: string;
  readonly step: string;
  readonly node: string | undefined;
  readonly container: string | undefined;
  readonly action: string | undefined;
  readonly reason: string;
}

export interface UpgradeOutcome {
  readonly status: "done" | "failed" | "interrupted";
  readonly waves: number;
  readonly message: string;
  readonly failure: UpgradeFailure | undefined;
  readonly rolledBack: readonly { node: string; container: string }[];
  readonly notes: readonly string[];
}

/** Thrown inside a track when the watchers signal a failure. */
class WatcherFailure extends Error {}
/** A wait cut short by a stop request in a track that changed nothing yet: it halts, undone. */
class StopRequested extends Error {}

type Halt = "none" | "soft" | "hard";

interface TrackState {
  /** Containers replaced in this track and not yet retired (they can still be put back). */
  readonly recreated: RecreateAction[];
  /** Config edits and the value each replaced. */
  readonly configs: { a: SetConfigAction; previous: string | null }[];
  /** Containers reloaded in place (their process read the edited config). */
  readonly reloaded: ReloadAction[];
  /** Backends this track drained and has not made ready again. */
  readonly drained: { lbs: readonly string[]; backend: string; server: string }[];
  /** RPC servers taken off the broker's shared queues and not replaced since (a restart undoes it). */
  readonly rpcDrained: { node: string; container: string; stopGraceS: number }[];
  /** A container was replaced or restarted: on a soft stop, finish rather than undo. */
  committed: boolean;
}

/**
 * Runs the upgrade wave by wave. The journal always ends with one `end` record: the status it
 * returns, or "failed" with the message of anything it throws (which it then rethrows).
 */
export async function runUpgrade(desired: Desired, deps: ExecutorDeps): Promise<UpgradeOutcome> {
  try {
    return await upgradeWaves(desired, deps);
  } catch (e) {
    deps.journal.append({
      type: "end",
      ts: deps.clock.now(),
      status: "failed",
      message: e instanceof Error ? e.message : String(e),
    });
    throw e;
  }
}

async function upgradeWaves(desired: Desired, deps: ExecutorDeps): Promise<UpgradeOutcome> {
  const { ops, clock, logger, journal } = deps;
  const markers = new Set(deps.markers ?? []);
  const notes = new Set<string>();
  const rolledBack: { node: string; container: string }[] = [];
  const pollMs = deps.pollMs ?? 1_000;
  let index = deps.firstWave ?? 0;
  let waves = 0;
  let lastWave = "";
  let repeats = 0;
  const emit = (r: JournalRecord): void => journal.append(r);
  /** A note for the report, journaled once however often it comes up. */
  const note = (text: string): void => {
    if (!notes.has(text)) emit({ type: "note", ts: clock.now(), text });
    notes.add(text);
  };
  /** One action's journal record (before it runs, after it ran, or failed). */
  const actionEvent = (
    wave: number,
    track: number,
    index: number,
    a: Action,
    event: "start" | "done" | "failed",
    rollback: boolean,
    extra: { ms?: number; error?: string } = {},
  ): void =>
    emit({
      type: "action",
      ts: clock.now(),
      wave,
      track,
      index,
      event,
      rollback,
      action: a,
      ...extra,
    });

  const end = (
    status: UpgradeOutcome["status"],
    message: string,
    failure?: UpgradeFailure,
  ): UpgradeOutcome => {
    emit({ type: "end", ts: clock.now(), status, message });
    return { status, waves, message, failure, rolledBack, notes: [...notes] };
  };

  for (const r of deps.restartFirst ?? []) {
    note(
      `${r.container} on ${r.node}: taken out of its routing by the interrupted run and never replaced; restarted so it takes work again`,
    );
    logger.warn(`restarting ${r.container} on ${r.node}: the interrupted run left it taken out`, {
      node: r.node,
    });
    await ops.restart(r.node, r.container, r.stopGraceS);
  }

  for (;;) {
    if (deps.stop?.aborted) return end("interrupted", "stopped on request between waves");
    const signalled = deps.failure?.();
    if (signalled !== undefined)
      return end("failed", `stopped before the next wave: ${signalled}`, {
        wave: index,
        service: "",
        step: "",
        node: undefined,
        container: undefined,
        action: undefined,
        reason: signalled,
      });
    const observed = { ...(await ops.observe(desired)), markers: [...markers] };
    if (waves === 0 && deps.adopt !== true) {
      const foreign = foreignContainers(desired, observed);
      if (foreign.length > 0)
        throw new UsageError(
          `refusing to replace containers kroll did not create: ${foreign.slice(0, 6).join(", ")}${foreign.length > 6 ? `, … (${foreign.length})` : ""}; pass --adopt to take them over as they are (their config kept) and upgrade them by image`,
        );
    }
    const next = nextWave(desired, observed);
    for (const n of next.notes) note(n);
    if (next.done) return end("done", `upgrade complete after ${waves} waves`);
    const w = next.wave;
    // Level-triggered loops need a guard: the same wave planned again and again means the
    // cluster does not move the way the planner expects.
    const sig = JSON.stringify(w);
    repeats = sig === lastWave ? repeats + 1 : 0;
    lastWave = sig;
    if (repeats >= 3)
      throw new RunFailedError(
        `wave "${w.service} ${w.step}" planned ${repeats + 1} times without the cluster changing: ${w.why}`,
      );

    const n = index++;
    waves++;
    /** The wave's start and end in the journal (with its nodes; its markers once done). */
    const waveEvent = (event: "start" | "done" | "failed" | "stopped"): void => {
      emit({
        type: "wave",
        ts: clock.now(),
        wave: n,
        service: w.service,
        step: w.step,
        why: w.why,
        nodes: w.tracks.map((t) => t.node ?? "-"),
        event,
        ...(event === "done" ? { markers: w.markers } : {}),
      });
      deps.onWave?.(w, n, event);
    };
    logger.info(`wave ${n}: ${w.service} ${w.step}: ${w.why}`, { wave: n, service: w.service });
    waveEvent("start");

    const ctl: { halt: Halt } = { halt: "none" };
    let firstError: { track: Track; action: Action | undefined; error: unknown } | undefined;
    const haltAll = (h: Halt): void => {
      if (h === "hard" || ctl.halt === "none") ctl.halt = h;
    };
    const onStop = (): void => haltAll("soft");
    deps.stop?.addEventListener("abort", onStop);
    const results = await Promise.all(
      w.tracks.map(async (track, ti) => {
        const st: TrackState = {
          recreated: [],
          configs: [],
          reloaded: [],
          drained: [],
          rpcDrained: [],
          committed: false,
        };
        let current: Action | undefined;
        try {
          for (const [ai, a] of track.actions.entries()) {
            const reason = deps.failure?.();
            if (reason !== undefined) {
              haltAll("hard");
              throw new WatcherFailure(reason);
            }
            if (ctl.halt === "hard") return { st, outcome: "halted" as const };
            if (ctl.halt === "soft" && !st.committed) return { st, outcome: "halted" as const };
            current = a;
            const t0 = clock.now();
            actionEvent(n, ti, ai, a, "start", false);
            await act(a, st);
            actionEvent(n, ti, ai, a, "done", false, { ms: clock.now() - t0 });
          }
          return { st, outcome: "ok" as const };
        } catch (e: unknown) {
          // A wait the stop request cut before the track changed anything: halted, not failed.
          if (e instanceof StopRequested && !st.committed) {
            if (current)
              actionEvent(n, ti, track.actions.indexOf(current), current, "failed", false, {
                error: "stopped on request",
              });
            return { st, outcome: "halted" as const };
          }
          const error = e instanceof Error ? e.message : String(e);
          if (current)
            actionEvent(n, ti, track.actions.indexOf(current), current, "failed", false, { error });
          firstError ??= { track, action: current, error: e };
          // Siblings stop at a safe point; a watcher failure stops them at once.
          haltAll(e instanceof WatcherFailure ? "hard" : "soft");
          return { st, outcome: "failed" as const };
        }
      }),
    );
    deps.stop?.removeEventListener("abort", onStop);

    // Undo what failed or was cut short; a watcher failure undoes every track it interrupted.
    // What could not be made ready again is said by name, never "nothing left drained".
    const leftDrained: TrackState["drained"] = [];
    for (const [ti, r] of results.entries()) {
      const rollBack =
        r.outcome === "failed" ||
        (r.outcome === "halted" && ctl.halt === "hard") ||
        (r.outcome === "halted" && !r.st.committed);
      if (!rollBack) continue;
      const left = await undo(
        n,
        ti,
        r.st,
        r.outcome === "failed" || ctl.halt === "hard" ? deps.onFailure : "stop",
        w.tracks[ti]?.actions ?? [],
      );
      leftDrained.push(...left);
    }
    const drainedNote =
      leftDrained.length === 0
        ? "nothing left drained"
        : `LEFT DRAINED: ${leftDrained.map((d) => `${d.backend}/${d.server} on ${d.lbs.join(", ")}`).join("; ")} (set them ready by hand, or resume)`;
    if (leftDrained.length > 0) note(`the undo of wave ${n} left drained: ${drainedNote}`);

    const failed = results.some((r) => r.outcome === "failed");
    if (failed && firstError) {
      const fe = firstError;
      const reason = fe.error instanceof Error ? fe.error.message : String(fe.error);
      waveEvent("failed");
      const where = whereOf(fe.action, fe.track);
      const back =
        rolledBack.length > 0
          ? `; rolled back: ${rolledBack.map((x) => `${x.container}@${x.node}`).join(", ")}`
          : "";
      return end(
        "failed",
        `wave ${n} (${w.service} ${w.step}) failed${where.node ? ` on ${where.node}` : ""}${where.container ? `, ${where.container}` : ""}: ${reason}${back}${leftDrained.length > 0 ? `; ${drainedNote}` : ""}`,
        {
          wave: n,
          service: w.service,
          step: w.step,
          node: where.node,
          container: where.container,
          action: fe.action ? describeAction(fe.action) : undefined,
          reason,
        },
      );
    }
    if (ctl.halt !== "none") {
      waveEvent("stopped");
      const reason = deps.failure?.();
      if (reason !== undefined)
        return end("failed", `wave ${n} (${w.service} ${w.step}) stopped by a watcher: ${reason}`, {
          wave: n,
          service: w.service,
          step: w.step,
          node: w.tracks[0]?.node,
          container: undefined,
          action: undefined,
          reason,
        });
      return end(
        "interrupted",
        `stopped on request during wave ${n} (${w.service} ${w.step}); ${drainedNote}`,
      );
    }
    for (const m of w.markers) markers.add(m);
    waveEvent("done");
    // The state this wave left is a window the load must exercise before the next wave
    // changes it (`kroll run` holds it until every request kind reached every version there).
    if (deps.holdWindow) await deps.holdWindow(w, n, deps.stop);
  }

  // ---------------------------------------------------------------- one action

  async function act(a: Action, st: TrackState): Promise<void> {
    switch (a.kind) {
      case "pull":
        return ops.pull(a.node, a.image);
      case "waitIdle": {
        let busy: string[] = [];
        await poll(
          `${a.service} idle`,
          a.timeoutMs,
          async () => {
            busy = await ops.busy(a.service);
            return busy.length === 0;
          },
          cutBy(st),
        ).catch((e: unknown) => {
          if (e instanceof StopRequested) throw e;
          throw new RunFailedError(
            busy.length > 0
              ? `${a.service} still busy after ${a.timeoutMs / 1000} s: ${busy.join(", ")}`
              : e instanceof Error
                ? e.message
                : String(e),
          );
        });
        return;
      }
      case "oneShot": {
        // A schema migration cut half-way cannot be undone: on a stop request kroll stops
        // waiting and leaves it to finish on the node; a resume waits for it.
        const sig = cutBy(st);
        const r = await ops.oneShot(a, sig);
        if (r === "left-running") {
          note(
            `${a.what}: the ${a.mode} one-shot on ${a.node} was left running to its end (never cut); a resume waits for it`,
          );
          throw new StopRequested("stopped on request");
        }
        // What it said (a status check's results, what the migrations migrated) in the report.
        if (typeof r === "object") {
          const said = summarizeOneShot(r.output);
          if (said !== "") note(`${a.what} on ${a.node}: ${said}`);
        }
        return;
      }
      case "ringOut": {
        const took = await ops.ringOut(a);
        if (took !== undefined) {
          // Undone like a drain: a restart registers it in the ring again.
          st.rpcDrained.push({ node: a.node, container: a.container, stopGraceS: a.stopGraceS });
          logger.info(`${a.container} on ${a.node} out of its hash ring: ${took}`, {
            node: a.node,
          });
          return;
        }
        const text = `${a.container} on ${a.node}: no database could take it out of its hash ring; it stopped still in it, and a request routed to it meanwhile can have failed`;
        logger.warn(text, { node: a.node });
        note(text);
        return;
      }
      case "rpcDrain": {
        const took = await ops.rpcDrain(a);
        if (took !== undefined) {
          st.rpcDrained.push({ node: a.node, container: a.container, stopGraceS: a.stopGraceS });
          logger.info(
            `${a.container} on ${a.node} taken off the broker's shared queues: ${took.length > 0 ? took.join(", ") : "no consumer of it left there"}`,
            { node: a.node },
          );
          return;
        }
        // Not a failure: the server stops as it would have without kroll, and the report says
        // that calls reaching it meanwhile can be lost.
        const text = `${a.container} on ${a.node}: no broker could take it off ${a.queues.join(", ")}; it stopped still consuming, and a call sent to it while it stopped can have been lost`;
        logger.warn(text, { node: a.node });
        note(text);
        return;
      }
      case "drain":
        st.drained.push({ lbs: a.lbs, backend: a.backend, server: a.server });
        for (const lb of a.lbs) await ops.setServer(lb, a.backend, a.server, "drain");
        return;
      case "waitDrained": {
        // Sessions on the server at every loadbalancer; a loadbalancer whose stats do not list
        // the server has not said it is drained (counted as one open session).
        const sessions = async (): Promise<number> => {
          let sum = 0;
          for (const lb of a.lbs) {
            const mine = (await ops.serverStats(lb)).filter(
              (s) => s.backend === a.backend && s.server === a.server,
            );
            sum += mine.length === 0 ? 1 : mine.reduce((n, s) => n + s.sessions, 0);
          }
          return sum;
        };
        try {
          const idle = a.closeIdle;
          const t0 = clock.now();
          await poll(
            `${a.backend}/${a.server} drained`,
            a.timeoutMs,
            async () => {
              const open = await sessions();
              if (open > 0 && idle && clock.now() - t0 >= idle.afterMs)
                await ops.closeIdleDbSessions(idle.node, idle.container);
              return open === 0;
            },
            cutBy(st),
          );
        } catch (e: unknown) {
          // Stopped while draining: the undo makes the server ready again.
          if (e instanceof StopRequested) throw e;
          // Bounded: what is still open at the deadline is closed (and the load records it).
          logger.warn(
            `${a.backend}/${a.server} still has sessions after ${a.timeoutMs / 1000} s of drain; closing them`,
            { node: a.server },
          );
          for (const lb of a.lbs) await ops.shutdownSessions(lb, a.backend, a.server);
        }
        return;
      }
      case "setConfig": {
        const previous = await ops.setConfig(a);
        st.configs.push({ a, previous });
        return;
      }
      case "recreate":
        st.committed = true;
        st.recreated.push(a);
        // The old server goes with its consumers; restored, it starts and consumes afresh.
        removeRpcDrained(st, a.node, a.container);
        return ops.replace(a);
      case "restart":
        st.committed = true;
        return ops.restart(a.node, a.container, a.stopGraceS);
      case "reload":
        st.committed = true;
        st.reloaded.push(a);
        return ops.reload(a);
      case "waitHealthy":
        return waitHealthy(a.node, a.container, a.timeoutMs);
      case "waitBackendUp":
        await poll(`${a.backend}/${a.server} UP on ${a.lbs.join(", ")}`, a.timeoutMs, async () => {
          for (const lb of a.lbs) {
            const s = (await ops.serverStats(lb)).find(
              (x) => x.backend === a.backend && x.server === a.server,
            );
            if (s && !/^(UP|DRAIN)/.test(s.status)) return false;
          }
          return true;
        });
        return;
      case "ready": {
        // Every loadbalancer is tried, whatever one of them answers: one that fails is not a
        // reason to leave the later ones drained. Only those that failed stay on the list.
        const failedLbs: string[] = [];
        const errors: string[] = [];
        for (const lb of a.lbs)
          try {
            await ops.setServer(lb, a.backend, a.server, "ready");
          } catch (e: unknown) {
            failedLbs.push(lb);
            errors.push(`${lb}: ${e instanceof Error ? e.message : String(e)}`);
          }
        removeDrained(st, a.backend, a.server);
        if (failedLbs.length > 0) {
          st.drained.push({ lbs: failedLbs, backend: a.backend, server: a.server });
          throw new RunFailedError(
            `${a.backend}/${a.server} could not be made ready on ${failedLbs.join(", ")} (${errors.join("; ")})`,
          );
        }
        return;
      }
      case "waitMember": {
        let last = "";
        await poll(`${a.service} on ${a.node} ${a.what}`, a.timeoutMs, async () => {
          const r = await ops.memberBack(a);
          last = r.seen;
          return r.ok;
        }).catch(() => {
          throw new RunFailedError(
            `${a.service} on ${a.node} not ${a.what} within ${a.timeoutMs / 1000} s (${last || "no answer"})`,
          );
        });
        return;
      }
      case "retire": {
        await ops.retire(a.node, a.container);
        const i = st.recreated.findIndex((r) => r.node === a.node && r.container === a.container);
        if (i >= 0) st.recreated.splice(i, 1);
        return;
      }
      case "restore":
        await ops.restore(a.node, a.container);
        rolledBack.push({ node: a.node, container: a.container });
        return;
      case "moveVip":
        return ops.moveVip(a.from, a.to, a.vip);
      case "checkpoint": {
        const sig = cutBy(st);
        if (a.holdMs !== undefined) {
          logger.info(`checkpoint ${a.name}: holding ${a.holdMs / 1000} s`);
          await clock.sleep(a.holdMs, sig).catch(() => {
            throw new StopRequested("stopped on request");
          });
        }
        if (sig?.aborted) throw new StopRequested("stopped on request");
        if (a.until !== undefined) {
          if (deps.awaitCheckpoint) await deps.awaitCheckpoint(a.name, a.until, sig);
          else logger.info(`checkpoint ${a.name}: no load running, nothing to wait ${a.until} for`);
        }
        if (sig?.aborted) throw new StopRequested("stopped on request");
        return;
      }
    }
  }

  function waitHealthy(node: string, container: string, timeoutMs: number): Promise<void> {
    return waitUntilHealthy({
      node,
      container,
      inspect: () => ops.inspect(node, container),
      logTail: () => ops.logTail(node, container, 4),
      clock,
      timeoutMs,
      pollMs,
    });
  }

  /**
   * What cuts a wait of this track short: the stop request, while the track has changed
   * nothing that a wait must see through (after a container is replaced, its waits finish the step).
   */
  function cutBy(st: TrackState): AbortSignal | undefined {
    return st.committed ? undefined : deps.stop;
  }

  /**
   * Polls until the probe says yes; at the deadline the error names the last probe failure.
   * `signal` (a stop request) ends it early with StopRequested.
   */
  async function poll(
    what: string,
    timeoutMs: number,
    probe: () => Promise<boolean>,
    signal?: AbortSignal,
  ): Promise<void> {
    await pollUntil(clock, what, timeoutMs, probe, {
      intervalMs: pollMs,
      signal,
      tolerateErrors: true,
    }).catch((e: unknown) => {
      if (e instanceof PollAborted) throw new StopRequested("stopped on request");
      if (e instanceof TimeoutError)
        throw new RunFailedError(
          `timed out after ${timeoutMs / 1000} s waiting for ${e.operation}`,
        );
      throw e;
    });
  }

  // ---------------------------------------------------------------- undo

  /**
   * Puts a track back: config edits reverted, replaced containers restored (rollback) or left
   * as they are (stop), backends it drained made ready. Each step is journaled; a step that
   * fails is logged and the rest still run (cleanup never stops half-way).
   */
  async function undo(
    n: number,
    ti: number,
    st: TrackState,
    mode: "rollback" | "stop",
    actions: readonly Action[],
  ): Promise<TrackState["drained"]> {
    const steps: Action[] = [];
    // A server the track had made ready again (its new container in service) is drained again
    // before its container is put back: a database member stopped for the rollback would
    // otherwise cut the queries in flight on it (seen on a two-member Galera gate run).
    const redrained: Action[] = [];
    if (mode === "rollback" && st.recreated.length > 0)
      for (const a of actions) {
        if (a.kind !== "drain") continue;
        if (st.drained.some((d) => d.backend === a.backend && d.server === a.server)) continue;
        const wait = actions.find(
          (x) => x.kind === "waitDrained" && x.backend === a.backend && x.server === a.server,
        );
        steps.push(a, ...(wait ? [wait] : []));
        redrained.push(a);
      }
    if (mode === "rollback") {
      const reverted = new Set<SetConfigAction>();
      const revert = (node: string, container: string): void => {
        for (const c of st.configs
          .filter((x) => x.a.node === node && x.a.container === container)
          .reverse()) {
          steps.push({ ...c.a, value: c.previous });
          reverted.add(c.a);
        }
      };
      const healthy = (node: string, container: string): Action => ({
        kind: "waitHealthy",
        node,
        container,
        timeoutMs: desired.healthyTimeoutMs,
      });
      for (const r of [...st.recreated].reverse()) {
        revert(r.node, r.container);
        steps.push({ kind: "restore", node: r.node, container: r.container });
        steps.push(healthy(r.node, r.container));
      }
      // Reloaded in place: the old config back, and the process reads it again.
      for (const r of [...st.reloaded].reverse()) {
        revert(r.node, r.container);
        steps.push(r, healthy(r.node, r.container));
      }
      // Edits no process has read yet: the file as it was.
      for (const c of [...st.configs].reverse())
        if (!reverted.has(c.a)) steps.push({ ...c.a, value: c.previous });
    }
    for (const dr of st.drained) steps.push({ kind: "ready", ...dr });
    for (const a of redrained)
      if (a.kind === "drain")
        steps.push({ kind: "ready", lbs: a.lbs, backend: a.backend, server: a.server });
    // An RPC server taken off its shared queues but not replaced consumes again once restarted.
    for (const r of st.rpcDrained) steps.push({ kind: "restart", ...r });
    const scratch: TrackState = {
      recreated: [],
      configs: [],
      reloaded: [],
      drained: [...st.drained],
      rpcDrained: [],
      committed: true,
    };
    for (const [i, a] of steps.entries()) {
      actionEvent(n, ti, i, a, "start", true);
      try {
        await act(a, scratch);
        actionEvent(n, ti, i, a, "done", true);
      } catch (e: unknown) {
        const error = e instanceof Error ? e.message : String(e);
        logger.error(`rollback step failed: ${describeAction(a)}: ${error}`);
        actionEvent(n, ti, i, a, "failed", true, { error });
      }
    }
    // What the undo could not make ready (a loadbalancer that did not answer).
    return scratch.drained;
  }
}

function removeRpcDrained(st: TrackState, node: string, container: string): void {
  const i = st.rpcDrained.findIndex((r) => r.node === node && r.container === container);
  if (i >= 0) st.rpcDrained.splice(i, 1);
}

function removeDrained(st: TrackState, backend: string, server: string): void {
  const i = st.drained.findIndex((d) => d.backend === backend && d.server === server);
  if (i >= 0) st.drained.splice(i, 1);
}

/** Where a failure happened: the node and container the failing action acted on, else its track's node. */
export function whereOf(
  a: Action | undefined,
  track: Track,
): { node?: string; container?: string } {
  if (!a) return track.node !== undefined ? { node: track.node } : {};
  const node = "node" in a ? a.node : track.node;
  const container = "container" in a ? a.container : undefined;
  return {
    ...(node !== undefined ? { node } : {}),
    ...(container !== undefined ? { container } : {}),
  };
}
