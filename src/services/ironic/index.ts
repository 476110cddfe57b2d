/** PURE. The ironic pack: its kolla layout and its upgrade recipe. */
import { apiEndpoint, component } from "../types.js";
import type { ServicePack } from "../types.js";
import { renderIronic } from "./render.js";
import { IRONIC, IRONIC_KOLLA } from "./recipe.js";

export const PACK: ServicePack = {
  spec: {
    name: "ironic",
    tagVar: "ironic_tag",
    components: [
      component("ironic-conductor", "worker", { dbRing: true }),
      component("ironic-api", "api", {
        api: apiEndpoint(6385, "ironic_api_back", "/v1/", "status 200"),
      }),
    ],
    // Ironic talks json-rpc between API and conductors in kroll's layout: no broker needed.
    requires: ["mariadb"],
    needsKeystone: true,
  },
  recipe: IRONIC,
  kollaRecipe: IRONIC_KOLLA,
  render: renderIronic,
  database: true,
  lab: {
    source: "ironic",
    packages: ["python3-ironic", "ironic-common"],
    base: { image: "ironic-base", packages: ["python3-ironic", "ironic-common"] },
    images: [
      { image: "ironic-api", packages: ["python3-ironic", "ironic-common"] },
      { image: "ironic-conductor", packages: ["python3-ironic", "ironic-common"] },
    ],
  },
};
