/**
 * EFFECT. Small end-to-end operations against real Ironic and Heat APIs (noauth), used by
 * `kroll lab smoke` and the deploy checks: a fake-hardware node through enroll → manageable →
 * available → active, and a stack of in-engine resources to CREATE_COMPLETE.
 */
import type { Clock } from "../core/clock.js";
import { RunFailedError } from "../core/errors.js";
import { pollUntil } from "../core/poll.js";
import { heatTestTemplate } from "../services/heat/operations.js";
import { fetchText } from "../cluster/http.js";

export const IRONIC_HEADERS = { "X-OpenStack-Ironic-API-Version": "1.82" };

export interface HttpResult {
  readonly status: number;
  readonly json: unknown;
}

export async function http(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const res = await fetchText(
    url,
    {
      method,
      headers: { "Content-Type": "application/json", ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    },
    70_000,
  );
  const text = res.text;
  let json: unknown = text;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

/** Enrolls a fake-hardware node and provisions it to active; reports each state reached. */
export async function ironicNodeToActive(
  ironicUrl: string,
  clock: Clock,
  onState: (uuid: string, state: string) => void,
): Promise<string> {
  const created = await http(
    "POST",
    `${ironicUrl}/v1/nodes`,
    { name: `kroll-${clock.now()}`, driver: "fake-hardware" },
    IRONIC_HEADERS,
  );
  if (created.status !== 201)
    throw new RunFailedError(
      `ironic node create answered ${created.status}: ${JSON.stringify(created.json)}`,
    );
  const uuid = (created.json as { uuid: string }).uuid;
  onState(uuid, "enroll");
  for (const [target, want] of [
    ["manage", "manageable"],
    ["provide", "available"],
    ["active", "active"],
  ] as const) {
    const r = await http(
      "PUT",
      `${ironicUrl}/v1/nodes/${uuid}/states/provision`,
      { target },
      IRONIC_HEADERS,
    );
    if (r.status !== 202)
      throw new RunFailedError(
        `ironic provision ${target} answered ${r.status}: ${JSON.stringify(r.json)}`,
      );
    await pollUntil(clock, `node ${uuid} to reach ${want}`, 120_000, async () => {
      const n = (await http("GET", `${ironicUrl}/v1/nodes/${uuid}`, undefined, IRONIC_HEADERS))
        .json as { provision_state: string; last_error: string | null };
      if (/fail|error/.test(n.provision_state))
        throw new RunFailedError(
          `node ${uuid} went to ${n.provision_state}: ${n.last_error ?? ""}`,
        );
      return n.provision_state === want;
    });
    onState(uuid, want);
  }
  return uuid;
}

/** Creates a keystone-free stack (RandomString + TestResource) and waits for CREATE_COMPLETE. */
export async function heatStackToComplete(
  heatUrl: string,
  clock: Clock,
  onState: (id: string, state: string) => void,
): Promise<string> {
  const template = heatTestTemplate(2);
  const name = `kroll-${clock.now()}`;
  const sc = await http("POST", `${heatUrl}/v1/admin/stacks`, {
    stack_name: name,
    template,
    timeout_mins: 5,
  });
  if (sc.status !== 201)
    throw new RunFailedError(`heat stack create answered ${sc.status}: ${JSON.stringify(sc.json)}`);
  const id = (sc.json as { stack: { id: string } }).stack.id;
  onState(id, "accepted (201)");
  await pollUntil(clock, `stack ${id} to reach CREATE_COMPLETE`, 120_000, async () => {
    const st = (await http("GET", `${heatUrl}/v1/admin/stacks/${name}/${id}`)).json as {
      stack: { stack_status: string; stack_status_reason: string };
    };
    if (st.stack.stack_status.endsWith("FAILED"))
      throw new RunFailedError(
        `stack ${id} ${st.stack.stack_status}: ${st.stack.stack_status_reason}`,
      );
    return st.stack.stack_status === "CREATE_COMPLETE";
  });
  onState(id, "CREATE_COMPLETE");
  return id;
}
