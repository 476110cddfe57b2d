/**
 * EFFECT. Heat's API as kroll uses it, over the engines' `Send` (noauth: the `admin` tenant):
 * creating, reading, updating and deleting a stack, and waiting for its status.
 */
import { okJson } from "../../cluster/http-client.js";
import type { HttpOutcome } from "../../cluster/http-client.js";
import type { Clock } from "../../core/clock.js";
import { RunFailedError } from "../../core/errors.js";
import { pollUntil } from "../../core/poll.js";
import type { Observation, Send } from "../types.js";

export const STACKS_ROUTE = "/v1/{tenant}/stacks";
export const STACK_ROUTE = "/v1/{tenant}/stacks/{name}/{id}";
const TENANT = "admin";

export interface StackRef {
  readonly name: string;
  readonly id: string;
}

export interface StackView {
  readonly id: string;
  readonly stack_status: string;
  readonly stack_status_reason: string;
  readonly outputs?: readonly { output_key: string; output_value: unknown }[];
}

const stackPath = (s: StackRef): string => `/v1/${TENANT}/stacks/${s.name}/${s.id}`;

export const listStacks = (send: Send, due: number): Promise<HttpOutcome> =>
  send(STACKS_ROUTE, "GET", `/v1/${TENANT}/stacks`, { expect: [200], due });

export const getStack = (send: Send, s: StackRef, due?: number): Promise<HttpOutcome> =>
  send(STACK_ROUTE, "GET", stackPath(s), {
    expect: [200, 404],
    ...(due !== undefined ? { due } : {}),
  });

export const createStack = (
  send: Send,
  name: string,
  template: unknown,
  deadlineMs: number,
): Promise<HttpOutcome> =>
  send(STACKS_ROUTE, "POST", `/v1/${TENANT}/stacks`, {
    body: { stack_name: name, template, timeout_mins: Math.ceil(deadlineMs / 60_000) },
    expect: [201],
  });

export const updateStack = (
  send: Send,
  s: StackRef,
  parameters: Record<string, string>,
): Promise<HttpOutcome> =>
  send(STACK_ROUTE, "PATCH", stackPath(s), { body: { parameters }, expect: [202] });

export const deleteStack = (
  send: Send,
  s: StackRef,
  expect: readonly number[] = [204],
): Promise<HttpOutcome> => send(STACK_ROUTE, "DELETE", stackPath(s), { expect });

/** The new stack's id from a create's answer. */
export const createdId = (r: HttpOutcome): string | undefined =>
  okJson<{ stack: { id: string } }>(r)?.stack?.id;

/** What a stack looks like now: gone (404), its status, or unknown (an error answer). */
export async function observeStack(send: Send, s: StackRef): Promise<Observation | "unknown"> {
  const r = await getStack(send, s);
  if (r.status === 404) return { state: undefined };
  const st = okJson<{ stack: Partial<StackView> }>(r)?.stack;
  return typeof st?.stack_status === "string"
    ? { state: st.stack_status, reason: st.stack_status_reason ?? "" }
    : "unknown";
}

/** The stack (undefined: gone); throws on any other answer than 200 or 404. */
export async function readStack(send: Send, s: StackRef): Promise<StackView | undefined> {
  const r = await getStack(send, s);
  if (r.status === 404) return undefined;
  const v = r.status === 200 ? okJson<{ stack: StackView }>(r)?.stack : undefined;
  if (typeof v?.stack_status !== "string")
    throw new RunFailedError(`GET stack ${s.name}: ${r.error ?? `HTTP ${r.status ?? "-"}`}`);
  return v;
}

/**
 * Waits until the stack reaches `goal` (gone, or DELETE_COMPLETE, when `goal` is undefined);
 * throws on a *_FAILED status or at the deadline.
 */
export async function waitStack(
  send: Send,
  clock: Clock,
  s: StackRef,
  goal: string | undefined,
  deadlineMs: number,
  pollMs: number,
): Promise<StackView | undefined> {
  let last = "";
  let seen: StackView | undefined;
  await pollUntil(
    clock,
    () => `stack ${s.name} still ${last || "unknown"} (wanted ${goal ?? "gone"})`,
    deadlineMs,
    async () => {
      seen = await readStack(send, s);
      if (seen === undefined) return goal === undefined;
      last = `${seen.stack_status}${seen.stack_status_reason ? ` (${seen.stack_status_reason})` : ""}`;
      if (seen.stack_status === goal) return true;
      if (goal === undefined && seen.stack_status === "DELETE_COMPLETE") {
        seen = undefined;
        return true;
      }
      if (seen.stack_status.endsWith("_FAILED"))
        throw new RunFailedError(`stack ${s.name} went ${last} instead of ${goal ?? "gone"}`);
      return false;
    },
    pollMs,
  );
  return seen;
}
