/**
 * PURE. MariaDB's upgrade: the Galera cluster one member at a time, backups before the server
 * HAProxy sends traffic to, each back Synced with the full cluster size before the next (kolla's
 * mariadb.yml restarts in batches too).
 */
import type { Recipe } from "../types.js";

export const MARIADB: Recipe = {
  service: "mariadb",
  source: "kolla-ansible ansible/mariadb.yml + roles/mariadb/handlers (serial 33%)",
  stages: [
    {
      kind: "roll",
      id: "members",
      what: "Galera members, backups first, the HAProxy-active one last",
      components: ["mariadb"],
      order: "backups-first",
      settle: true,
    },
  ],
};
