/**
 * PURE. A kolla-ansible release's inventory layout: its top-level host groups and every
 * `[group:children]` section, in upstream order. The data files under layouts/ are generated
 * from the upstream samples by `npm run gen:layouts` and checked against them by a test.
 */
import type { Release } from "./releases.js";
import zed from "./layouts/zed.json" with { type: "json" };
import r2023_1 from "./layouts/2023.1.json" with { type: "json" };
import r2023_2 from "./layouts/2023.2.json" with { type: "json" };
import r2024_1 from "./layouts/2024.1.json" with { type: "json" };
import r2024_2 from "./layouts/2024.2.json" with { type: "json" };
import r2025_1 from "./layouts/2025.1.json" with { type: "json" };
import r2025_2 from "./layouts/2025.2.json" with { type: "json" };
import r2026_1 from "./layouts/2026.1.json" with { type: "json" };
import r2026_2 from "./layouts/2026.2.json" with { type: "json" };

/** The groups operators put hosts in; everything else is a `:children` group. */
export const ROLES = ["control", "network", "compute", "monitoring", "storage"] as const;
export type Role = (typeof ROLES)[number];

export interface ReleaseLayout {
  readonly release: Release;
  readonly hostGroups: readonly string[];
  readonly childGroups: ReadonlyMap<string, readonly string[]>;
  readonly passwords: { readonly keys: readonly string[]; readonly sshKeys: readonly string[] };
}

interface LayoutFile {
  release: string;
  hostGroups: string[];
  childGroups: (string | string[])[][];
  passwords: { keys: string[]; sshKeys: string[] };
}

const FILES: Record<Release, LayoutFile> = {
  zed,
  "2023.1": r2023_1,
  "2023.2": r2023_2,
  "2024.1": r2024_1,
  "2024.2": r2024_2,
  "2025.1": r2025_1,
  "2025.2": r2025_2,
  "2026.1": r2026_1,
  "2026.2": r2026_2,
};

const cache = new Map<Release, ReleaseLayout>();

export function layoutFor(release: Release): ReleaseLayout {
  const hit = cache.get(release);
  if (hit) return hit;
  const file = FILES[release];
  const childGroups = new Map<string, readonly string[]>();
  for (const [name, children] of file.childGroups) {
    childGroups.set(name as string, children as string[]);
  }
  const layout: ReleaseLayout = {
    release,
    hostGroups: file.hostGroups,
    childGroups,
    passwords: file.passwords,
  };
  cache.set(release, layout);
  return layout;
}

export function hasGroup(layout: ReleaseLayout, group: string): boolean {
  return layout.childGroups.has(group) || layout.hostGroups.includes(group);
}

/**
 * The top-level host groups a group draws its hosts from, following `:children` edges, e.g.
 * `<service>-api` → <service> → control. Cycles (none upstream) are cut.
 */
export function rolesOfGroup(layout: ReleaseLayout, group: string): Set<string> {
  const out = new Set<string>();
  const seen = new Set<string>();
  const walk = (g: string): void => {
    if (seen.has(g)) return;
    seen.add(g);
    if (layout.hostGroups.includes(g)) out.add(g);
    for (const child of layout.childGroups.get(g) ?? []) walk(child);
  };
  walk(group);
  return out;
}

/** Hosts of a group, given which top-level groups each host is in. Order: input order. */
export function hostsOfGroup(
  layout: ReleaseLayout,
  group: string,
  hosts: readonly { name: string; roles: readonly string[] }[],
): string[] {
  const roles = rolesOfGroup(layout, group);
  return hosts.filter((h) => h.roles.some((r) => roles.has(r))).map((h) => h.name);
}
