/** PURE. Heat's asynchronous operations, judged from what its API shows, and its test stack. */
import type { Observation, Tracked, Verdict } from "../types.js";

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

/**
 * A stack kept across an upgrade (grenade-style): a label parameter an update changes, and a
 * random secret as an output that must read the same after the upgrade.
 */
export const heatKeptStackTemplate = {
  heat_template_version: "2018-08-31",
  parameters: { label: { type: "string", default: "v1" } },
  resources: {
    rand: { type: "OS::Heat::RandomString", properties: { length: 12 } },
    slow: {
      type: "OS::Heat::TestResource",
      properties: { value: { get_param: "label" }, wait_secs: 1 },
    },
  },
  outputs: { secret: { value: { get_attr: ["rand", "value"] } } },
};
