/**
 * PURE. Heat (heat doc operating_guides/upgrades_guide.rst): db_sync from the new code; engines
 * one at a time with a long graceful stop; APIs one at a time, drained; every API upgraded
 * before the last engine. Heat has no RPC pinning and no engine drain: a stack whose engine
 * stops mid-action can stay *_IN_PROGRESS; kroll keeps an old engine serving while APIs move
 * and reports what still gets stuck (the load's operation tracking), never hides it.
 */
import type { Recipe } from "../types.js";

export const HEAT: Recipe = {
  service: "heat",
  source: "heat upgrades_guide.rst; kolla-ansible heat/tasks/upgrade.yml",
  stages: [
    {
      kind: "oneShot",
      id: "upgrade-check",
      what: "heat-status upgrade check",
      component: "heat-api",
      on: "first",
      mode: "KOLLA_UPGRADE_CHECK",
    },
    {
      kind: "oneShot",
      id: "db-sync",
      what: "heat-manage db_sync",
      component: "heat-api",
      on: "first",
      mode: "KOLLA_UPGRADE",
    },
    {
      kind: "roll",
      id: "engines",
      what: "heat-engine, all but the last",
      components: ["heat-engine"],
      keepOld: { count: 1, until: ["heat-api", "heat-api-cfn"] },
    },
    {
      kind: "roll",
      id: "apis",
      what: "heat-api and heat-api-cfn",
      components: ["heat-api", "heat-api-cfn"],
      together: true,
    },
    { kind: "roll", id: "last-engine", what: "the last heat-engine", components: ["heat-engine"] },
  ],
  notes: [
    "heat: the upgrade guide's separate RabbitMQ vhost for new services is not used (kolla does not either); engines are replaced one at a time with their stop grace, and one old engine keeps serving until every API is new",
  ],
};

/** kolla-ansible: bootstrap (db_sync), then handlers heat-api → heat-api-cfn → heat-engine. */
export const HEAT_KOLLA: Recipe = {
  service: "heat",
  source: "kolla-ansible ansible/roles/heat/tasks/upgrade.yml + handlers/main.yml (kolla_serial 0)",
  stages: [
    {
      kind: "oneShot",
      id: "db-sync",
      what: "heat-manage db_sync",
      component: "heat-api",
      on: "first",
      mode: "KOLLA_UPGRADE",
    },
    { kind: "roll", id: "api", what: "heat-api", components: ["heat-api"] },
    { kind: "roll", id: "api-cfn", what: "heat-api-cfn", components: ["heat-api-cfn"] },
    { kind: "roll", id: "engine", what: "heat-engine", components: ["heat-engine"] },
  ],
};
