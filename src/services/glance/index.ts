/** PURE. The glance pack: its kolla layout and its upgrade recipe. */
import { apiEndpoint, component } from "../types.js";
import type { ServicePack } from "../types.js";
import { GLANCE } from "./recipe.js";

export const PACK: ServicePack = {
  spec: {
    name: "glance",
    tagVar: "glance_tag",
    components: [
      component("glance-api", "api", { api: apiEndpoint(9292, "glance_api_back", "/healthcheck") }),
    ],
    requires: ["mariadb"],
    needsKeystone: true,
    kollaDefault: true,
  },
  recipe: GLANCE,
};
