/** PURE. kroll's deploy of memcached: one server a control host, as kolla runs it. */
import type { Component, RenderContext, UnitRender } from "../types.js";

const PORT = 11211;

export function renderMemcached(_comp: Component, ctx: RenderContext): UnitRender {
  return {
    files: [
      // kolla's command line (memcached.json.j2), started as the memcache user: the lab's
      // images start as root, and a daemon that drops root itself (`-u`) is not dumpable, so
      // kolla's healthcheck_listen cannot see its socket.
      ctx.configJson(
        `runuser -u memcache -- /usr/bin/memcached -v -l ${ctx.address} -p ${PORT} -c 5000 -U 0`,
        [],
        { path: "/var/log/kolla/memcached", owner: "memcache" },
      ),
    ],
    health: `healthcheck_listen memcached ${PORT}`,
  };
}
