/** PURE. The cinder pack: its kolla layout and its upgrade recipe. */
import { apiEndpoint, component } from "../types.js";
import type { ServicePack } from "../types.js";
import { CINDER } from "./recipe.js";

export const PACK: ServicePack = {
  spec: {
    name: "cinder",
    tagVar: "cinder_tag",
    components: [
      component("cinder-scheduler", "worker"),
      component("cinder-volume", "worker"),
      component("cinder-backup", "worker"),
      component("cinder-api", "api", { api: apiEndpoint(8776, "cinder_api_back", "/healthcheck") }),
    ],
    requires: ["mariadb", "rabbitmq"],
    needsKeystone: true,
    kollaDefault: false,
  },
  recipe: CINDER,
  uuidPasswords: ["cinder_rbd_secret_uuid"],
};
