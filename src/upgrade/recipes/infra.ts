/**
 * PURE. Infrastructure: the MariaDB Galera cluster one member at a time, backups before the
 * server HAProxy sends traffic to, each back Synced with the full cluster size before the next
 * (kolla's mariadb.yml restarts in batches too); RabbitMQ one broker at a time; memcached one at
 * a time; HAProxy (and keepalived) on the backup hosts first, the VIP holder last, after the VIP
 * moved to a host already upgraded (kolla's loadbalancer handlers do the same dance).
 */
import type { Recipe } from "./recipe.js";

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

export const RABBITMQ: Recipe = {
  service: "rabbitmq",
  source: "kolla-ansible ansible/rabbitmq.yml (serial 33%)",
  stages: [
    {
      kind: "roll",
      id: "brokers",
      what: "RabbitMQ brokers one at a time",
      components: ["rabbitmq"],
      wait: "rabbit",
    },
  ],
};

export const MEMCACHED: Recipe = {
  service: "memcached",
  source: "kolla-ansible roles/memcached",
  stages: [{ kind: "roll", id: "servers", what: "memcached", components: ["memcached"] }],
};

export const HAPROXY: Recipe = {
  service: "haproxy",
  source: "kolla-ansible roles/loadbalancer/handlers/main.yml (backups first, VIP holder last)",
  stages: [
    {
      kind: "roll",
      id: "loadbalancers",
      what: "haproxy (and keepalived), backup hosts first, the VIP holder last",
      components: ["haproxy", "keepalived"],
      together: true,
      order: "vip-last",
    },
  ],
};
