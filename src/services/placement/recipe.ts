/** PURE. Placement (upgraded before nova): db sync, APIs one at a time (drained), online migrations. */
import type { Recipe } from "../types.js";

export const PLACEMENT: Recipe = {
  service: "placement",
  source: "placement upgrade notes; kolla-ansible placement/tasks/upgrade.yml",
  stages: [
    {
      kind: "oneShot",
      id: "db-sync",
      what: "placement-manage db sync",
      component: "placement-api",
      on: "first",
      mode: "KOLLA_UPGRADE",
    },
    { kind: "roll", id: "apis", what: "placement-api", components: ["placement-api"] },
    {
      kind: "oneShot",
      id: "online-migrations",
      what: "placement-manage db online_data_migrations",
      component: "placement-api",
      on: "first",
      mode: "KOLLA_OSM",
      afterAll: true,
    },
  ],
};
