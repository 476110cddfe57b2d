/** PURE. kroll's deploy of RabbitMQ: one broker (a cluster later). */
import type { Component, RenderContext, UnitRender } from "../types.js";

/**
 * /etc/rabbitmq/rabbitmq-env.conf, as kolla lays it out: the broker's node name, read by the
 * server and by every `rabbitmqctl` run in the container (so none needs `-n`). Kolla names it
 * after the host; the lab's images run it as rabbit@localhost.
 */
export const RABBITMQ_ENV = "RABBITMQ_NODENAME=rabbit@localhost\n";

/**
 * An Erlang binary literal of `s` (UTF-8): `"` and `\\` escaped, anything outside printable ASCII
 * as a code point, so no password can end the term or the file.
 */
export function erlBinary(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (c < 0x20 || c > 0x7e) out += `\\x{${c.toString(16)}}`;
    else out += ch;
  }
  return `<<"${out}"/utf8>>`;
}

/**
 * The broker's default user in advanced.config (Erlang terms), not rabbitmq.conf: there `#`
 * starts a comment wherever it is, so a password with one was cut short there (seen on 4.3.6:
 * the broker took the rest of the line up to it).
 */
export const advancedConfig = (user: string, password: string): string =>
  `[{rabbit, [{default_user, ${erlBinary(user)}}, {default_pass, ${erlBinary(password)}}]}].\n`;

export function renderRabbitmq(_comp: Component, ctx: RenderContext): UnitRender | undefined {
  if (ctx.host !== ctx.brokerHost) return undefined; // one broker for now (a cluster later)
  const a = ctx.address;
  return {
    files: [
      ctx.conf(
        "rabbitmq.conf",
        [`listeners.tcp.default = ${a}:5672`, "loopback_users = none", ""].join("\n"),
      ),
      ctx.conf("advanced.config", advancedConfig("openstack", ctx.secrets.broker)),
      ctx.conf("rabbitmq-env.conf", RABBITMQ_ENV),
      ctx.configJson(
        "runuser -u rabbitmq -- /usr/lib/rabbitmq/bin/rabbitmq-server",
        [
          { name: "rabbitmq.conf", dest: "/etc/rabbitmq/rabbitmq.conf", owner: "rabbitmq" },
          { name: "advanced.config", dest: "/etc/rabbitmq/advanced.config", owner: "rabbitmq" },
          { name: "rabbitmq-env.conf", dest: "/etc/rabbitmq/rabbitmq-env.conf", owner: "rabbitmq" },
        ],
        { path: "/var/log/kolla/rabbitmq", owner: "rabbitmq:rabbitmq" },
      ),
    ],
    volumes: ["rabbitmq:/var/lib/rabbitmq/"],
    health: `healthcheck_tcp ${a} 5672`,
  };
}
