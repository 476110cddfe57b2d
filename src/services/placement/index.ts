/** PURE. The placement pack: its kolla layout and its upgrade recipe. */
import { apiEndpoint, component } from "../types.js";
import type { ServicePack } from "../types.js";
import { PLACEMENT } from "./recipe.js";

export const PACK: ServicePack = {
  spec: {
    name: "placement",
    tagVar: "placement_tag",
    components: [
      component("placement-api", "api", { api: apiEndpoint(8780, "placement_api_back", "/") }),
    ],
    requires: ["mariadb"],
    needsKeystone: true,
    kollaDefault: true,
  },
  recipe: PLACEMENT,
};
