/**
 * EFFECT. The load profiles: open-loop reads at a rate, plus lifecycles kept in flight, each
 * accepted asynchronous step followed to its goal (done, failed with the API's reason, or stuck
 * at its deadline). Every request is recorded with its route template and request id.
 */
import type { Clock } from "../core/clock.js";
import type { HeatProfile, HttpProfile, IronicProfile } from "../scenario/schema.js";
import { runOpenLoop } from "./generator.js";
import { httpRequest, keepAliveAgent } from "./http-client.js";
import type { HttpOutcome } from "./http-client.js";
import { heatTestTemplate, judgeHeat } from "../services/heat/operations.js";
import { judgeIronic } from "../services/ironic/operations.js";
import type { Observation, Verdict } from "../services/types.js";
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

type Send = (
  route: string,
  method: string,
  path: string,
  opts?: {
    body?: unknown;
    headers?: Record<string, string>;
    expect?: number[];
    due?: number;
    microversion?: string;
  },
) => Promise<HttpOutcome>;

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
    ctx.recorder.request({
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
    });
    return r;
  };
}

/**
 * The body of a 2xx answer, parsed; undefined for anything else. An API answering 500 or 503
 * through HAProxy mid-upgrade still sends JSON (an error document): it must never be read as the
 * resource (a node without provision_state would look deleted, a stack without `stack` crashed
 * the run).
 */
const json = <T>(r: HttpOutcome): Partial<T> | undefined => {
  if (r.status === undefined || r.status < 200 || r.status > 299) return undefined;
  try {
    const v: unknown = JSON.parse(r.body);
    return typeof v === "object" && v !== null ? v : undefined;
  } catch {
    return undefined;
  }
};

/** Polls until the verdict is no longer pending; records the operation. */
async function follow(
  ctx: ProfileContext,
  profile: string,
  kind: "ironic-node" | "heat-stack",
  id: string,
  verb: string,
  goal: string,
  deadlineMs: number,
  observe: () => Promise<Observation | "unknown">,
  judge: (
    op: { goal: string; acceptedAt: number; deadline: number },
    o: Observation,
    now: number,
  ) => Verdict,
): Promise<boolean> {
  const acceptedAt = ctx.clock.now();
  const op = { goal, acceptedAt, deadline: acceptedAt + deadlineMs };
  ctx.recorder.operationStarted();
  let last: Observation = { state: "unknown" };
  const record = (status: "done" | "failed" | "stuck", state: string, reason: string): void =>
    ctx.recorder.operation({
      profile,
      kind,
      id,
      verb,
      goal,
      acceptedAt,
      endedAt: ctx.clock.now(),
      status,
      state,
      reason,
    });
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
    if (v.status === "pending") continue;
    if (v.status === "done") record("done", goal, "");
    else record(v.status, v.state, v.reason);
    return v.status === "done";
  }
}

export async function runIronicProfile(p: IronicProfile, ctx: ProfileContext): Promise<void> {
  const send = sender(p.name, ctx, p.concurrency);
  const newest = p.microversions[0] ?? "1.80";
  const mv = (v: string) => ({ "X-OpenStack-Ironic-API-Version": v });
  const known: string[] = [];
  const reads = runOpenLoop({
    schedule: ctx.schedule,
    maxInFlight: p.concurrency,
    maxRequests: ctx.maxRequests,
    clock: ctx.clock,
    signal: ctx.stop,
    send: async (k, due) => {
      const v = p.microversions[k % p.microversions.length] ?? newest;
      // A pinned API answers 406 above its release's microversion: expected, and counted.
      const expect = v === newest && p.microversions.length > 1 ? [200, 406] : [200];
      const id = known[k % Math.max(1, known.length)];
      if (k % 2 === 1 && id)
        await send("/v1/nodes/{uuid}", "GET", `/v1/nodes/${id}`, {
          headers: mv(v),
          expect: [...expect, 404],
          due,
          microversion: v,
        });
      else
        await send("/v1/nodes", "GET", "/v1/nodes?limit=20", {
          headers: mv(v),
          expect,
          due,
          microversion: v,
        });
    },
  });
  const lifecycle = async (slot: number): Promise<void> => {
    for (let n = 0; !ctx.stop.aborted; n++) {
      const created = await send("/v1/nodes", "POST", "/v1/nodes", {
        body: { name: `kroll-load-${slot}-${ctx.clock.now()}-${n}`, driver: "fake-hardware" },
        headers: mv("1.80"),
        expect: [201],
      });
      const uuid = json<{ uuid?: string }>(created)?.uuid;
      if (!uuid) {
        await ctx.clock.sleep(1_000);
        continue;
      }
      known.push(uuid);
      const observe = async (): Promise<Observation | "unknown"> => {
        const r = await send("/v1/nodes/{uuid}", "GET", `/v1/nodes/${uuid}`, {
          headers: mv("1.80"),
          expect: [200, 404],
        });
        if (r.status === 404) return { state: undefined };
        const node = json<{
          provision_state: string;
          target_provision_state: string | null;
          last_error: string | null;
        }>(r);
        return node && typeof node.provision_state === "string"
          ? {
              state: node.provision_state,
              target: node.target_provision_state ?? null,
              reason: node.last_error ?? null,
            }
          : "unknown";
      };
      let ok = true;
      for (const [verb, goal] of [
        ["manage", "manageable"],
        ["provide", "available"],
        ["active", "active"],
        ["deleted", "available"],
      ] as const) {
        const r = await send(
          "/v1/nodes/{uuid}/states/provision",
          "PUT",
          `/v1/nodes/${uuid}/states/provision`,
          {
            body: { target: verb },
            headers: mv("1.80"),
            expect: [202],
          },
        );
        if (r.errorClass !== undefined) {
          ok = false;
          break;
        }
        if (
          !(await follow(
            ctx,
            p.name,
            "ironic-node",
            uuid,
            verb,
            goal,
            p.operation_deadline,
            observe,
            judgeIronic,
          ))
        ) {
          ok = false;
          break;
        }
      }
      if (ok) {
        const d = await send("/v1/nodes/{uuid}", "DELETE", `/v1/nodes/${uuid}`, {
          headers: mv("1.80"),
          expect: [204],
        });
        if (d.errorClass === undefined)
          await follow(
            ctx,
            p.name,
            "ironic-node",
            uuid,
            "delete",
            "gone",
            p.operation_deadline,
            observe,
            judgeIronic,
          );
      }
      known.splice(known.indexOf(uuid), 1);
    }
  };
  await Promise.all([reads, ...Array.from({ length: p.lifecycles }, (_, i) => lifecycle(i))]);
}

