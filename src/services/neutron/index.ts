/** PURE. The neutron pack: its kolla layout and its upgrade recipe. */
import { apiEndpoint, component } from "../types.js";
import type { ServicePack } from "../types.js";
import { NEUTRON } from "./recipe.js";

export const PACK: ServicePack = {
  spec: {
    name: "neutron",
    tagVar: "neutron_tag",
    components: [
      component("neutron-server", "api", { api: apiEndpoint(9696, "neutron_server_back", "/") }),
      component("neutron-openvswitch-agent", "agent", { group: "openvswitch" }),
      component("neutron-dhcp-agent", "agent"),
      component("neutron-l3-agent", "agent"),
      component("neutron-metadata-agent", "agent"),
    ],
    requires: ["mariadb", "rabbitmq"],
    needsKeystone: true,
    kollaDefault: true,
    // kolla-ansible's agents need a raw external interface on every host of the OVS group.
    hostInterface: {
      global: "neutron_external_interface",
      field: "neutron_external",
      group: "openvswitch",
    },
  },
  recipe: NEUTRON,
};
