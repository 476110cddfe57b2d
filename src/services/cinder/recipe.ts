/**
 * PURE. Cinder (cinder doc admin/upgrades.rst): db sync with the new code; schedulers, volumes,
 * backups one at a time; APIs last (drained); restart everything once to drop cached RPC
 * versions; online data migrations.
 */
import type { Recipe } from "../types.js";

export const CINDER: Recipe = {
  service: "cinder",
  source: "cinder upgrades.rst; kolla-ansible cinder/tasks/upgrade.yml",
  stages: [
    {
      kind: "oneShot",
      id: "db-sync",
      what: "cinder-manage db sync",
      component: "cinder-api",
      on: "first",
      mode: "KOLLA_UPGRADE",
    },
    { kind: "roll", id: "schedulers", what: "cinder-scheduler", components: ["cinder-scheduler"] },
    { kind: "roll", id: "volumes", what: "cinder-volume", components: ["cinder-volume"] },
    { kind: "roll", id: "backups", what: "cinder-backup", components: ["cinder-backup"] },
    { kind: "roll", id: "apis", what: "cinder-api", components: ["cinder-api"] },
    {
      kind: "restart",
      id: "reload",
      what: "restart to drop cached RPC versions",
      components: ["cinder-scheduler", "cinder-volume", "cinder-backup", "cinder-api"],
    },
    {
      kind: "oneShot",
      id: "online-migrations",
      what: "cinder-manage db online_data_migrations",
      component: "cinder-api",
      on: "first",
      mode: "KOLLA_OSM",
      afterAll: true,
    },
  ],
};
