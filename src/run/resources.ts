/**
 * EFFECT. Grenade-style resources: created on the stable cluster before the upgrade, checked
 * after it — still there, still in their state, their data unchanged, still usable (a node can
 * be undeployed, a stack updated) — then removed. They catch what a load of short-lived objects
 * cannot: rows migrated under long-lived objects, and objects the new code cannot act on.
 */
import { heatKeptStackTemplate as TEMPLATE } from "../services/heat/operations.js";
import type { Clock } from "../core/clock.js";
import { httpRequest } from "../load/http-client.js";
import type { HttpOutcome } from "../load/http-client.js";

export interface KeptNode {
  readonly kind: "ironic-node";
  readonly id: string;
  readonly name: string;
  /** Sample data written at creation and compared afterwards. */
  readonly extra: Readonly<Record<string, string>>;
}

export interface KeptStack {
  readonly kind: "heat-stack";
  readonly id: string;
  readonly name: string;
  /** The stack's output at creation (a random string it generated): must be unchanged. */
  readonly output: string;
}

export type KeptResource = KeptNode | KeptStack;

export interface ResourceCheck {
  readonly kind: KeptResource["kind"];
  readonly id: string;
  readonly name: string;
  /** present, state, data, usable, cleanup */
  readonly check: string;
  readonly ok: boolean;
  readonly message: string;
}

export interface ResourceDeps {
  readonly ironicUrl: string | undefined;
  readonly heatUrl: string | undefined;
  readonly clock: Clock;
  /** Per resource and step. */
  readonly deadlineMs: number;
  readonly pollMs?: number;
}

const MV = { "X-OpenStack-Ironic-API-Version": "1.80" };

async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<HttpOutcome> {
  return httpRequest({
    method,
    url: `${base}${path}`,
    timeoutMs: 70_000,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    ...(headers ? { headers } : {}),
    expect: [200, 201, 202, 204, 404],
  });
}

const parse = <T>(r: HttpOutcome): T | undefined => {
  try {
    return JSON.parse(r.body) as T;
  } catch {
    return undefined;
  }
};

class ResourceError extends Error {}

function must(r: HttpOutcome, what: string, ok: number[]): HttpOutcome {
  if (r.status === undefined || !ok.includes(r.status))
    throw new ResourceError(`${what}: ${r.error ?? `HTTP ${r.status ?? "-"}`}`);
  return r;
}

interface NodeView {
  uuid: string;
  provision_state: string;
  target_provision_state: string | null;
  last_error: string | null;
  extra: Record<string, string>;
}

async function nodeView(d: ResourceDeps, id: string): Promise<NodeView | undefined> {
  const r = await call(d.ironicUrl ?? "", "GET", `/v1/nodes/${id}`, undefined, MV);
  if (r.status === 404) return undefined;
  return parse<NodeView>(must(r, `GET node ${id}`, [200]));
}

async function waitNode(d: ResourceDeps, id: string, goal: string | undefined): Promise<void> {
  const end = d.clock.now() + d.deadlineMs;
  let last = "";
  for (;;) {
    const n = await nodeView(d, id);
    if (goal === undefined && n === undefined) return;
    if (n) {
      last = `${n.provision_state}${n.last_error ? ` (${n.last_error})` : ""}`;
      if (n.provision_state === goal && !n.target_provision_state) return;
      if (/fail|error/.test(n.provision_state))
        throw new ResourceError(`node ${id} went ${last} instead of ${goal ?? "gone"}`);
    }
    if (d.clock.now() > end)
      throw new ResourceError(
        `node ${id} still ${last || "unknown"} after ${d.deadlineMs / 1000} s (wanted ${goal ?? "gone"})`,
      );
    await d.clock.sleep(d.pollMs ?? 1_000);
  }
}

async function provision(d: ResourceDeps, id: string, target: string, goal: string): Promise<void> {
  must(
    await call(d.ironicUrl ?? "", "PUT", `/v1/nodes/${id}/states/provision`, { target }, MV),
    `node ${id} ${target}`,
    [202],
  );
  await waitNode(d, id, goal);
}

