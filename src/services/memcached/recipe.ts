/**
 * PURE. Infrastructure (the shared text of haproxy, mariadb, memcached, rabbitmq): the MariaDB Galera cluster one member at a time, backups before the
 * server HAProxy sends traffic to, each back Synced with the full cluster size before the next
 * (kolla's mariadb.yml restarts in batches too); RabbitMQ one broker at a time; memcached one at
 * a time; HAProxy (and keepalived) on the backup hosts first, the VIP holder last, after the VIP
 * moved to a host already upgraded (kolla's loadbalancer handlers do the same dance).
 */
import type { Recipe } from "../types.js";

export const MEMCACHED: Recipe = {
  service: "memcached",
  source: "kolla-ansible roles/memcached",
  stages: [{ kind: "roll", id: "servers", what: "memcached", components: ["memcached"] }],
};
