/** PURE. The haproxy pack: its kolla layout and its upgrade recipe. */
import { component } from "../types.js";
import type { ServicePack } from "../types.js";
import { haproxyGlobals } from "./globals.js";
import { createLoadbalancerOps } from "./ops.js";
import { haproxyRuntime, retiringSocket } from "./runtime.js";
import { parseShowStat } from "./stats.js";
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
    kollaDefault: true,
  },
  recipe: HAPROXY,
  render: renderHaproxy,
  globals: haproxyGlobals,
  managedGlobals: [
    ["haproxy_socket_level_admin", "kroll drains HAProxy backends, so the socket is admin-level"],
  ],
  loadbalancer: createLoadbalancerOps,
  // The servers of the backends (kroll's own `monitor` listener for the healthcheck has none).
  readServers: async (shell, timeoutMs, retiring) => {
    let text: string;
    try {
      text = await haproxyRuntime(shell)("show stat", timeoutMs);
    } catch (e) {
      if (retiring === undefined) throw e;
      // Mid-replacement: the new HAProxy has no admin socket yet (or its container is not
      // running yet); the retiring one, its socket moved aside, still serves every connection.
      text = await haproxyRuntime(shell, { socket: retiringSocket(retiring), container: retiring })(
        "show stat",
        timeoutMs,
      ).catch(() => {
        throw e;
      });
    }
    return parseShowStat(shell.node, text, new Map()).filter((s) => s.backend !== "monitor");
  },
  endState: async (shell, timeoutMs) => {
    const ask = haproxyRuntime(shell);
    return {
      "haproxy-show-stat.csv": await ask("show stat", timeoutMs),
      "haproxy-show-info.txt": await ask("show info", timeoutMs),
    };
  },
  lab: {
    source: "haproxy",
    packages: ["haproxy"],
    files: "haproxy",
    images: [
      {
        image: "haproxy",
        packages: ["haproxy"],
        setup: { dirs: ["/run/haproxy", "/var/lib/kolla/haproxy", "/etc/haproxy/services.d"] },
      },
    ],
  },
};
