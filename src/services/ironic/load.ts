/**
 * EFFECT. Ironic's load profile: node list/show reads spread over microversions, and node
 * lifecycles (create → manage → provide → active → undeploy → delete) kept in flight, each
 * accepted step followed to its goal.
 */
import { z } from "zod";
import { okJson } from "../../cluster/http-client.js";
import { Duration } from "../../core/duration.js";
import { defineLoad } from "../types.js";
import type { Patient } from "../types.js";
import {
  createNode,
  deleteNode,
  MICROVERSION,
  mv,
  NODE_ROUTE,
  observeNode,
  provision,
} from "./api.js";
import { judgeIronic } from "./operations.js";

const Microversion = z
  .string()
  .regex(/^1\.\d{1,3}$/, { error: 'expected an API microversion such as "1.82"' });

export const IRONIC_LOAD = defineLoad(
  "ironic-api",
  {
    /** Reads are spread over these; the first is the newest (a pin answers 406 on it). */
    microversions: z.array(Microversion).min(1).default(["1.82", MICROVERSION]),
    /** Node lifecycles kept in flight. */
    lifecycles: z.number().int().min(0).max(64).default(2),
    operation_deadline: Duration.prefault("5m"),
    /** A node operation slower than this frees its slot (it is still followed to the deadline). */
    operation_patience: Duration.prefault("60s"),
  },
  async (p, kit) => {
    const newest = p.microversions[0] ?? MICROVERSION;
    const known: string[] = [];
    const reads = kit.reads(async (k, due) => {
      // Even reads list, odd ones show: the microversion turns every two reads, so each route
      // is read at every microversion (not the list always at the newest).
      const v = p.microversions[Math.floor(k / 2) % p.microversions.length] ?? newest;
      // A pinned API answers 406 above its release's microversion: expected, and counted.
      const expect = v === newest && p.microversions.length > 1 ? [200, 406] : [200];
      const id = known[k % Math.max(1, known.length)];
      if (k % 2 === 1 && id)
        await kit.send(NODE_ROUTE, "GET", `/v1/nodes/${id}`, {
          headers: mv(v),
          expect: [...expect, 404],
          due,
          microversion: v,
        });
      else
        await kit.send("/v1/nodes", "GET", "/v1/nodes?limit=20", {
          headers: mv(v),
          expect,
          due,
          microversion: v,
        });
    });
    const lifecycle = async (slot: number, n: number, patient: Patient): Promise<void> => {
      const created = await createNode(kit.send, `kroll-load-${slot}-${kit.clock.now()}-${n}`);
      const uuid = okJson<{ uuid: string }>(created)?.uuid;
      if (!uuid) {
        await kit.clock.sleep(1_000);
        return;
      }
      known.push(uuid);
      const follow = (
        verb: string,
        goal: string,
        requestId: string | undefined,
      ): Promise<boolean> =>
        patient(
          kit.follow(
            {
              kind: "ironic-node",
              id: uuid,
              verb,
              goal,
              deadlineMs: p.operation_deadline,
              requestId,
            },
            () => observeNode(kit.send, uuid),
            judgeIronic,
          ),
        );
      let ok = true;
      for (const [verb, goal] of [
        ["manage", "manageable"],
        ["provide", "available"],
        ["active", "active"],
        ["deleted", "available"],
      ] as const) {
        const r = await provision(kit.send, uuid, verb);
        if (r.errorClass !== undefined || !(await follow(verb, goal, r.requestId))) {
          ok = false;
          break;
        }
      }
      if (ok) {
        const d = await deleteNode(kit.send, uuid);
        if (d.errorClass === undefined) await follow("delete", "gone", d.requestId);
      }
      known.splice(known.indexOf(uuid), 1);
    };
    await Promise.all([reads, kit.slots(p.lifecycles, p.operation_patience, lifecycle)]);
  },
  // The newest of several microversions is the one above a pin.
  { pinnedRead: (p) => (p.microversions.length > 1 ? p.microversions[0] : undefined) },
);
