/**
 * EFFECT. Ironic's chores on a live cluster: taking a conductor out of the hash ring kept in
 * its database, and the nodes in a `*wait*` provision state.
 */
import { okJson } from "../../cluster/http-client.js";
import { RunFailedError } from "../../core/errors.js";
import type { Clock } from "../../core/clock.js";
import type { Logger } from "../../core/logger.js";
import type { IdleCheck, RingOutRequest } from "../types.js";
import { mv } from "./api.js";

type Database = RingOutRequest["databases"][number];

/**
 * Takes a conductor out of the ring at the first database that answers (its hardware
 * interfaces unregistered: the APIs' ring no longer maps a node to it) and waits until it holds
 * no node lock. What it saw, or undefined when no database could take it out (no root
 * password, or a host name that cannot go into SQL text).
 */
export async function ringOut(
  a: RingOutRequest,
  deps: {
    readonly sql: ((db: Database, text: string) => Promise<string>) | undefined;
    readonly logger: Logger;
    readonly clock: Clock;
  },
): Promise<string | undefined> {
  const log = deps.logger.child({ node: a.node });
  const run = deps.sql;
  // The host goes into SQL text: only what a host name or an address can hold.
  if (run === undefined || !/^[0-9A-Za-z.:_-]+$/.test(a.host)) return undefined;
  let db: Database | undefined;
  let removed = 0;
  for (const m of a.databases) {
    const out = await run(
      m,
      // A multi-table DELETE with aliases wants a default database (error 1046 without).
      "USE ironic; DELETE h FROM conductor_hardware_interfaces h JOIN conductors c " +
        `ON c.id = h.conductor_id WHERE c.hostname = '${a.host}'; SELECT ROW_COUNT();`,
    ).catch((e: unknown) => {
      log.debug(`ring out on ${m.node}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    });
    if (out === undefined) continue;
    db = m;
    removed = Number(out.trim().split("\n").pop() ?? 0);
    break;
  }
  if (db === undefined) return undefined;
  const clock = deps.clock;
  const t0 = clock.now();
  await clock.sleep(a.settleMs);
  let held = -1;
  while (clock.now() - t0 < a.timeoutMs) {
    const out = await run(
      db,
      `SELECT COUNT(*) FROM ironic.nodes WHERE reservation = '${a.host}';`,
    ).catch(() => undefined);
    held = out === undefined ? -1 : Number(out.trim());
    if (held === 0) break;
    await clock.sleep(500);
  }
  const s = ((clock.now() - t0) / 1000).toFixed(1);
  const what = `${removed} hardware type(s) unregistered at ${db.node}`;
  if (held === 0) return `${what}; no node lock held after ${s} s`;
  const text =
    held < 0
      ? `${what}; its node locks could not be read for ${s} s`
      : `${what}; it still held ${held} node lock(s) after ${s} s, which its stop clears`;
  log.warn(`${a.container}: ${text}`);
  return text;
}

/**
 * Ironic is idle for an upgrade when no node is in a `*wait*` provision state (a deploy or
 * clean callback in flight would be lost with its conductor).
 */
export const NO_WAIT_STATES: IdleCheck = {
  what: "no node in a *wait* provision state",
  api: "ironic-api",
  async busy(send) {
    const r = await send("/v1/nodes", "GET", "/v1/nodes?fields=uuid,provision_state", {
      headers: mv(),
      expect: [200],
    });
    if (r.status === 401)
      throw new RunFailedError(
        "Ironic wants a keystone token to list nodes: set OS_AUTH_TOKEN for the wait-state check",
      );
    const body = okJson<{ nodes: { uuid: string; provision_state: string }[] }>(r);
    if (!body)
      throw new RunFailedError(`Ironic node list: ${r.error ?? `HTTP ${r.status ?? "-"}`}`);
    return (body.nodes ?? [])
      .filter((n) => /\bwait\b/.test(n.provision_state))
      .map((n) => `${n.uuid} (${n.provision_state})`);
  },
};
