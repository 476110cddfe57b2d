/**
 * PURE. Nova (nova doc admin/upgrades.rst; kolla-ansible nova.yml): API and cell database
 * syncs with the new code, `nova-status upgrade check`; conductors first, then schedulers,
 * APIs (drained) and proxies; computes in batches (`max_unavailable_per_group.compute`) with
 * `[upgrade_levels] compute = auto` (kolla always renders it); then every service restarted
 * once to drop the cached service version (the auto pin lifts); online data migrations last.
 */
import type { Recipe } from "../types.js";

export const NOVA: Recipe = {
  service: "nova",
  source: "nova upgrades.rst; kolla-ansible ansible/nova.yml, roles nova + nova-cell",
  stages: [
    {
      kind: "oneShot",
      id: "api-db-sync",
      what: "nova-manage api_db sync, db sync (cell0)",
      component: "nova-api",
      on: "first",
      mode: "KOLLA_UPGRADE",
    },
    {
      kind: "oneShot",
      id: "upgrade-check",
      what: "nova-status upgrade check",
      component: "nova-api",
      on: "first",
      mode: "KOLLA_UPGRADE_CHECK",
    },
    {
      kind: "oneShot",
      id: "cell-db-sync",
      what: "nova-manage db sync (cells)",
      component: "nova-conductor",
      on: "first",
      mode: "KOLLA_UPGRADE",
    },
    {
      kind: "roll",
      id: "conductors",
      what: "nova-super-conductor, nova-conductor",
      components: ["nova-super-conductor", "nova-conductor"],
    },
    { kind: "roll", id: "schedulers", what: "nova-scheduler", components: ["nova-scheduler"] },
    {
      kind: "roll",
      id: "apis",
      what: "nova-api, nova-metadata",
      components: ["nova-api", "nova-metadata"],
      together: true,
    },
    { kind: "roll", id: "proxies", what: "nova-novncproxy", components: ["nova-novncproxy"] },
    {
      kind: "roll",
      id: "computes",
      what: "nova-libvirt, nova-ssh, nova-compute per compute host",
      components: ["nova-libvirt", "nova-ssh", "nova-compute"],
      together: true,
    },
    {
      kind: "restart",
      id: "reload",
      what: "restart to drop the compute=auto RPC cap: conductors, computes, schedulers, APIs",
      components: [
        "nova-super-conductor",
        "nova-conductor",
        "nova-compute",
        "nova-scheduler",
        "nova-api",
        "nova-metadata",
      ],
    },
    {
      kind: "oneShot",
      id: "online-migrations-api",
      what: "nova-manage db online_data_migrations (API)",
      component: "nova-api",
      on: "first",
      mode: "KOLLA_OSM",
      afterAll: true,
    },
    {
      kind: "oneShot",
      id: "online-migrations-cells",
      what: "nova-manage db online_data_migrations (cells)",
      component: "nova-conductor",
      on: "first",
      mode: "KOLLA_OSM",
      afterAll: true,
    },
  ],
};
