/** PURE. The keystone pack: its kolla layout and its upgrade recipe. */
import { apiEndpoint, component } from "../types.js";
import type { ServicePack } from "../types.js";
import { KEYSTONE } from "./recipe.js";

export const PACK: ServicePack = {
  spec: {
    name: "keystone",
    tagVar: "keystone_tag",
    components: [
      component("keystone", "api", {
        api: apiEndpoint(5000, "keystone_internal_back", "/v3"),
        role: "identity",
      }),
      component("keystone-ssh", "worker", { group: "keystone" }),
      component("keystone-fernet", "worker", { group: "keystone" }),
    ],
    requires: ["mariadb", "memcached"],
    needsKeystone: false,
    kollaDefault: true,
  },
  recipe: KEYSTONE,
};
