/**
 * EFFECT. MariaDB's chores on a live cluster, through a node's shell: SQL as root, a Galera
 * member's state, and closing idle client connections.
 */
import type { NodeShell } from "../../cluster/ports.js";
import type { MemberWait } from "../types.js";

/**
 * SQL as MariaDB's root through `docker exec`. The password travels on standard input, never
 * in an argument: a failed command's message quotes its argv, and messages reach logs.
 */
export async function mysqlAsRoot(
  shell: NodeShell,
  container: string,
  address: string,
  password: string,
  sql: string,
  /** delimiter: for a compound statement (BEGIN NOT ATOMIC … END) ended by it. */
  opts: { delimiter?: string } = {},
): Promise<string> {
  const argv = [
    "docker",
    "exec",
    "-i",
    container,
    "sh",
    "-c",
    `IFS= read -r MYSQL_PWD; export MYSQL_PWD; exec mariadb -uroot -h "$1" -N -B${opts.delimiter ? ` --delimiter='${opts.delimiter}'` : ""}`,
    "mysql",
    address,
  ];
  return shell.run(argv, { timeoutMs: 60_000, stdin: `${password}\n${sql}` });
}

export interface GaleraStatus {
  /** wsrep_local_state_comment: Synced, Donor/Desynced, Joining, ... */
  readonly state: string;
  readonly size: number;
}

export const GALERA_STATUS_SQL =
  "SHOW STATUS WHERE Variable_name IN ('wsrep_local_state_comment','wsrep_cluster_size');";

/** PURE. The answer to GALERA_STATUS_SQL (tab-separated name and value, a line each). */
export function parseGaleraStatus(out: string): GaleraStatus {
  const status = new Map(
    out
      .trim()
      .split("\n")
      .map((l) => l.split("\t") as [string, string]),
  );
  return {
    state: status.get("wsrep_local_state_comment") ?? "",
    size: Number(status.get("wsrep_cluster_size") ?? 0),
  };
}

export async function galeraStatus(
  shell: NodeShell,
  container: string,
  address: string,
  password: string,
): Promise<GaleraStatus> {
  return parseGaleraStatus(
    await mysqlAsRoot(shell, container, address, password, GALERA_STATUS_SQL),
  );
}

/**
 * Closes a database server's idle client connections (asleep between queries for a second or
 * more, no transaction open); how many it closed. `from` keeps those of one client address;
 * `ports` only those from these source ports of it (a retiring HAProxy's own, not the new
 * one's beside it). Never any connection idle for less:
 * closing those (tried on the lab) killed connections a client had just checked out, and a
 * run lost a request to it; busy connections leave by the clients' own recycling instead
 * (oslo.db's connection_recycle_time, 10 s in the lab).
 */
export async function closeIdleSessions(
  shell: NodeShell,
  container: string,
  address: string,
  password: string,
  only: { readonly from?: string | undefined; readonly ports?: readonly number[] | undefined } = {},
): Promise<number> {
  const { from, ports } = only;
  const fromHost =
    from !== undefined && /^[0-9A-Fa-f.:]+$/.test(from)
      ? ` AND (host LIKE '${from}:%' OR host LIKE '[${from}]:%')`
      : "";
  const onPorts =
    ports === undefined
      ? ""
      : ` AND SUBSTRING_INDEX(host, ':', -1) IN (${ports.map((p) => `'${Math.trunc(p)}'`).join(",") || "''"})`;
  // One block on the server: each connection is checked again right before it is killed
  // (a separate SELECT, then KILLs, left a second in which a pool could check one out and
  // start a query on it: "Lost connection ... during query").
  const out = await mysqlAsRoot(
    shell,
    container,
    address,
    password,
    [
      "BEGIN NOT ATOMIC",
      "  DECLARE n INT DEFAULT 0;",
      "  FOR c IN (SELECT id FROM information_schema.processlist WHERE command = 'Sleep'",
      "      AND time >= 1 AND user NOT IN ('system user', 'event_scheduler')",
      `      AND id <> CONNECTION_ID()${fromHost}${onPorts}`,
      "      AND id NOT IN (SELECT trx_mysql_thread_id FROM information_schema.innodb_trx)) DO",
      "    BEGIN",
      "      DECLARE CONTINUE HANDLER FOR SQLEXCEPTION BEGIN END;",
      "      IF EXISTS (SELECT 1 FROM information_schema.processlist WHERE id = c.id",
      "          AND command = 'Sleep' AND time >= 1)",
      "          AND c.id NOT IN (SELECT trx_mysql_thread_id FROM information_schema.innodb_trx) THEN",
      "        EXECUTE IMMEDIATE CONCAT('KILL CONNECTION ', c.id);",
      "        SET n = n + 1;",
      "      END IF;",
      "    END;",
      "  END FOR;",
      "  SELECT n;",
      "END",
      "$$",
      "",
    ].join("\n"),
    { delimiter: "$$" },
  );
  return Number(out.trim()) || 0;
}

/** A Galera member is back when it reports Synced in a cluster of the full size. */
export const GALERA_SYNCED: MemberWait = {
  what: "Synced in the whole cluster",
  quorum: true,
  pullsClientsBack: true,
  async check(m) {
    if (m.dbRootPassword === undefined) return { ok: false, seen: "no root password to ask" };
    const g = await galeraStatus(m.shell, m.container, m.address, m.dbRootPassword).catch(
      () => undefined,
    );
    return g
      ? { ok: g.state === "Synced" && g.size >= m.size, seen: `${g.state}, size ${g.size}` }
      : { ok: false, seen: "no answer" };
  },
};
