/** PURE. kroll's deploy of memcached: one server a control host, as kolla runs it. */
import type { Component, RenderContext, UnitRender } from "../types.js";

const PORT = 11211;

export function renderMemcached(_comp: Component, ctx: RenderContext): UnitRender {
  return {
    files: [
      // kolla's command line (memcached.json.j2); `-u`: the lab's images start it as root.
      ctx.configJson(
        `/usr/bin/memcached -u memcache -v -l ${ctx.address} -p ${PORT} -c 5000 -U 0`,
        [],
        { path: "/var/log/kolla/memcached", owner: "memcache" },
      ),
    ],
    health: `healthcheck_listen memcached ${PORT}`,
  };
}
