/** PURE. kroll's deploy of MariaDB: one Galera member a control host. */
import type { Component, RenderContext, UnitRender } from "../types.js";

export function renderMariadb(comp: Component, ctx: RenderContext): UnitRender {
  const a = ctx.address;
  const cnf = [
    "[mysqld]",
    `bind-address = ${a}`,
    "port = 3306",
    // kolla's volume: Debian's MariaDB 11.8.6-5 and later default to /var/lib/mariadb.
    "datadir = /var/lib/mysql",
    "skip-name-resolve",
    "max_connections = 1000",
    "character-set-server = utf8mb4",
    "collation-server = utf8mb4_general_ci",
    "innodb_buffer_pool_size = 64M",
    "performance_schema = OFF",
    "binlog_format = ROW",
    "default_storage_engine = InnoDB",
    "innodb_autoinc_lock_mode = 2",
    // MariaDB 11.6.2 and later (Debian's 11.8 in the lab) turn snapshot isolation on by
    // default: a write to a row another transaction changed after this one's snapshot fails
    // with error 1020 (ER_CHECKREAD), which oslo.db does not retry as it retries a deadlock.
    // Seen in the lab: an Ironic deploy whose worker's UPDATE of its node met the online data
    // migrations' update of the same row failed with it and left the node in `deploying`.
    // Off, as every MariaDB before 11.6 runs; `loose-`: ignored by a server that lacks it.
    "loose-innodb_snapshot_isolation = OFF",
    "wsrep_on = ON",
    "wsrep_provider = /usr/lib/galera/libgalera_smm.so",
    `wsrep_cluster_name = kroll-${ctx.scenario}`,
    `wsrep_cluster_address = gcomm://${ctx.hostsOf(comp.group).map(ctx.addr).join(",")}`,
    `wsrep_node_address = ${a}`,
    `wsrep_node_name = ${ctx.host}`,
    "wsrep_sst_method = rsync",
    "",
  ].join("\n");
  return {
    files: [
      ctx.conf("galera.cnf", cnf),
      ctx.configJson(
        "mariadbd --user=mysql",
        [{ name: "galera.cnf", dest: "/etc/mysql/mariadb.conf.d/99-kolla.cnf", owner: "mysql" }],
        { path: "/var/log/kolla/mariadb", owner: "mysql:mysql" },
      ),
    ],
    volumes: ["mariadb:/var/lib/mysql"],
    health: `healthcheck_tcp ${a} 3306`,
  };
}
