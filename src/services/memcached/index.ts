/** PURE. The memcached pack: its kolla layout and its upgrade recipe. */
import { component } from "../types.js";
import type { ServicePack } from "../types.js";
import { MEMCACHED } from "./recipe.js";

export const PACK: ServicePack = {
  spec: {
    name: "memcached",
    tagVar: "memcached_tag",
    components: [component("memcached", "infra")],
    requires: [],
    needsKeystone: false,
  },
  recipe: MEMCACHED,
};
