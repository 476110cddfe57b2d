/** PURE. The rabbitmq pack: its kolla layout and its upgrade recipe. */
import { component } from "../types.js";
import type { ServicePack } from "../types.js";
import { RABBIT_BOOTED, rpcDrain } from "./ops.js";
import { renderRabbitmq } from "./render.js";
import { RABBITMQ } from "./recipe.js";

export const PACK: ServicePack = {
  spec: {
    name: "rabbitmq",
    tagVar: "rabbitmq_tag",
    components: [component("rabbitmq", "infra", { role: "broker" })],
    requires: [],
    needsKeystone: false,
    kollaDefault: true,
  },
  recipe: RABBITMQ,
  render: renderRabbitmq,
  lab: {
    source: "rabbitmq-server",
    packages: ["rabbitmq-server"],
    files: "rabbitmq",
    images: [
      {
        image: "rabbitmq",
        packages: ["rabbitmq-server"],
        setup: { dirs: ["/var/log/kolla/rabbitmq"], owner: "rabbitmq:rabbitmq" },
      },
    ],
  },
  adminPassword: "rabbitmq_password",
  member: RABBIT_BOOTED,
  broker: { rpcDrain },
};
