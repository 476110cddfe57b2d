/**
 * PURE. Glance (glance doc admin/rollingupgrades.rst, experimental upstream;
 * kolla-ansible glance/tasks/rolling_upgrade.yml): expand and migrate the database, APIs one
 * at a time (drained), contract once no old API runs.
 */
import type { Recipe } from "../types.js";

export const GLANCE: Recipe = {
  service: "glance",
  source: "glance rollingupgrades.rst; kolla-ansible glance/tasks/rolling_upgrade.yml",
  stages: [
    {
      kind: "oneShot",
      id: "expand",
      what: "glance-manage db expand",
      component: "glance-api",
      on: "first",
      mode: "GLANCE_DB_EXPAND",
    },
    {
      kind: "oneShot",
      id: "migrate",
      what: "glance-manage db migrate",
      component: "glance-api",
      on: "first",
      mode: "GLANCE_DB_MIGRATE",
    },
    { kind: "roll", id: "apis", what: "glance-api", components: ["glance-api"] },
    {
      kind: "oneShot",
      id: "contract",
      what: "glance-manage db contract",
      component: "glance-api",
      on: "first",
      mode: "GLANCE_DB_CONTRACT",
      afterAll: true,
    },
  ],
  notes: ["glance: upstream marks rolling upgrades experimental"],
};