interface StackView {
  id: string;
  stack_status: string;
  stack_status_reason: string;
  outputs?: { output_key: string; output_value: unknown }[];
}

async function stackView(d: ResourceDeps, s: { name: string; id: string }) {
  const r = await call(d.heatUrl ?? "", "GET", `/v1/admin/stacks/${s.name}/${s.id}`);
  if (r.status === 404) return undefined;
  return parse<{ stack: StackView }>(must(r, `GET stack ${s.name}`, [200]))?.stack;
}

async function waitStack(
  d: ResourceDeps,
  s: { name: string; id: string },
  goal: string | undefined,
): Promise<StackView | undefined> {
  const end = d.clock.now() + d.deadlineMs;
  let last = "";
  for (;;) {
    const v = await stackView(d, s);
    if (v === undefined && goal === undefined) return undefined;
    if (v) {
      last = `${v.stack_status}${v.stack_status_reason ? ` (${v.stack_status_reason})` : ""}`;
      if (v.stack_status === goal) return v;
      if (goal === undefined && v.stack_status === "DELETE_COMPLETE") return undefined;
      if (v.stack_status.endsWith("_FAILED"))
        throw new ResourceError(`stack ${s.name} went ${last} instead of ${goal ?? "gone"}`);
    }
    if (d.clock.now() > end)
      throw new ResourceError(
        `stack ${s.name} still ${last || "unknown"} after ${d.deadlineMs / 1000} s (wanted ${goal ?? "gone"})`,
      );
    await d.clock.sleep(d.pollMs ?? 1_000);
  }
}

const outputOf = (v: StackView | undefined): string =>
  JSON.stringify(v?.outputs?.find((o) => o.output_key === "secret")?.output_value ?? null);

/**
 * Creates `nodes` Ironic nodes taken to `active` and `stacks` Heat stacks in CREATE_COMPLETE.
 * Throws with what went wrong; what was created before the error is in `created`.
 */
export async function createResources(
  d: ResourceDeps,
  want: { nodes: number; stacks: number; tag: string },
  created: KeptResource[],
): Promise<void> {
  const jobs: Promise<void>[] = [];
  for (let i = 0; d.ironicUrl && i < want.nodes; i++)
    jobs.push(
      (async () => {
        const name = `kroll-keep-${want.tag}-n${i}`;
        const extra = { kroll: "kept across the upgrade", sample: `${want.tag}-${i}` };
        const r = must(
          await call(
            d.ironicUrl ?? "",
            "POST",
            "/v1/nodes",
            { name, driver: "fake-hardware", extra },
            MV,
          ),
          `create node ${name}`,
          [201],
        );
        const id = parse<{ uuid: string }>(r)?.uuid ?? "";
        created.push({ kind: "ironic-node", id, name, extra });
        await provision(d, id, "manage", "manageable");
        await provision(d, id, "provide", "available");
        await provision(d, id, "active", "active");
      })(),
    );
  for (let i = 0; d.heatUrl && i < want.stacks; i++)
    jobs.push(
      (async () => {
        const name = `kroll-keep-${want.tag}-s${i}`;
        const r = must(
          await call(d.heatUrl ?? "", "POST", "/v1/admin/stacks", {
            stack_name: name,
            template: TEMPLATE,
            timeout_mins: Math.ceil(d.deadlineMs / 60_000),
          }),
          `create stack ${name}`,
          [201],
        );
        const id = parse<{ stack: { id: string } }>(r)?.stack.id ?? "";
        const v = await waitStack(d, { name, id }, "CREATE_COMPLETE");
        created.push({ kind: "heat-stack", id, name, output: outputOf(v) });
      })(),
    );
  const results = await Promise.allSettled(jobs);
  const bad = results.find((x) => x.status === "rejected");
  if (bad) throw bad.reason;
}

/**
 * Checks each resource created before the upgrade: present, in its state, its data unchanged,
 * still usable (node undeployed to `available`; stack updated to UPDATE_COMPLETE), then
 * removes it. Never throws: every outcome is a check.
 */
