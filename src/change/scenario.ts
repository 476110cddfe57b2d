/**
 * PURE. A scenario with changes under review: each changed service's target tag is its change's
 * image, and every other service stays on stable (only what the change touches is upgraded).
 */
import type { Scenario } from "../scenario/schema.js";
import type { ServiceName } from "../services/catalogue.js";

export function withChanges(
  s: Scenario,
  changes: readonly { readonly service: ServiceName; readonly tag: string }[],
): Scenario {
  if (changes.length === 0) return s;
  const changed = new Set<string>(changes.map((c) => c.service));
  const tags = { ...s.kolla.tags };
  for (const c of changes)
    tags[c.service] = { stable: tags[c.service]?.stable ?? s.kolla.stable, target: c.tag };
  const kept = new Set([
    ...s.upgrade.leave_on_stable.services,
    ...s.services.filter((x) => !changed.has(x)),
  ]);
  return {
    ...s,
    kolla: { ...s.kolla, tags },
    upgrade: {
      ...s.upgrade,
      leave_on_stable: { ...s.upgrade.leave_on_stable, services: [...kept] },
    },
  };
}
