/**
 * EFFECT. Heat's load profile: stack list/show reads, and stacks (create → CREATE_COMPLETE →
 * delete → gone) kept in flight, each accepted step followed to its goal.
 */
import { z } from "zod";
import { Duration } from "../../core/duration.js";
import { defineLoad } from "../types.js";
import type { Patient } from "../types.js";
import { createdId, createStack, deleteStack, getStack, listStacks, observeStack } from "./api.js";
import type { StackRef } from "./api.js";
import { heatTestTemplate, judgeHeat } from "./operations.js";

export const HEAT_LOAD = defineLoad(
  "heat-api",
  {
    /** Stacks kept in flight. */
    stacks: z.number().int().min(0).max(64).default(2),
    /** OS::Heat::TestResource wait per resource, in seconds. */
    wait_secs: z.number().int().min(0).max(600).default(3),
    operation_deadline: Duration.prefault("5m"),
    /** A stack operation slower than this frees its slot (it is still followed to the deadline). */
    operation_patience: Duration.prefault("60s"),
  },
  async (p, kit) => {
    const known: StackRef[] = [];
    const reads = kit.reads(async (k, due) => {
      const s = known[k % Math.max(1, known.length)];
      if (k % 2 === 1 && s) await getStack(kit.send, s, due);
      else await listStacks(kit.send, due);
    });
    const template = heatTestTemplate(p.wait_secs);
    const lifecycle = async (slot: number, n: number, patient: Patient): Promise<void> => {
      const name = `kroll-load-${slot}-${kit.clock.now()}-${n}`;
      const created = await createStack(kit.send, name, template, p.operation_deadline);
      const id = createdId(created);
      if (!id) {
        await kit.clock.sleep(1_000);
        return;
      }
      const ref = { name, id };
      known.push(ref);
      const follow = (
        verb: string,
        goal: string,
        requestId: string | undefined,
      ): Promise<boolean> =>
        patient(
          kit.follow(
            { kind: "heat-stack", id, verb, goal, deadlineMs: p.operation_deadline, requestId },
            () => observeStack(kit.send, ref),
            judgeHeat,
          ),
        );
      if (await follow("create", "CREATE_COMPLETE", created.requestId)) {
        const d = await deleteStack(kit.send, ref);
        if (d.errorClass === undefined) await follow("delete", "DELETE_COMPLETE", d.requestId);
      }
      known.splice(known.indexOf(ref), 1);
    };
    await Promise.all([reads, kit.slots(p.stacks, p.operation_patience, lifecycle)]);
  },
);