export async function runHeatProfile(p: HeatProfile, ctx: ProfileContext): Promise<void> {
  const send = sender(p.name, ctx, p.concurrency);
  const known: { name: string; id: string }[] = [];
  const reads = runOpenLoop({
    schedule: ctx.schedule,
    maxInFlight: p.concurrency,
    maxRequests: ctx.maxRequests,
    clock: ctx.clock,
    signal: ctx.stop,
    send: async (k, due) => {
      const s = known[k % Math.max(1, known.length)];
      if (k % 2 === 1 && s)
        await send("/v1/{tenant}/stacks/{name}/{id}", "GET", `/v1/admin/stacks/${s.name}/${s.id}`, {
          expect: [200, 404],
          due,
        });
      else await send("/v1/{tenant}/stacks", "GET", "/v1/admin/stacks", { expect: [200], due });
    },
  });
  const template = heatTestTemplate(p.wait_secs);
  const lifecycle = async (slot: number): Promise<void> => {
    for (let n = 0; !ctx.stop.aborted; n++) {
      const name = `kroll-load-${slot}-${ctx.clock.now()}-${n}`;
      const created = await send("/v1/{tenant}/stacks", "POST", "/v1/admin/stacks", {
        body: {
          stack_name: name,
          template,
          timeout_mins: Math.ceil(p.operation_deadline / 60_000),
        },
        expect: [201],
      });
      const id = json<{ stack?: { id: string } }>(created)?.stack?.id;
      if (!id) {
        await ctx.clock.sleep(1_000);
        continue;
      }
      known.push({ name, id });
      const observe = async (): Promise<Observation | "unknown"> => {
        const r = await send(
          "/v1/{tenant}/stacks/{name}/{id}",
          "GET",
          `/v1/admin/stacks/${name}/${id}`,
          { expect: [200, 404] },
        );
        if (r.status === 404) return { state: undefined };
        const st = json<{ stack: { stack_status?: string; stack_status_reason?: string } }>(
          r,
        )?.stack;
        return typeof st?.stack_status === "string"
          ? { state: st.stack_status, reason: st.stack_status_reason ?? "" }
          : "unknown";
      };
      const done = await follow(
        ctx,
        p.name,
        "heat-stack",
        id,
        "create",
        "CREATE_COMPLETE",
        p.operation_deadline,
        observe,
        judgeHeat,
      );
      if (done) {
        const d = await send(
          "/v1/{tenant}/stacks/{name}/{id}",
          "DELETE",
          `/v1/admin/stacks/${name}/${id}`,
          { expect: [204] },
        );
        if (d.errorClass === undefined)
          await follow(
            ctx,
            p.name,
            "heat-stack",
            id,
            "delete",
            "DELETE_COMPLETE",
            p.operation_deadline,
            observe,
            judgeHeat,
          );
      }
      known.splice(
        known.findIndex((x) => x.id === id),
        1,
      );
    }
  };
  await Promise.all([reads, ...Array.from({ length: p.stacks }, (_, i) => lifecycle(i))]);
}

export async function runHttpProfile(p: HttpProfile, ctx: ProfileContext): Promise<void> {
  const send = sender(p.name, { ...ctx, url: "" }, p.concurrency);
  const path = new URL(p.url).pathname;
  await runOpenLoop({
    schedule: ctx.schedule,
    maxInFlight: p.concurrency,
    maxRequests: ctx.maxRequests,
    clock: ctx.clock,
    signal: ctx.stop,
    send: async (_k, due) => {
      await send(path, p.method, p.url, {
        ...(p.body !== undefined ? { body: p.body } : {}),
        headers: p.headers,
        expect: p.expect,
        due,
      });
    },
  });
}
