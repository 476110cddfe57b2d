/** PURE. Ironic's asynchronous operations, judged from what its API shows. */
import type { Observation, Tracked, Verdict } from "../types.js";

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
