/**
 * EFFECT. The load profiles' mechanism: open-loop reads at a rate, and the operations a pack's
 * profile starts, each accepted asynchronous step followed to its goal (done, failed with the
 * API's reason, or stuck at its deadline). Every request is recorded with its route template and
 * request id. What to send is the pack's (`load` in src/services/<service>/).
 */
import type { Clock } from "../core/clock.js";
import type { HttpProfile } from "../scenario/schema.js";
import { runOpenLoop } from "./generator.js";
import { httpRequest, keepAliveAgent } from "../cluster/http-client.js";
import type {
  FollowedOp,
  Judge,
  LoadKit,
  LoadSpec,
  Observation,
  Patient,
  ProfileBase,
  Send,
} from "../services/types.js";
import type { Recorder } from "./recorder.js";
import type { Schedule } from "./schedule.js";

export interface ProfileContext {
  readonly url: string;
  readonly clock: Clock;
  readonly recorder: Recorder;
  /** Stop starting new work (the load's drain begins). */
  readonly stop: AbortSignal;
  /** The drain is over: what is still in flight is stuck. */
  readonly hard: AbortSignal;
  readonly schedule: Schedule;
  readonly maxRequests: number;
  /** How often an operation's resource is polled. */
  readonly pollMs: number;
  readonly timeoutMs: number;
}

function sender(profile: string, ctx: ProfileContext, maxSockets: number): Send {
  const agent = keepAliveAgent(maxSockets);
  return async (route, method, path, o = {}) => {
    const due = o.due ?? ctx.clock.now();
    const r = await httpRequest({
      method,
      url: `${ctx.url}${path}`,
      timeoutMs: ctx.timeoutMs,
      agent,
      ...(o.body !== undefined
        ? { body: typeof o.body === "string" ? o.body : JSON.stringify(o.body) }
        : {}),
      ...(o.headers ? { headers: o.headers } : {}),
      ...(o.expect ? { expect: o.expect } : {}),
    });
    ctx.recorder.request(
      {
        profile,
        method,
        route: `${method} ${route}`,
        dueAt: due,
        finishedAt: ctx.clock.now(),
        status: r.status,
        errorClass: r.errorClass,
        error: r.error,
        requestId: r.requestId,
        ...(o.microversion ? { microversion: o.microversion } : {}),
      },
      o.kind === undefined ? undefined : `${method} ${o.kind}`,
    );
    return r;
  };
}

/** Polls until the verdict is no longer pending; records the operation. */
async function follow(
  ctx: ProfileContext,
  profile: string,
  service: string,
  followed: FollowedOp,
  observe: () => Promise<Observation | "unknown">,
  judge: Judge,
): Promise<boolean> {
  const { kind, id, verb, goal, deadlineMs, requestId } = followed;
  const acceptedAt = ctx.clock.now();
  const op = { goal, acceptedAt, deadline: acceptedAt + deadlineMs };
  ctx.recorder.operationStarted(acceptedAt);
  let last: Observation = { state: "unknown" };
  // An error the service showed while the operation was still pending, and later took back
  // (Ironic's power sync clears a node's last_error a minute on): said with a stuck operation,
  // as it may be the only word of why it never ended.
  let shown: string | undefined;
  const record = (status: "done" | "failed" | "stuck", state: string, why: string): void => {
    const reason =
      status === "stuck" && shown !== undefined && !why.includes(shown)
        ? `${why}; on the way it showed: ${shown}`
        : why;
    ctx.recorder.operation({
      profile,
      service,
      kind,
      id,
      verb,
      goal,
      acceptedAt,
      endedAt: ctx.clock.now(),
      status,
      state,
      reason,
      ...(requestId === undefined ? {} : { requestId }),
    });
  };
  for (;;) {
    await ctx.clock.sleep(ctx.pollMs, ctx.hard).catch(() => undefined);
    if (ctx.hard.aborted) {
      record(
        "stuck",
        last.state ?? "gone",
        `still ${last.state ?? "unknown"} when the load's drain ended, ${Math.round((ctx.clock.now() - acceptedAt) / 1000)} s after it was accepted`,
      );
      return false;
    }
    const o = await observe();
    if (o !== "unknown") last = o;
    const v =
      o === "unknown"
        ? ctx.clock.now() > op.deadline
          ? judge(op, last, ctx.clock.now())
          : { status: "pending" as const }
        : judge(op, o, ctx.clock.now());
    if (v.status === "pending") {
      if (o !== "unknown" && o.reason) shown = `${o.reason} (${o.state ?? "gone"})`;
      continue;
    }
    if (v.status === "done") record("done", goal, "");
    else record(v.status, v.state, v.reason);
    return v.status === "done";
  }
}

