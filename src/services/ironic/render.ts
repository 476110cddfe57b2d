/**
 * PURE. kroll's deploy of Ironic: API and conductors talking json-rpc (no broker), each
 * conductor registered under its node's address; the API under uWSGI, as kolla runs it.
 */
import { uwsgiIni } from "../../kolla/uwsgi.js";
import type { Component, IniObject, RenderContext, UnitRender } from "../types.js";

export function renderIronic(comp: Component, ctx: RenderContext): UnitRender | undefined {
  if (comp.key !== "ironic-api" && comp.key !== "ironic-conductor") return undefined;
  const a = ctx.address;
  const conductor = comp.key === "ironic-conductor";
  const base: IniObject = {
    DEFAULT: {
      ...(conductor ? { host: a } : {}),
      debug: false,
      rpc_transport: "json-rpc",
    },
    api: { host_ip: a, port: 6385, api_workers: 2 },
    database: {
      connection: `mysql+pymysql://ironic:${encodeURIComponent(ctx.dbPassword("ironic"))}@${ctx.dbHost}/ironic?charset=utf8`,
    },
    json_rpc: { host_ip: a, port: 8089 },
    oslo_concurrency: { lock_path: "/var/lib/ironic/lock" },
  };
  const conf = { name: "ironic.conf", dest: "/etc/ironic/ironic.conf", owner: "ironic" };
  const uwsgi = {
    name: "ironic-api-uwsgi.ini",
    dest: "/etc/ironic/ironic-api-uwsgi.ini",
    owner: "ironic",
  };
  const logs = { path: "/var/log/kolla/ironic", owner: "ironic:ironic" };
  return {
    files: [
      ctx.conf("ironic.conf", ctx.merge(base)),
      ...(conductor
        ? [ctx.configJson("ironic-conductor --config-file /etc/ironic/ironic.conf", [conf], logs)]
        : [
            ctx.conf(
              uwsgi.name,
              uwsgiIni({
                address: a,
                port: 6385,
                module: "ironic.wsgi:application",
                // One process of four threads a node: the lab's two cores run three nodes.
                workers: 1,
                threads: 4,
                uid: "ironic",
              }),
            ),
            ctx.configJson(`uwsgi ${uwsgi.dest}`, [conf, uwsgi], logs),
          ]),
    ],
    volumes: conductor ? ["ironic:/var/lib/ironic/"] : [],
    health: conductor
      ? "healthcheck_listen ironic-conductor 8089"
      : `healthcheck_curl http://${a}:6385`,
  };
}
