/** PURE. The mariadb pack: its kolla layout and its upgrade recipe. */
import { component } from "../types.js";
import type { ServicePack } from "../types.js";
import { bringUpGalera, createDatabases } from "./deploy.js";
import { closeIdleSessions, GALERA_SYNCED, mysqlAsRoot } from "./ops.js";
import { renderMariadb } from "./render.js";
import { MARIADB } from "./recipe.js";

export const PACK: ServicePack = {
  spec: {
    name: "mariadb",
    tagVar: "mariadb_tag",
    components: [
      component("mariadb", "infra", {
        image: "mariadb-server",
        role: "database",
        backend: "mariadb",
        // Clients hold pooled connections for an hour (oslo.db recycles them after 3600 s):
        // they never drain by themselves. New ones already go to a backup server; the idle
        // ones are closed on the server between queries (oslo.db's ping on checkout then
        // reconnects through HAProxy), and only what is still open at the deadline is cut
        // (closing every session at once failed the queries in flight: "Lost connection"). The
        // lab's clients recycle connections after 10 s; closing idle ones from the first second
        // cut an engine's connection between two statements of its session (run of
        // 2026-12-05: "This Connection is closed", HTTP 500 on a stack delete).
        clientDrain: { timeoutMs: 30_000, closeIdleAfterMs: 12_000 },
      }),
    ],
    requires: [],
    needsKeystone: false,
    kollaDefault: true,
  },
  recipe: MARIADB,
  render: renderMariadb,
  adminPassword: "database_password",
  member: GALERA_SYNCED,
  databaseServer: { sql: mysqlAsRoot, closeIdle: closeIdleSessions },
  bringUp: bringUpGalera,
  createDatabases,
  lab: {
    source: "mariadb-server",
    packages: ["mariadb-server"],
    files: "mariadb-server",
    images: [
      {
        image: "mariadb-server",
        packages: ["mariadb-server"],
        // mariadb-server recommends galera-4; the SST (rsync) and the bootstrap need the rest.
        extras: ["galera-4", "mariadb-client", "rsync", "lsof"],
        setup: {
          empty: ["/var/lib/mysql"],
          dirs: ["/var/lib/mysql", "/run/mysqld", "/var/log/kolla/mariadb"],
          owner: "mysql:mysql",
        },
      },
    ],
  },
  hazards: [
    {
      container: /^mariadb$/,
      what: /Lost connection|server has gone away|2013|2006/,
      hint:
        "known hazard: a database connection cut while a query ran on the member being replaced; " +
        "check that the member was drained and its idle connections closed before the stop",
    },
  ],
};