export async function verifyResources(
  d: ResourceDeps,
  kept: readonly KeptResource[],
): Promise<ResourceCheck[]> {
  const all = await Promise.all(kept.map((k) => verifyOne(d, k)));
  return all.flat();
}

async function verifyOne(d: ResourceDeps, k: KeptResource): Promise<ResourceCheck[]> {
  const out: ResourceCheck[] = [];
  const add = (check: string, ok: boolean, message: string): boolean => {
    out.push({ kind: k.kind, id: k.id, name: k.name, check, ok, message });
    return ok;
  };
  const step = async (check: string, fn: () => Promise<string>): Promise<boolean> => {
    try {
      return add(check, true, await fn());
    } catch (e) {
      return add(check, false, e instanceof Error ? e.message : String(e));
    }
  };
  if (k.kind === "ironic-node") {
    let view: NodeView | undefined;
    if (
      !(await step("present", async () => {
        view = await nodeView(d, k.id);
        if (!view) throw new ResourceError(`node ${k.name} (${k.id}) is gone`);
        return `node ${k.name} (${k.id}) is there`;
      }))
    )
      return out;
    await step("state", () => {
      if (view?.provision_state !== "active")
        throw new ResourceError(
          `node ${k.name} is ${view?.provision_state ?? "?"}${view?.last_error ? ` (${view.last_error})` : ""}, was active`,
        );
      return Promise.resolve(`node ${k.name} still active`);
    });
    await step("data", () => {
      const diff = Object.entries(k.extra).filter(([key, v]) => view?.extra[key] !== v);
      if (diff.length > 0)
        throw new ResourceError(
          `node ${k.name} extra changed: ${diff.map(([key, v]) => `${key}: ${JSON.stringify(v)} → ${JSON.stringify(view?.extra[key])}`).join(", ")}`,
        );
      return Promise.resolve(`node ${k.name} extra unchanged`);
    });
    await step("usable", async () => {
      await provision(d, k.id, "deleted", "available");
      return `node ${k.name} undeployed to available by the new conductors`;
    });
    await step("cleanup", async () => {
      must(
        await call(d.ironicUrl ?? "", "DELETE", `/v1/nodes/${k.id}`, undefined, MV),
        `delete node ${k.name}`,
        [204, 404],
      );
      await waitNode(d, k.id, undefined);
      return `node ${k.name} deleted`;
    });
    return out;
  }
  let view: StackView | undefined;
  if (
    !(await step("present", async () => {
      view = await stackView(d, k);
      if (!view) throw new ResourceError(`stack ${k.name} (${k.id}) is gone`);
      return `stack ${k.name} (${k.id}) is there`;
    }))
  )
    return out;
  await step("state", () => {
    if (view?.stack_status !== "CREATE_COMPLETE")
      throw new ResourceError(
        `stack ${k.name} is ${view?.stack_status ?? "?"} (${view?.stack_status_reason ?? ""}), was CREATE_COMPLETE`,
      );
    return Promise.resolve(`stack ${k.name} still CREATE_COMPLETE`);
  });
  await step("data", () => {
    if (outputOf(view) !== k.output) throw new ResourceError(`stack ${k.name} output changed`);
    return Promise.resolve(`stack ${k.name} output unchanged`);
  });
  await step("usable", async () => {
    must(
      await call(d.heatUrl ?? "", "PATCH", `/v1/admin/stacks/${k.name}/${k.id}`, {
        parameters: { label: "v2" },
      }),
      `update stack ${k.name}`,
      [202],
    );
    await waitStack(d, k, "UPDATE_COMPLETE");
    return `stack ${k.name} updated by the new engines (UPDATE_COMPLETE)`;
  });
  await step("cleanup", async () => {
    must(
      await call(d.heatUrl ?? "", "DELETE", `/v1/admin/stacks/${k.name}/${k.id}`),
      `delete stack ${k.name}`,
      [204, 404],
    );
    await waitStack(d, k, undefined);
    return `stack ${k.name} deleted`;
  });
  return out;
}
