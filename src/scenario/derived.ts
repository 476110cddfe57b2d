/** PURE. Settings derived from a scenario where the file leaves them to a default. */
import { urlHost } from "../core/net.js";
import { hostsOfGroup, layoutFor } from "../kolla/layout.js";
import { isServiceName, packOf, packWithRole } from "../services/catalogue.js";
import type { Scenario } from "./schema.js";

/**
 * The loadbalancer on/off: kolla's `enable_haproxy` when the scenario sets it, else whether the
 * service that holds the loadbalancer role is enabled.
 */
export function loadbalancerEnabled(s: Scenario): boolean {
  const lb = packWithRole("loadbalancer")?.pack.spec.name;
  return s.network.enable_haproxy ?? (lb !== undefined && s.services.includes(lb));
}

/**
 * The VIP moved by VRRP (kolla's keepalived) rather than by kroll: follows the loadbalancer
 * unless set, as `enable_keepalived` does in kolla-ansible.
 */
export function vipFailoverEnabled(s: Scenario): boolean {
  return s.network.enable_keepalived ?? loadbalancerEnabled(s);
}

/**
 * The URL of a service's API component as clients reach it: through the VIP when a loadbalancer
 * runs, else at the first host that runs the component.
 */
export function frontUrl(s: Scenario, service: string, component: string): string {
  const comp = isServiceName(service)
    ? packOf(service).spec.components.find((c) => c.key === component)
    : undefined;
  if (comp?.api === undefined) throw new Error(`${service} has no API component ${component}`); // a pack's own inconsistency
  const first = hostsOfGroup(layoutFor(s.kolla.release), comp.group, s.cluster.nodes)[0];
  const address = loadbalancerEnabled(s)
    ? s.network.internal_vip
    : (s.cluster.nodes.find((n) => n.name === first)?.address ?? s.cluster.nodes[0]?.address ?? "");
  return `http://${urlHost(address)}:${comp.api.port}`;
}

/** The VIP's prefix length on its interface: the lab's subnet, else a host address. */
export function vipPrefix(s: Scenario): number {
  if (s.network.internal_vip.includes(":")) return 128;
  return s.cluster.lab ? Number(s.cluster.lab.subnet.split("/")[1]) : 32;
}
