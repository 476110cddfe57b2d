/** PURE. RabbitMQ's upgrade: one broker at a time (kolla's rabbitmq.yml, serial 33%). */
import type { Recipe } from "../types.js";

export const RABBITMQ: Recipe = {
  service: "rabbitmq",
  source: "kolla-ansible ansible/rabbitmq.yml (serial 33%)",
  stages: [
    {
      kind: "roll",
      id: "brokers",
      what: "RabbitMQ brokers one at a time",
      components: ["rabbitmq"],
      settle: true,
    },
  ],
};
