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

type GlobalValue = string | number | boolean;

/**
 * kolla-ansible's network keys that name a service, set from the scenario's `network` section:
 * each key, the field that sets it, and its value (undefined: not written).
 */
export const NETWORK_GLOBALS: readonly {
  readonly key: string;
  readonly field: string;
  readonly value: (s: Scenario) => GlobalValue | undefined;
}[] = [
  {
    key: "neutron_external_interface",
    field: "network.neutron_external_interface",
    value: (s) =>
      s.services.includes("neutron") ? s.network.neutron_external_interface : undefined,
  },
  {
    key: "keepalived_virtual_router_id",
    field: "network.keepalived_router_id",
    value: (s) => (vipFailoverEnabled(s) ? String(s.network.keepalived_router_id) : undefined),
  },
];

/** kolla-ansible's switches for the loadbalancer and the VIP's failover. */
export const LOADBALANCER_GLOBALS: readonly {
  readonly key: string;
  readonly field: string;
  readonly value: (s: Scenario) => boolean;
}[] = [
  { key: "enable_haproxy", field: "services", value: loadbalancerEnabled },
  { key: "enable_keepalived", field: "network.enable_keepalived", value: vipFailoverEnabled },
];

/** kolla's host variables for a node's interfaces (`cluster.nodes[].interfaces`). */
export const INTERFACE_VARS: readonly (readonly [
  field: "network" | "api" | "tunnel" | "neutron_external",
  variable: string,
])[] = [
  ["network", "network_interface"],
  ["api", "api_interface"],
  ["tunnel", "tunnel_interface"],
  ["neutron_external", "neutron_external_interface"],
];

/** kolla's VRRP daemon that moves the VIP, and the scenario field that asks for it. */
export const VIP_FAILOVER = { daemon: "keepalived", field: "network.enable_keepalived" } as const;

/** The VIP is held by VRRP only when the scenario asks for it explicitly (kroll holds it else). */
export const vipFailoverRequested = (s: Scenario): boolean => s.network.enable_keepalived === true;

/**
 * kolla's loadbalancer switches against the services: `enable_haproxy` that contradicts the
 * service list is an error; VRRP without a loadbalancer moves the VIP to nothing (a warning).
 */
export function loadbalancerSwitchIssues(
  s: Scenario,
): { level: "error" | "warning"; path: (string | number)[]; message: string }[] {
  const out: { level: "error" | "warning"; path: (string | number)[]; message: string }[] = [];
  const lb = packWithRole("loadbalancer")?.pack.spec.name ?? "";
  const on = (s.services as readonly string[]).includes(lb);
  if (s.network.enable_haproxy !== undefined && s.network.enable_haproxy !== on)
    out.push({
      level: "error",
      path: ["network", "enable_haproxy"],
      message: s.network.enable_haproxy
        ? `enable_haproxy is true but "${lb}" is not in services`
        : `enable_haproxy is false but "${lb}" is in services`,
    });
  if (s.network.enable_keepalived === true && !loadbalancerEnabled(s))
    out.push({
      level: "warning",
      path: ["network", "enable_keepalived"],
      message: "keepalived without haproxy moves the VIP but nothing listens on it",
    });
  return out;
}
