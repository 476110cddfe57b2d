/** PURE. kroll's deploy of HAProxy: haproxy.cfg and its container. */
import { urlHost } from "../../core/net.js";
import type { Component, RenderContext, UnitRender } from "../types.js";
import { KEEPALIVE_CLOSE_VAR } from "./config.js";
import { SOCKET_DIR } from "./runtime.js";

export function renderHaproxy(comp: Component, ctx: RenderContext): UnitRender | undefined {
  if (comp.key !== "haproxy") return undefined; // keepalived: not deployed by kroll yet
  return {
    files: [
      ctx.conf("haproxy.cfg", renderHaproxyCfg(ctx)),
      ctx.configJson(
        "haproxy -W -db -f /etc/haproxy/haproxy.cfg",
        [{ name: "haproxy.cfg", dest: "/etc/haproxy/haproxy.cfg", owner: "root" }],
        { path: "/var/log/kolla/haproxy", owner: "root" },
      ),
    ],
    volumes: [`haproxy_socket:${SOCKET_DIR}/`],
    health: `healthcheck_curl http://${ctx.address}:61313`,
  };
}

/**
 * haproxy.cfg as kolla renders it, in short: one frontend on the VIP and one backend per API
 * (`<svc>_back`, one server per API host, L7 health checks), MariaDB with one active server
 * and the others as backups, the runtime socket at admin level (kroll drains backends), and a
 * monitor URI on :61313 for the container's healthcheck.
 */
export function renderHaproxyCfg(ctx: RenderContext): string {
  const { vip, hostsOf, addr } = ctx;
  const bind = urlHost(vip);
  const out: string[] = [
    "global",
    "    log stdout format raw local0",
    "    maxconn 4000",
    "    stats socket /var/lib/kolla/haproxy/haproxy.sock mode 660 level admin",
    "    stats timeout 30s",
    "",
    "defaults",
    "    log global",
    "    mode http",
    "    option redispatch",
    "    option httplog",
    "    retries 3",
    "    timeout http-request 10s",
    "    timeout queue 1m",
    "    timeout connect 10s",
    "    timeout client 1m",
    "    timeout server 1m",
    "    timeout check 10s",
    "    balance roundrobin",
    "",
    "listen monitor",
    "    bind *:61313",
    "    monitor-uri /",
    "",
  ];
  if (ctx.services.includes("mariadb")) {
    const db = hostsOf("mariadb");
    out.push(
      "listen mariadb",
      "    mode tcp",
      `    bind ${bind}:3306`,
      "    option tcpka",
      "    timeout client 3600s",
      "    timeout server 3600s",
      ...db.map(
        (h, i) =>
          `    server ${h} ${addr(h)}:3306 check port 3306 inter 2000 rise 2 fall 5${i === 0 ? "" : " backup"}`,
      ),
      "",
    );
  }
  for (const { api, hosts } of ctx.apis) {
    const { port, backend, healthPath, check } = api;
    out.push(
      `frontend ${backend.replace(/_back$/, "_front")}`,
      `    bind ${bind}:${port}`,
      "    http-request del-header X-Forwarded-Proto",
      // Raised on an HAProxy about to be retired (see KEEPALIVE_CLOSE_VAR): every response
      // then ends its client connection, so clients leave it between two requests instead of
      // having an idle connection closed under a request they are sending.
      `    http-after-response set-header Connection close if { var(${KEEPALIVE_CLOSE_VAR}) -m int 1 }`,
      `    default_backend ${backend}`,
      "",
      `backend ${backend}`,
      `    option httpchk GET ${healthPath}`,
      `    http-check expect ${check ?? "status 200"}`,
      ...hosts.map((h) => `    server ${h} ${addr(h)}:${port} check inter 2000 rise 2 fall 5`),
      "",
    );
  }
  return out.join("\n");
}
