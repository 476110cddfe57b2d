/** PURE. Settings derived from a scenario where the file leaves them to a default. */
import type { Scenario } from "./schema.js";

/** haproxy on/off: `network.enable_haproxy` when given, else whether `haproxy` is a service. */
export function haproxyEnabled(s: Scenario): boolean {
  return s.network.enable_haproxy ?? s.services.includes("haproxy");
}

/** keepalived follows haproxy unless set, as `enable_keepalived` does in kolla-ansible. */
export function keepalivedEnabled(s: Scenario): boolean {
  return s.network.enable_keepalived ?? haproxyEnabled(s);
}
