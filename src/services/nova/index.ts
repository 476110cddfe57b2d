/** PURE. The nova pack: its kolla layout and its upgrade recipe. */
import { apiEndpoint, component } from "../types.js";
import type { ServicePack } from "../types.js";
import { NOVA } from "./recipe.js";

export const PACK: ServicePack = {
  spec: {
    name: "nova",
    tagVar: "nova_tag",
    components: [
      component("nova-super-conductor", "worker", { image: "nova-conductor" }),
      component("nova-conductor", "worker"),
      component("nova-scheduler", "worker"),
      component("nova-api", "api", { api: apiEndpoint(8774, "nova_api_back", "/") }),
      component("nova-metadata", "api", {
        image: "nova-api",
        api: apiEndpoint(8775, "nova_metadata_back", "/"),
        since: "2025.1",
      }),
      component("nova-novncproxy", "proxy"),
      component("nova-libvirt", "agent", { group: "compute" }),
      component("nova-ssh", "agent", { group: "compute" }),
      component("nova-compute", "agent", { group: "compute" }),
    ],
    requires: ["mariadb", "rabbitmq", "placement", "glance", "neutron"],
    needsKeystone: true,
    kollaDefault: true,
  },
  recipe: NOVA,
  perHostComponentConf: true,
};
