/**
 * PURE. The services kroll knows, by name: the one list (a new pack adds its name here and its
 * folder to the registry, ./index.ts). Names follow kolla-ansible's roles
 * (`ansible/roles/<svc>/defaults/main.yml`), in kolla-ansible's site.yml order (loadbalancer
 * first, heat last): the upgrade walks services in this order. Imports nothing.
 */
export const SERVICES = [
  "haproxy",
  "mariadb",
  "memcached",
  "rabbitmq",
  "keystone",
  "glance",
  "ironic",
  "cinder",
  "placement",
  "nova",
  "neutron",
  "heat",
] as const;

export type ServiceName = (typeof SERVICES)[number];
