/** PURE. memcached's upgrade: one server at a time (kolla's memcached role restarts each). */
import type { Recipe } from "../types.js";

export const MEMCACHED: Recipe = {
  service: "memcached",
  source: "kolla-ansible roles/memcached",
  stages: [{ kind: "roll", id: "servers", what: "memcached", components: ["memcached"] }],
};
