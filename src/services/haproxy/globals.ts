/** PURE. HAProxy's keys in kolla-ansible's globals.yml. */
import type { GlobalsSection } from "../types.js";

/** kroll drains backends through the runtime API: the stats socket must be admin-level. */
export const haproxyGlobals = (): GlobalsSection => ({
  title: "kroll drains backends through the HAProxy runtime API: needs an admin-level socket",
  keys: [["haproxy_socket_level_admin", true]],
});
