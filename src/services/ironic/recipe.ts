/**
 * PURE. Ironic (ironic doc admin/upgrade-guide.rst, contributor/rolling-upgrades.rst;
 * kolla-ansible roles/ironic/tasks/rolling_upgrade.yml): no node in a `*wait*` state; schema
 * upgrade from the new code while the old runs; conductors one at a time, then APIs (drained),
 * both pinned to the previous release; unpin conductors before APIs; online data migrations
 * last, once nothing old runs.
 *
 * The unpin reloads conductors in place up to 2025.1: `pin_release_version` is mutable, Ironic's
 * upgrade guide allows a SIGHUP instead of a restart, and an eventlet conductor with
 * `restart_method = mutate` only rereads its options, never leaving the hash ring. From 2025.2
 * (ironic 32.0, "Set the backend to threading") the conductor runs oslo.service's threading
 * backend, whose SIGHUP respawns the worker process whatever the restart method: its pool shuts
 * while the JSON-RPC server still takes calls (lab, 2026.1 → 2026.2: one 500 "Unexpected error
 * raised by RPC"). There the unpin replaces conductors as the roll did, each taken out of the
 * ring first. APIs are always replaced, drained in HAProxy, which loses nothing.
 */
import type { Recipe } from "../types.js";

export const IRONIC: Recipe = {
  service: "ironic",
  source:
    "ironic upgrade-guide.rst + rolling-upgrades.rst; kolla-ansible ironic/tasks/rolling_upgrade.yml",
  pin: {
    file: "ironic.conf",
    inside: "/etc/ironic/ironic.conf",
    section: "DEFAULT",
    key: "pin_release_version",
  },
  stages: [
    { kind: "waitIdle", id: "no-wait-states", what: "no node in a *wait* provision state" },
    {
      kind: "oneShot",
      id: "upgrade-check",
      what: "ironic-status upgrade check",
      component: "ironic-api",
      on: "first",
      mode: "KOLLA_UPGRADE_CHECK",
    },
    {
      kind: "oneShot",
      id: "db-upgrade",
      what: "ironic-dbsync upgrade",
      component: "ironic-api",
      on: "first",
      mode: "KOLLA_UPGRADE",
    },
    {
      kind: "roll",
      id: "conductors",
      what: "ironic-conductor, pinned",
      components: ["ironic-conductor"],
      pin: true,
    },
    { kind: "roll", id: "apis", what: "ironic-api, pinned", components: ["ironic-api"], pin: true },
    {
      kind: "unpin",
      id: "unpin",
      what: "drop pin_release_version: conductors, then APIs",
      components: ["ironic-conductor", "ironic-api"],
      live: ["ironic-conductor"],
      liveBefore: "2025.2",
    },
    {
      kind: "oneShot",
      id: "online-migrations",
      what: "ironic-dbsync online_data_migrations",
      component: "ironic-api",
      on: "first",
      mode: "KOLLA_OSM",
      afterAll: true,
    },
  ],
};

/**
 * kolla-ansible's own ironic upgrade (2023.1 rolling_upgrade.yml, serial 0): handler order, and
 * the unpin is a restart of every container (its handlers restart, they never signal).
 */
export const IRONIC_KOLLA: Recipe = {
  ...IRONIC,
  source: "kolla-ansible ansible/roles/ironic/tasks/rolling_upgrade.yml (kolla_serial 0)",
  stages: IRONIC.stages.map((s) =>
    s.kind === "unpin"
      ? {
          kind: "unpin",
          id: s.id,
          what: "drop pin_release_version: conductors, then APIs",
          components: s.components,
        }
      : s,
  ),
};
