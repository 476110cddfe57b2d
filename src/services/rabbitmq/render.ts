/** PURE. kroll's deploy of RabbitMQ: one broker (a cluster later). */
import type { Component, RenderContext, UnitRender } from "../types.js";

/**
 * /etc/rabbitmq/rabbitmq-env.conf, as kolla lays it out: the broker's node name, read by the
 * server and by every `rabbitmqctl` run in the container (so none needs `-n`). Kolla names it
 * after the host; the lab's images run it as rabbit@localhost.
 */
export const RABBITMQ_ENV = "RABBITMQ_NODENAME=rabbit@localhost\n";

export function renderRabbitmq(_comp: Component, ctx: RenderContext): UnitRender | undefined {
  if (ctx.host !== ctx.brokerHost) return undefined; // one broker for now (a cluster later)
  const a = ctx.address;
  return {
    files: [
      ctx.conf(
        "rabbitmq.conf",
        [
          `listeners.tcp.default = ${a}:5672`,
          "loopback_users = none",
          "default_user = openstack",
          `default_pass = ${ctx.secrets.broker}`,
          "",
        ].join("\n"),
      ),
      ctx.conf("rabbitmq-env.conf", RABBITMQ_ENV),
      ctx.configJson(
        "runuser -u rabbitmq -- /usr/lib/rabbitmq/bin/rabbitmq-server",
        [
          { name: "rabbitmq.conf", dest: "/etc/rabbitmq/rabbitmq.conf", owner: "rabbitmq" },
          { name: "rabbitmq-env.conf", dest: "/etc/rabbitmq/rabbitmq-env.conf", owner: "rabbitmq" },
        ],
        { path: "/var/log/kolla/rabbitmq", owner: "rabbitmq:rabbitmq" },
      ),
    ],
    volumes: ["rabbitmq:/var/lib/rabbitmq/"],
    health: `healthcheck_tcp ${a} 5672`,
  };
}
