/**
 * PURE. Neutron (neutron doc contributor/internals/upgrade.rst; kolla-ansible
 * neutron/tasks/rolling_upgrade.yml): expand, servers one at a time (drained; a new server
 * serves old agents), then agents per node with the L2 agent first, contract last.
 */
import type { Recipe } from "../types.js";

export const NEUTRON: Recipe = {
  service: "neutron",
  source: "neutron internals/upgrade.rst; kolla-ansible neutron/tasks/rolling_upgrade.yml",
  stages: [
    {
      kind: "oneShot",
      id: "expand",
      what: "neutron-db-manage upgrade --expand",
      component: "neutron-server",
      on: "first",
      mode: "NEUTRON_DB_EXPAND",
    },
    { kind: "roll", id: "servers", what: "neutron-server", components: ["neutron-server"] },
    {
      kind: "roll",
      id: "agents",
      what: "L2 agent, then DHCP, L3 and metadata agents, per node",
      components: [
        "neutron-openvswitch-agent",
        "neutron-dhcp-agent",
        "neutron-l3-agent",
        "neutron-metadata-agent",
      ],
      together: true,
    },
    {
      kind: "oneShot",
      id: "contract",
      what: "neutron-db-manage upgrade --contract",
      component: "neutron-server",
      on: "first",
      mode: "NEUTRON_DB_CONTRACT",
      afterAll: true,
    },
  ],
  notes: [
    "neutron: kolla stops every neutron-server before contract when offline migrations are pending; kroll runs contract with the servers up and relies on neutron's expand/contract split",
  ],
};
