/**
 * PURE. Infrastructure (the shared text of haproxy, mariadb, memcached, rabbitmq): the MariaDB Galera cluster one member at a time, backups before the
 * server HAProxy sends traffic to, each back Synced with the full cluster size before the next
 * (kolla's mariadb.yml restarts in batches too); RabbitMQ one broker at a time; memcached one at
 * a time; HAProxy (and keepalived) on the backup hosts first, the VIP holder last, after the VIP
 * moved to a host already upgraded (kolla's loadbalancer handlers do the same dance).
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
      wait: "galera",
    },
  ],
};