/**
 * A pack's profile: the pack says what to send and how to read the answers; this lends it the
 * recorded sender, the open loop at the profile's rate and the follower of operations.
 */
export async function runPackProfile(
  service: string,
  spec: LoadSpec,
  p: ProfileBase,
  ctx: ProfileContext,
): Promise<void> {
  const send = sender(p.name, ctx, p.concurrency);
  const kit: LoadKit = {
    clock: ctx.clock,
    stop: ctx.stop,
    send,
    reads: (read) => openLoop(ctx, p.concurrency, read),
    follow: (op, observe, judge) => follow(ctx, p.name, service, op, observe, judge),
    slots: (count, patienceMs, lifecycle) => runSlots(ctx, count, patienceMs, lifecycle),
  };
  await spec.run(p, kit);
}

/** `LoadKit.slots`: lifecycles kept going, a slow one left to finish by itself. */
export async function runSlots(
  ctx: Pick<ProfileContext, "clock" | "stop">,
  count: number,
  patienceMs: number,
  lifecycle: (slot: number, n: number, patient: Patient) => Promise<void>,
): Promise<void> {
  const behind = new Set<Promise<void>>();
  const errors: unknown[] = [];
  const slot = async (i: number): Promise<void> => {
    for (let n = 0; !ctx.stop.aborted; n++) {
      let release = (): void => undefined;
      const released = new Promise<"released">((r) => (release = () => r("released")));
      const patient: Patient = async (operation) => {
        const timer = new AbortController();
        void ctx.clock.sleep(patienceMs, timer.signal).then(release, () => undefined);
        try {
          return await operation;
        } finally {
          timer.abort();
        }
      };
      const run = lifecycle(i, n, patient);
      if ((await Promise.race([run.then(() => "done" as const), released])) === "done") continue;
      // Too slow: it goes on by itself (followed to its goal or deadline), the slot moves on.
      const left: Promise<void> = run
        .catch((e: unknown) => void errors.push(e))
        .finally(() => behind.delete(left));
      behind.add(left);
      while (behind.size > count && !ctx.stop.aborted) await Promise.race(behind);
    }
  };
  await Promise.all(Array.from({ length: count }, (_, i) => slot(i)));
  await Promise.all(behind);
  if (errors.length > 0) throw errors[0];
}

export async function runHttpProfile(p: HttpProfile, ctx: ProfileContext): Promise<void> {
  const send = sender(p.name, { ...ctx, url: "" }, p.concurrency);
  const path = new URL(p.url).pathname;
  await openLoop(ctx, p.concurrency, async (_k, due) => {
    await send(path, p.method, p.url, {
      ...(p.body !== undefined ? { body: p.body } : {}),
      headers: p.headers,
      expect: p.expect,
      due,
    });
  });
}

/** A profile's reads: the open loop at its schedule, `concurrency` in flight, until the stop. */
async function openLoop(
  ctx: ProfileContext,
  concurrency: number,
  send: (k: number, due: number) => Promise<void>,
): Promise<void> {
  await runOpenLoop({
    schedule: ctx.schedule,
    maxInFlight: concurrency,
    maxRequests: ctx.maxRequests,
    clock: ctx.clock,
    signal: ctx.stop,
    send,
  });
}
