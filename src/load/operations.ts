/**
 * PURE. Following an accepted asynchronous operation to its goal: a verdict from the latest
 * observation of the resource and the time. Every accepted operation ends as done, failed
 * (the API says so: a failed state, with the reason it gives) or stuck (still in flight at
 * its deadline); nothing is retried away.
 */

export type Verdict =
  | { readonly status: "pending" }
  | { readonly status: "done" }
  | { readonly status: "failed"; readonly state: string; readonly reason: string }
  | { readonly status: "stuck"; readonly state: string; readonly reason: string };

/** What the API showed last; `state` undefined means the resource is gone (404). */
export interface Observation {
  readonly state: string | undefined;
  /** Ironic's target_provision_state. */
  readonly target?: string | null;
  /** Ironic's last_error, Heat's stack_status_reason. */
  readonly reason?: string | null;
}

export interface Tracked {
  /** The state that means done; "gone" for deletes. */
  readonly goal: string;
  readonly acceptedAt: number;
  readonly deadline: number;
}

/** Ironic provision states that end an operation in failure (ironic/common/states.py). */
export const IRONIC_FAILED_STATES: readonly string[] = [
  "deploy failed",
  "clean failed",
  "inspect failed",
  "adopt failed",
  "rescue failed",
  "unrescue failed",
  "service failed",
  "error",
];

export function judgeIronic(op: Tracked, o: Observation, now: number): Verdict {
  if (op.goal === "gone") {
    if (o.state === undefined) return { status: "done" };
  } else if (o.state === op.goal && (o.target === null || o.target === undefined)) {
    return { status: "done" };
  }
  const state = o.state ?? "gone";
  if (o.state !== undefined && IRONIC_FAILED_STATES.includes(o.state))
    return { status: "failed", state, reason: o.reason ?? "" };
  // A verb that bounces back (manage → enroll, provide → manageable) with an error set and no
  // target left has failed, whatever state it landed in.
  if (o.state !== op.goal && (o.target === null || o.target === undefined) && o.reason)
    return { status: "failed", state, reason: o.reason };
  if (now > op.deadline)
    return {
      status: "stuck",
      state,
      reason: `still ${state}${o.target ? ` (target ${o.target})` : ""} ${Math.round((now - op.acceptedAt) / 1000)} s after it was accepted`,
    };
  return { status: "pending" };
}

export function judgeHeat(op: Tracked, o: Observation, now: number): Verdict {
  if (o.state === undefined)
    return op.goal === "gone" || op.goal === "DELETE_COMPLETE"
      ? { status: "done" }
      : { status: "failed", state: "gone", reason: "the stack disappeared" };
  if (o.state === op.goal) return { status: "done" };
  if (o.state.endsWith("_FAILED"))
    return { status: "failed", state: o.state, reason: o.reason ?? "" };
  if (now > op.deadline)
    return {
      status: "stuck",
      state: o.state,
      reason: `still ${o.state} ${Math.round((now - op.acceptedAt) / 1000)} s after it was accepted`,
    };
  return { status: "pending" };
}

/**
 * A stack that needs no other service (keystone-free): a random string fed into a test
 * resource that takes `waitSecs` to create, so the create stays in progress long enough to be
 * caught by an engine replacement.
 */
export const heatTestTemplate = (waitSecs: number) => ({
  heat_template_version: "2018-08-31",
  resources: {
    rand: { type: "OS::Heat::RandomString", properties: { length: 8 } },
    slow: {
      type: "OS::Heat::TestResource",
      properties: { value: { get_attr: ["rand", "value"] }, wait_secs: waitSecs },
    },
  },
});
