/**
 * EFFECT. Heat's kept resources and smoke proof. Kept: stacks in CREATE_COMPLETE whose output
 * is a random string made at creation; after the upgrade each must still be complete with the
 * same output, and the new engines must update it. Smoke: one test stack to CREATE_COMPLETE.
 */
import type { Clock } from "../../core/clock.js";
import { RunFailedError } from "../../core/errors.js";
import type { KeptSpec, Send } from "../types.js";
import { createdId, createStack, deleteStack, readStack, updateStack, waitStack } from "./api.js";
import type { StackView } from "./api.js";
import { heatKeptStackTemplate, heatTestTemplate } from "./operations.js";

const outputOf = (v: StackView | undefined): string =>
  JSON.stringify(v?.outputs?.find((o) => o.output_key === "secret")?.output_value ?? null);

const fail = (what: string, r: { error: string | undefined; status: number | undefined }) =>
  new RunFailedError(`${what}: ${r.error ?? `HTTP ${r.status ?? "-"}`}`);

export const HEAT_KEPT: KeptSpec = {
  api: "heat-api",
  count: 2,
  async create(kit, name, _sample, created) {
    const r = await createStack(kit.send, name, heatKeptStackTemplate, kit.deadlineMs);
    const id = createdId(r);
    if (r.status !== 201 || !id) throw fail(`create stack ${name}`, r);
    const v = await waitStack(
      kit.send,
      kit.clock,
      { name, id },
      "CREATE_COMPLETE",
      kit.deadlineMs,
      kit.pollMs,
    );
    created({ service: "heat", kind: "heat-stack", id, name, data: { output: outputOf(v) } });
  },
  async drift(kit, k) {
    const view = await readStack(kit.send, k);
    if (!view || view.stack_status !== "CREATE_COMPLETE") return undefined;
    const now = outputOf(view);
    return now === k.data.output
      ? undefined
      : `stack ${k.name} output changed: ${k.data.output ?? ""} → ${now}`;
  },
  async verify(kit, k, step) {
    let view: StackView | undefined;
    const present = await step("present", async () => {
      view = await readStack(kit.send, k);
      if (!view) throw new RunFailedError(`stack ${k.name} (${k.id}) is gone`);
      return `stack ${k.name} (${k.id}) is there`;
    });
    if (!present) return;
    await step("state", () => {
      if (view?.stack_status !== "CREATE_COMPLETE")
        throw new RunFailedError(
          `stack ${k.name} is ${view?.stack_status ?? "?"} (${view?.stack_status_reason ?? ""}), was CREATE_COMPLETE`,
        );
      return Promise.resolve(`stack ${k.name} still CREATE_COMPLETE`);
    });
    await step("data", () => {
      if (outputOf(view) !== k.data.output)
        throw new RunFailedError(`stack ${k.name} output changed`);
      return Promise.resolve(`stack ${k.name} output unchanged`);
    });
    await step("usable", async () => {
      const r = await updateStack(kit.send, k, { label: "v2" });
      if (r.status !== 202) throw fail(`update stack ${k.name}`, r);
      await waitStack(kit.send, kit.clock, k, "UPDATE_COMPLETE", kit.deadlineMs, kit.pollMs);
      return `stack ${k.name} updated by the new engines (UPDATE_COMPLETE)`;
    });
    await step("cleanup", async () => {
      const r = await deleteStack(kit.send, k, [204, 404]);
      if (r.errorClass !== undefined) throw fail(`delete stack ${k.name}`, r);
      await waitStack(kit.send, kit.clock, k, undefined, kit.deadlineMs, kit.pollMs);
      return `stack ${k.name} deleted`;
    });
  },
};

/** Creates a keystone-free test stack and waits for CREATE_COMPLETE, reporting each step. */
export async function heatSmoke(
  send: Send,
  clock: Clock,
  onState: (line: string) => void,
): Promise<void> {
  const name = `kroll-${clock.now()}`;
  const r = await createStack(send, name, heatTestTemplate(2), 5 * 60_000);
  const id = createdId(r);
  if (r.status !== 201 || !id)
    throw new RunFailedError(`heat stack create answered ${r.status ?? r.error ?? "-"}: ${r.body}`);
  onState(`heat stack ${id.slice(0, 8)} accepted (201)`);
  await waitStack(send, clock, { name, id }, "CREATE_COMPLETE", 120_000, 500);
  onState(`heat stack ${id.slice(0, 8)} → CREATE_COMPLETE`);
}
