/**
 * EFFECT. Ironic's kept resources and smoke proof. Kept: fake-hardware nodes taken to `active`
 * with sample `extra` data before the upgrade; after it each must still be active with its data,
 * and the new conductors must undeploy it. Smoke: one node enrolled and taken to active.
 */
import { okJson } from "../../cluster/http-client.js";
import type { Clock } from "../../core/clock.js";
import { RunFailedError } from "../../core/errors.js";
import type { KeptSpec, Send } from "../types.js";
import { createNode, deleteNode, provisionTo, readNode, waitNode } from "./api.js";

export const IRONIC_KEPT: KeptSpec = {
  api: "ironic-api",
  count: 2,
  async create(kit, name, sample, created) {
    const data = { kroll: "kept across the upgrade", sample };
    const r = await createNode(kit.send, name, data);
    const id = okJson<{ uuid: string }>(r)?.uuid;
    if (r.status !== 201 || !id)
      throw new RunFailedError(`create node ${name}: ${r.error ?? `HTTP ${r.status ?? "-"}`}`);
    created({ service: "ironic", kind: "ironic-node", id, name, data });
    for (const [target, goal] of [
      ["manage", "manageable"],
      ["provide", "available"],
      ["active", "active"],
    ] as const)
      await provisionTo(kit.send, kit.clock, id, target, goal, kit.deadlineMs, kit.pollMs);
  },
  async drift(kit, k) {
    const view = await readNode(kit.send, k.id);
    if (!view) return undefined;
    const diff = Object.entries(k.data).filter(([key, v]) => view.extra[key] !== v);
    return diff.length === 0
      ? undefined
      : `node ${k.name} extra changed: ${diff.map(([key, v]) => `${key}: ${JSON.stringify(v)} → ${JSON.stringify(view.extra[key])}`).join(", ")}`;
  },
  async verify(kit, k, step) {
    let view: Awaited<ReturnType<typeof readNode>>;
    const present = await step("present", async () => {
      view = await readNode(kit.send, k.id);
      if (!view) throw new RunFailedError(`node ${k.name} (${k.id}) is gone`);
      return `node ${k.name} (${k.id}) is there`;
    });
    if (!present) return;
    await step("state", () => {
      if (view?.provision_state !== "active")
        throw new RunFailedError(
          `node ${k.name} is ${view?.provision_state ?? "?"}${view?.last_error ? ` (${view.last_error})` : ""}, was active`,
        );
      return Promise.resolve(`node ${k.name} still active`);
    });
    await step("data", () => {
      const diff = Object.entries(k.data).filter(([key, v]) => view?.extra[key] !== v);
      if (diff.length > 0)
        throw new RunFailedError(
          `node ${k.name} extra changed: ${diff.map(([key, v]) => `${key}: ${JSON.stringify(v)} → ${JSON.stringify(view?.extra[key])}`).join(", ")}`,
        );
      return Promise.resolve(`node ${k.name} extra unchanged`);
    });
    await step("usable", async () => {
      await provisionTo(
        kit.send,
        kit.clock,
        k.id,
        "deleted",
        "available",
        kit.deadlineMs,
        kit.pollMs,
      );
      return `node ${k.name} undeployed to available by the new conductors`;
    });
    await step("cleanup", async () => {
      const d = await deleteNode(kit.send, k.id, [204, 404]);
      if (d.errorClass !== undefined)
        throw new RunFailedError(`delete node ${k.name}: ${d.error ?? `HTTP ${d.status ?? "-"}`}`);
      await waitNode(kit.send, kit.clock, k.id, undefined, kit.deadlineMs, kit.pollMs);
      return `node ${k.name} deleted`;
    });
  },
};

/** Enrolls a fake-hardware node and provisions it to active, reporting each state reached. */
export async function ironicSmoke(
  send: Send,
  clock: Clock,
  onState: (line: string) => void,
): Promise<void> {
  const r = await createNode(send, `kroll-${clock.now()}`);
  const uuid = okJson<{ uuid: string }>(r)?.uuid;
  if (r.status !== 201 || !uuid)
    throw new RunFailedError(
      `ironic node create answered ${r.status ?? r.error ?? "-"}: ${r.body}`,
    );
  onState(`ironic node ${uuid.slice(0, 8)} enrolled`);
  for (const [target, goal] of [
    ["manage", "manageable"],
    ["provide", "available"],
    ["active", "active"],
  ] as const) {
    await provisionTo(send, clock, uuid, target, goal, 120_000, 500);
    onState(`ironic node ${uuid.slice(0, 8)} → ${goal}`);
  }
}
