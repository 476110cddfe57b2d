/**
 * PURE. Which image tag each service (and each host) runs in a phase: `stable` is what
 * `kroll deploy` lays down; `target` is the end state of the upgrade, where services and hosts
 * in `upgrade.leave_on_stable` keep their stable tag (mixed-version states on purpose).
 */
import { CATALOGUE } from "../services/catalogue.js";
import type { ServiceName } from "../services/catalogue.js";
import type { Scenario } from "../scenario/schema.js";

export type Phase = "stable" | "target";
export const PHASES: readonly Phase[] = ["stable", "target"];

/** The cluster-wide default tag of a phase (`openstack_tag`). */
export function defaultTag(s: Scenario, phase: Phase): string {
  return phase === "stable" ? s.kolla.stable : s.kolla.target;
}

/** A service's tag across the cluster in a phase, before per-host overrides. */
export function serviceTag(s: Scenario, svc: ServiceName, phase: Phase): string {
  const pair = s.kolla.tags[svc];
  const stable = pair?.stable ?? s.kolla.stable;
  if (phase === "stable") return stable;
  if (s.upgrade.leave_on_stable.services.includes(svc)) return stable;
  return pair?.target ?? s.kolla.target;
}

/**
 * Per-component tags that differ from their service's tag: components left on stable during
 * the target phase (e.g. a compute service's agent). Key: kolla's per-component variable
 * (`<component>_tag`, dashes as underscores).
 */
export function componentTagVars(s: Scenario, phase: Phase): [string, string][] {
  if (phase === "stable") return [];
  const out: [string, string][] = [];
  for (const svc of s.services) {
    for (const comp of CATALOGUE[svc].components) {
      // A component named like its service is covered by the service's own tag.
      if (comp.key === svc || !s.upgrade.leave_on_stable.services.includes(comp.key)) continue;
      out.push([componentTagVar(comp.key), serviceTag(s, svc, "stable")]);
    }
  }
  return out;
}

export function componentTagVar(componentKey: string): string {
  return `${componentKey.replaceAll("-", "_")}_tag`;
}

/** Host vars that pin a host's images: `host_tags` and hosts left on stable. */
export function hostTagVars(s: Scenario, host: string, phase: Phase): [string, string][] {
  const out = new Map<string, string>();
  if (phase === "target" && s.upgrade.leave_on_stable.hosts.includes(host)) {
    for (const svc of s.services) out.set(CATALOGUE[svc].tagVar, serviceTag(s, svc, "stable"));
  }
  for (const [svc, pair] of Object.entries(s.kolla.host_tags[host] ?? {})) {
    const tag = pair[phase];
    if (tag !== undefined) out.set(CATALOGUE[svc as ServiceName].tagVar, tag);
  }
  return [...out];
}

/**
 * The tag one component runs on one host in a phase, as kolla resolves its variables: a
 * host_tags override wins; in the target phase, hosts and components left on stable keep the
 * stable tag; otherwise the service's tag.
 */
export function tagFor(
  s: Scenario,
  svc: ServiceName,
  component: string,
  host: string,
  phase: Phase,
): string {
  const hostPair = s.kolla.host_tags[host]?.[svc];
  const hostTag = hostPair?.[phase];
  if (hostTag !== undefined) return hostTag;
  if (
    phase === "target" &&
    (s.upgrade.leave_on_stable.hosts.includes(host) ||
      s.upgrade.leave_on_stable.services.includes(component))
  ) {
    return hostPair?.stable ?? serviceTag(s, svc, "stable");
  }
  return serviceTag(s, svc, phase);
}
