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
    .map(
      (d) =>
        `CREATE DATABASE IF NOT EXISTS \`${d.name}\`; CREATE USER IF NOT EXISTS '${d.user}'@'%' IDENTIFIED BY '${d.password}'; ALTER USER '${d.user}'@'%' IDENTIFIED BY '${d.password}'; GRANT ALL PRIVILEGES ON \`${d.name}\`.* TO '${d.user}'@'%';`,
    )
    .join("\n");
  await mysqlAsRoot(kit.shell(at.node), at.container, at.address, kit.dbRootPassword, sql);
}
