/**
 * PURE. HAProxy's upgrade: HAProxy (and keepalived) on the backup hosts first, the VIP holder
 * last (kolla's loadbalancer handlers order them the same way); kroll's rolling strategy
 * replaces each in place, the new one beside the old, so the VIP never moves.
 */
import type { Recipe } from "../types.js";

export const HAPROXY: Recipe = {
  service: "haproxy",
  source: "kolla-ansible roles/loadbalancer/handlers/main.yml (backups first, VIP holder last)",
  stages: [
    {
      kind: "roll",
      id: "loadbalancers",
      what: "haproxy (and keepalived), backup hosts first, the VIP holder last",
      components: ["haproxy", "keepalived"],
      together: true,
      order: "vip-last",
    },
  ],
};
