/**
 * EFFECT. How `kroll deploy` brings MariaDB up as a Galera cluster, and the services' databases.
 * A new cluster: data directory and root password from the bootstrap one-shot on the first
 * host, which starts the cluster (KOLLA_GALERA_NEW_CLUSTER); the others join by state transfer;
 * then the first restarts as a plain member. An existing one: a member at a time, each Synced in
 * the whole cluster before the next.
 */
import type { BringUpKit, DeployUnit } from "../types.js";
import { mysqlAsRoot } from "./ops.js";

export async function bringUpGalera(units: readonly DeployUnit[], kit: BringUpKit): Promise<void> {
  const [first, ...rest] = units;
  if (!first) return;
  const size = units.length;
  if (units.every((u) => u.action === "created")) {
    await kit.oneShot(first, "KOLLA_BOOTSTRAP", { DB_ROOT_PASSWORD: kit.dbRootPassword }, [
      "mariadb:/var/lib/mysql",
    ]);
    await kit.start(first, { KOLLA_GALERA_NEW_CLUSTER: "" });
    await kit.waitMember(first, 1);
    for (const [i, u] of rest.entries()) {
      await kit.start(u);
      await kit.waitMember(u, i + 2);
    }
    await kit.apply({ ...first, action: "replaced" });
    await kit.waitMember(first, size);
    return;
  }
  for (const u of units.filter((x) => x.action !== "unchanged")) {
    await kit.apply(u);
    await kit.waitMember(u, size);
  }
}

/** Each service's database and user, its password brought up to date. */
export async function createDatabases(
  at: DeployUnit,
  kit: BringUpKit,
  databases: readonly { name: string; user: string; password: string }[],
): Promise<void> {
  const sql = databases
    .map((d) => {
      const db = sqlIdentifier(d.name);
      const user = `${sqlString(d.user)}@'%'`;
      const pw = sqlString(d.password);
      return `CREATE DATABASE IF NOT EXISTS ${db}; CREATE USER IF NOT EXISTS ${user} IDENTIFIED BY ${pw}; ALTER USER ${user} IDENTIFIED BY ${pw}; GRANT ALL PRIVILEGES ON ${db}.* TO ${user};`;
    })
    .join("\n");
  await mysqlAsRoot(kit.shell(at.node), at.container, at.address, kit.dbRootPassword, sql);
}

/**
 * A MariaDB string literal of any text (an operator's password may hold `'`, `"`, `\\`, `%`):
 * quotes and backslashes escaped, and the control characters MariaDB names.
 */
const SQL_ESCAPES: Readonly<Record<string, string>> = {
  "\0": "\\0",
  "\n": "\\n",
  "\r": "\\r",
  "\u001a": "\\Z",
};
export const sqlString = (text: string): string =>
  `'${[...text].map((c) => SQL_ESCAPES[c] ?? (c === "\\" || c === "'" || c === '"' ? `\\${c}` : c)).join("")}'`;

/** A MariaDB identifier (a database name), backquoted. */
export const sqlIdentifier = (name: string): string => `\`${name.replaceAll("`", "``")}\``;
