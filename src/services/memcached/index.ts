/**
 * PURE. The memcached pack: kolla's memcached on every control host (Keystone's token cache
 * and the services' oslo.cache), deployed by kroll in the lab and upgraded one server at a time.
 */
import { component } from "../types.js";
import type { ServicePack } from "../types.js";
import { MEMCACHED } from "./recipe.js";
import { renderMemcached } from "./render.js";

export const PACK: ServicePack = {
  spec: {
    name: "memcached",
    tagVar: "memcached_tag",
    components: [component("memcached", "infra")],
    requires: [],
    needsKeystone: false,
    kollaDefault: true,
  },
  recipe: MEMCACHED,
  render: renderMemcached,
  lab: {
    source: "memcached",
    packages: ["memcached"],
    images: [
      {
        image: "memcached",
        packages: ["memcached"],
        setup: { dirs: ["/var/log/kolla/memcached"], owner: "memcache" },
      },
    ],
  },
};
