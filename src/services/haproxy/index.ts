/** PURE. The haproxy pack: its kolla layout and its upgrade recipe. */
import { component } from "../types.js";
import type { ServicePack } from "../types.js";
import { haproxyGlobals } from "./globals.js";
import { renderHaproxy } from "./render.js";
import { HAPROXY } from "./recipe.js";

export const PACK: ServicePack = {
  spec: {
    name: "haproxy",
    tagVar: "haproxy_tag",
    components: [
      component("haproxy", "proxy", { group: "loadbalancer", role: "loadbalancer" }),
      component("keepalived", "proxy", { group: "loadbalancer", optional: true }),
    ],
    requires: [],
    needsKeystone: false,
  },
  recipe: HAPROXY,
  render: renderHaproxy,
  globals: haproxyGlobals,
  lab: {
    source: "haproxy",
    packages: ["haproxy"],
    images: [{ image: "haproxy", packages: ["haproxy"] }],
  },
};
