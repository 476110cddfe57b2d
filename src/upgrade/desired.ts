/**
 * PURE. What the upgrade aims at, from the scenario: every component kolla lays out on every
 * host of its group, with the image it runs before (stable) and after (target; stable again
 * for what `upgrade.leave_on_stable` keeps back), its HAProxy backend, its stop grace.
 */
import { CATALOGUE, componentsFor } from "../services/catalogue.js";
import type { ComponentRole, ServiceName } from "../services/catalogue.js";
import { RELEASE_TRAITS } from "../kolla/releases.js";
import { hostsOfGroup, layoutFor } from "../kolla/layout.js";
import { tagFor } from "../inventory/phase.js";
import type { Phase } from "../inventory/phase.js";
import { loadbalancerEnabled, vipFailoverEnabled } from "../scenario/derived.js";
import type { Scenario } from "../scenario/schema.js";
import { SITE_ORDER, RECIPES } from "../services/catalogue.js";
import type { Desired, Strategy, Target } from "./types.js";

export function imageFor(
  s: Scenario,
  svc: ServiceName,
  component: string,
  host: string,
  phase: Phase,
): string {
  const comp = CATALOGUE[svc].components.find((c) => c.key === component);
  const registry = s.kolla.registry === undefined ? "quay.io" : s.kolla.registry;
  return `${registry}/${s.kolla.namespace}/${comp?.image ?? component}:${tagFor(s, svc, component, host, phase)}`;
}

/** Upgrade order: the scenario's `upgrade.order` first, the rest in kolla's site.yml order. */
export function upgradeOrder(s: Scenario): ServiceName[] {
  const first = (s.upgrade.order ?? []).filter((x) => s.services.includes(x));
  return [...first, ...SITE_ORDER.filter((x) => s.services.includes(x) && !first.includes(x))];
}

export function desiredState(
  s: Scenario,
  opts: { strategy?: Strategy; configHashes?: ReadonlyMap<string, string> } = {},
): Desired {
  const layout = layoutFor(s.kolla.release);
  const nodes = s.cluster.nodes;
  const addr = (h: string): string => nodes.find((n) => n.name === h)?.address ?? h;
  const lbOn = loadbalancerEnabled(s);
  const targets: Target[] = [];
  const order = upgradeOrder(s);
  for (const svc of order) {
    const recipe = RECIPES[svc];
    for (const comp of componentsFor(svc, s.kolla.release, { optional: vipFailoverEnabled(s) })) {
      for (const host of hostsOfGroup(layout, comp.group, nodes)) {
        const grace = s.upgrade.stop_grace_per_component[comp.key] ?? s.upgrade.stop_grace;
        targets.push({
          node: host,
          address: addr(host),
          service: svc,
          component: comp.key,
          group: comp.group,
          ...(comp.role === undefined ? {} : { role: comp.role }),
          kind: comp.kind,
          container: comp.container,
          stable: imageFor(s, svc, comp.key, host, "stable"),
          image: imageFor(s, svc, comp.key, host, "target"),
          heldBack:
            s.upgrade.leave_on_stable.hosts.includes(host) ||
            s.upgrade.leave_on_stable.services.includes(svc) ||
            s.upgrade.leave_on_stable.services.includes(comp.key),
          configDir: `/etc/kolla/${comp.key}/`,
          configFile: recipe.pin?.file,
          backend: !lbOn ? undefined : (comp.backend ?? comp.api?.backend),
          stopGraceS: Math.round(grace / 1000),
          configHash: opts.configHashes?.get(`${host} ${comp.container}`),
          rpc: comp.rpc,
          // kroll renders each conductor's [DEFAULT] host as its node's address.
          ...(comp.dbRing ? { ring: { host: addr(host), ...comp.dbRing } } : {}),
          ...(comp.clientDrain ? { clientDrain: comp.clientDrain } : {}),
        });
      }
    }
  }
  /** The targets of the components with this role (in host order): database members, brokers. */
  const withRole = (role: ComponentRole): Target[] => targets.filter((t) => t.role === role);
  const pins: Partial<Record<ServiceName, string>> = {};
  for (const svc of order) {
    if (RECIPES[svc].pin === undefined) continue;
    pins[svc] =
      s.upgrade.pins[svc] ?? s.kolla.stable_release ?? RELEASE_TRAITS[s.kolla.release].previous;
  }
  return {
    scenario: s.name,
    strategy: opts.strategy ?? s.upgrade.strategy,
    order,
    targets,
    loadbalancers: lbOn ? hostsOfGroup(layout, "loadbalancer", nodes) : [],
    vip: s.network.internal_vip,
    vipManaged: lbOn && !vipFailoverEnabled(s),
    // The server HAProxy sends database traffic to: the database's first host (kolla's order).
    databaseActive: withRole("database")[0]?.node,
    pins,
    release: s.kolla.release,
    maxUnavailable: s.upgrade.max_unavailable,
    maxUnavailablePerGroup: s.upgrade.max_unavailable_per_group,
    drain: s.upgrade.drain,
    rpcDrain: s.upgrade.rpc_drain,
    databases: withRole("database").map(({ node, container }) => ({ node, container })),
    brokers: withRole("broker").map(({ node, container }) => ({ node, container })),
    drainTimeoutMs: s.upgrade.drain_timeout,
    healthyTimeoutMs: s.upgrade.healthy_timeout,
    checkpoints: s.upgrade.checkpoints,
    heldBack: s.upgrade.leave_on_stable,
  };
}
