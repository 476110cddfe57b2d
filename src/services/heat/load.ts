/**
 * EFFECT. Heat's load profile: stack list/show reads, and stacks (create → CREATE_COMPLETE →
 * delete → gone) kept in flight, each accepted step followed to its goal.
 */
import { z } from "zod";
import { Duration } from "../../core/duration.js";
import { defineLoad } from "../types.js";
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
  },
  async (p, kit) => {
    const known: StackRef[] = [];
    const reads = kit.reads(async (k, due) => {
      const s = known[k % Math.max(1, known.length)];
      if (k % 2 === 1 && s) await getStack(kit.send, s, due);
      else await listStacks(kit.send, due);
    });
    const template = heatTestTemplate(p.wait_secs);
    const lifecycle = async (slot: number): Promise<void> => {
      for (let n = 0; !kit.stop.aborted; n++) {
        const name = `kroll-load-${slot}-${kit.clock.now()}-${n}`;
        const id = createdId(await createStack(kit.send, name, template, p.operation_deadline));
        if (!id) {
          await kit.clock.sleep(1_000);
          continue;
        }
        const ref = { name, id };
        known.push(ref);
        const follow = (verb: string, goal: string): Promise<boolean> =>
          kit.follow(
            { kind: "heat-stack", id, verb, goal, deadlineMs: p.operation_deadline },
            () => observeStack(kit.send, ref),
            judgeHeat,
          );
        if (await follow("create", "CREATE_COMPLETE")) {
          const d = await deleteStack(kit.send, ref);
          if (d.errorClass === undefined) await follow("delete", "DELETE_COMPLETE");
        }
        known.splice(known.indexOf(ref), 1);
      }
    };
    await Promise.all([reads, ...Array.from({ length: p.stacks }, (_, i) => lifecycle(i))]);
  },
);
