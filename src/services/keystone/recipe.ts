/**
 * PURE. Keystone (keystone doc admin/upgrading.rst, zero-downtime path; kolla-ansible
 * keystone/tasks/upgrade.yml): `db_sync --expand` (and `--migrate`) on the first node, every
 * node restarted one at a time (old and new both write; triggers keep the schema in step),
 * `db_sync --contract` once the last node runs the new code.
 */
import type { Recipe } from "../types.js";

export const KEYSTONE: Recipe = {
  service: "keystone",
  source: "keystone upgrading.rst; kolla-ansible keystone/tasks/upgrade.yml + handlers",
  stages: [
    {
      kind: "oneShot",
      id: "expand",
      what: "keystone-manage db_sync --expand, --migrate",
      component: "keystone",
      on: "first",
      mode: "KOLLA_UPGRADE",
    },
    {
      kind: "roll",
      id: "nodes",
      what: "keystone-ssh, keystone-fernet, keystone per node",
      components: ["keystone-ssh", "keystone-fernet", "keystone"],
      together: true,
    },
    {
      kind: "oneShot",
      id: "contract",
      what: "keystone-manage db_sync --contract",
      component: "keystone",
      on: "last",
      mode: "KOLLA_FINISH_UPGRADE",
      afterAll: true,
    },
  ],
  notes: [
    "keystone: kolla sets MySQL log_bin_trust_function_creators=1 around expand/contract; kroll expects the site's MariaDB to allow the triggers",
  ],
};
