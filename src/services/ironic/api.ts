/**
 * EFFECT. Ironic's API as kroll uses it, over the engines' `Send`: one microversion for what
 * kroll does, reading a node, moving it through provision states and waiting for the result.
 */
import { okJson } from "../../cluster/http-client.js";
import type { HttpOutcome } from "../../cluster/http-client.js";
import type { Clock } from "../../core/clock.js";
import { RunFailedError } from "../../core/errors.js";
import { pollUntil } from "../../core/poll.js";
import type { Observation, Send } from "../types.js";

/**
 * The microversion of everything kroll does to nodes: the newest the previous release (zed)
 * answers, so an API pinned to it during the upgrade takes every request.
 */
export const MICROVERSION = "1.80";

/** The header that asks for `v`. */
export const mv = (v: string = MICROVERSION): Record<string, string> => ({
  "X-OpenStack-Ironic-API-Version": v,
});

export interface NodeView {
  readonly uuid: string;
  readonly provision_state: string;
  readonly target_provision_state: string | null;
  readonly last_error: string | null;
  readonly extra: Readonly<Record<string, string>>;
}

export const NODE_ROUTE = "/v1/nodes/{uuid}";
export const PROVISION_ROUTE = "/v1/nodes/{uuid}/states/provision";

export const getNode = (send: Send, uuid: string): Promise<HttpOutcome> =>
  send(NODE_ROUTE, "GET", `/v1/nodes/${uuid}`, { headers: mv(), expect: [200, 404] });

/** What a node looks like now: gone (404), its states, or unknown (an error answer). */
export async function observeNode(send: Send, uuid: string): Promise<Observation | "unknown"> {
  const r = await getNode(send, uuid);
  if (r.status === 404) return { state: undefined };
  const node = okJson<NodeView>(r);
  return node && typeof node.provision_state === "string"
    ? {
        state: node.provision_state,
        target: node.target_provision_state ?? null,
        reason: node.last_error ?? null,
      }
    : "unknown";
}

export const provision = (send: Send, uuid: string, target: string): Promise<HttpOutcome> =>
  send(PROVISION_ROUTE, "PUT", `/v1/nodes/${uuid}/states/provision`, {
    body: { target },
    headers: mv(),
    expect: [202],
    kind: `${PROVISION_ROUTE} ${target}`,
  });

export const createNode = (
  send: Send,
  name: string,
  extra?: Readonly<Record<string, string>>,
): Promise<HttpOutcome> =>
  send("/v1/nodes", "POST", "/v1/nodes", {
    body: { name, driver: "fake-hardware", ...(extra ? { extra } : {}) },
    headers: mv(),
    expect: [201],
  });

export const deleteNode = (
  send: Send,
  uuid: string,
  expect: readonly number[] = [204],
): Promise<HttpOutcome> =>
  send(NODE_ROUTE, "DELETE", `/v1/nodes/${uuid}`, { headers: mv(), expect });

/** The node (undefined: gone); throws on any other answer than 200 or 404. */
export async function readNode(send: Send, uuid: string): Promise<NodeView | undefined> {
  const r = await getNode(send, uuid);
  if (r.status === 404) return undefined;
  const n = r.status === 200 ? okJson<NodeView>(r) : undefined;
  if (typeof n?.provision_state !== "string")
    throw new RunFailedError(`GET node ${uuid}: ${r.error ?? `HTTP ${r.status ?? "-"}`}`);
  return n as NodeView;
}

/**
 * Waits until the node settles in `goal` (no target state left), or is gone when `goal` is
 * undefined; throws on a failed state or at the deadline.
 */
export async function waitNode(
  send: Send,
  clock: Clock,
  uuid: string,
  goal: string | undefined,
  deadlineMs: number,
  pollMs: number,
): Promise<NodeView | undefined> {
  let last = "";
  let seen: NodeView | undefined;
  await pollUntil(
    clock,
    () => `node ${uuid} still ${last || "unknown"} (wanted ${goal ?? "gone"})`,
    deadlineMs,
    async () => {
      seen = await readNode(send, uuid);
      if (seen === undefined) return goal === undefined;
      last = `${seen.provision_state}${seen.last_error ? ` (${seen.last_error})` : ""}`;
      if (seen.provision_state === goal && !seen.target_provision_state) return true;
      if (/fail|error/.test(seen.provision_state))
        throw new RunFailedError(`node ${uuid} went ${last} instead of ${goal ?? "gone"}`);
      return false;
    },
    pollMs,
  );
  return seen;
}

/** A provision-state change accepted (202) and taken to `goal`. */
export async function provisionTo(
  send: Send,
  clock: Clock,
  uuid: string,
  target: string,
  goal: string,
  deadlineMs: number,
  pollMs: number,
): Promise<void> {
  const r = await provision(send, uuid, target);
  if (r.status !== 202)
    throw new RunFailedError(`node ${uuid} ${target}: ${r.error ?? `HTTP ${r.status ?? "-"}`}`);
  await waitNode(send, clock, uuid, goal, deadlineMs, pollMs);
}
