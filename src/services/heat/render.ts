/**
 * PURE. kroll's deploy of Heat: heat-api (under uWSGI, as kolla runs it) and heat-engine on the
 * broker (heat-api-cfn not yet).
 */
import { uwsgiIni } from "../../kolla/uwsgi.js";
import type { Component, IniObject, RenderContext, UnitRender } from "../types.js";

export function renderHeat(comp: Component, ctx: RenderContext): UnitRender | undefined {
  if (comp.key !== "heat-api" && comp.key !== "heat-engine") return undefined;
  const a = ctx.address;
  const engine = comp.key === "heat-engine";
  const base: IniObject = {
    DEFAULT: {
      host: a,
      transport_url: `rabbit://openstack:${encodeURIComponent(ctx.secrets.broker)}@${ctx.addr(ctx.brokerHost ?? "")}:5672/`,
      num_engine_workers: 1,
      debug: false,
    },
    database: {
      connection: `mysql+pymysql://heat:${encodeURIComponent(ctx.dbPassword("heat"))}@${ctx.dbHost}/heat?charset=utf8`,
    },
    heat_api: { bind_host: a, bind_port: 8004, workers: 2 },
    oslo_concurrency: { lock_path: "/var/lib/heat/lock" },
  };
  const conf = { name: "heat.conf", dest: "/etc/heat/heat.conf", owner: "heat" };
  const uwsgi = { name: "heat-api-uwsgi.ini", dest: "/etc/heat/heat-api-uwsgi.ini", owner: "heat" };
  const logs = { path: "/var/log/kolla/heat", owner: "heat:heat" };
  return {
    files: [
      ctx.conf("heat.conf", ctx.merge(base)),
      ...(engine
        ? [ctx.configJson("heat-engine --config-file /etc/heat/heat.conf", [conf], logs)]
        : [
            ctx.conf(
              uwsgi.name,
              uwsgiIni({
                address: a,
                port: 8004,
                module: "heat.wsgi.api:application",
                // One process of four threads a node: the lab's two cores run three nodes.
                workers: 1,
                threads: 4,
                uid: "heat",
              }),
            ),
            ctx.configJson(`uwsgi ${uwsgi.dest}`, [conf, uwsgi], logs),
          ]),
    ],
    health: engine ? "healthcheck_port heat-engine 5672" : `healthcheck_curl http://${a}:8004`,
  };
}
