/**
 * PURE. What kroll needs to know about each kolla-ansible release it supports, beyond the
 * inventory layout (which is data in src/kolla/layouts/). Sources: kolla-ansible's
 * globals.yml samples, group_vars and release notes (see ../shared/reference/kolla-ansible.md).
 */
export const RELEASES = [
  "zed",
  "2023.1",
  "2023.2",
  "2024.1",
  "2024.2",
  "2025.1",
  "2025.2",
  "2026.1",
  "2026.2",
] as const;
export type Release = (typeof RELEASES)[number];

export interface ReleaseTraits {
  /** The release before this one: the value a service's release pin takes during an upgrade. */
  readonly previous: string;
  /**
   * How globals.yml spells booleans. The samples up to 2025.2 use quoted "yes"/"no";
   * 2026.1 switched to YAML true/false.
   */
  readonly booleans: "yes-no" | "true-false";
  /** `kolla_container_engine` exists from 2023.2 (podman support, 17.0.0). */
  readonly containerEngineKey: boolean;
  /** The sample's `enable_proxysql` default is yes from 2024.2; kroll sets it explicitly. */
  readonly proxysqlDefault: boolean;
}

export const RELEASE_TRAITS: Readonly<Record<Release, ReleaseTraits>> = {
  zed: trait("yoga", { containerEngineKey: false }),
  "2023.1": trait("zed", { containerEngineKey: false }),
  "2023.2": trait("2023.1", {}),
  "2024.1": trait("2023.2", {}),
  "2024.2": trait("2024.1", { proxysqlDefault: true }),
  "2025.1": trait("2024.2", { proxysqlDefault: true }),
  "2025.2": trait("2025.1", { proxysqlDefault: true }),
  "2026.1": trait("2025.2", { proxysqlDefault: true, booleans: "true-false" }),
  // kolla-ansible master of 2026-08-19 (stable/2026.2 not yet branched in the copy read).
  "2026.2": trait("2026.1", { proxysqlDefault: true, booleans: "true-false" }),
};

function trait(previous: string, over: Partial<ReleaseTraits>): ReleaseTraits {
  return {
    previous,
    booleans: "yes-no",
    containerEngineKey: true,
    proxysqlDefault: false,
    ...over,
  };
}

export function isRelease(s: string): s is Release {
  return (RELEASES as readonly string[]).includes(s);
}

/** Whether release `a` comes before `b` in OpenStack's order. */
export function releaseBefore(a: Release, b: Release): boolean {
  return RELEASES.indexOf(a) < RELEASES.indexOf(b);
}
