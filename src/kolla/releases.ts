/**
 * PURE. What kroll needs to know about each kolla-ansible release it supports, beyond the
 * inventory layout (which is data in src/kolla/layouts/). Sources: kolla-ansible's
 * globals.yml samples, group_vars (`kolla_base_distro_version_default_map`) and release notes,
 * read at each release's tag.
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
  /**
   * kolla-ansible's `kolla_base_distro_version_default_map`: the distro part of the default
   * image tag, `<release>-<distro>-<version><openstack_tag_suffix>`.
   */
  readonly distroVersions: Readonly<
    Partial<Record<"centos" | "debian" | "rocky" | "ubuntu", string>>
  >;
}

const BULLSEYE = { centos: "stream9", debian: "bullseye", rocky: "9", ubuntu: "jammy" } as const;
const JAMMY = { ...BULLSEYE, debian: "bookworm" } as const;
const NOBLE = { ...JAMMY, ubuntu: "noble" } as const;
const EL10 = { ...NOBLE, centos: "stream10", rocky: "10" } as const;

export const RELEASE_TRAITS: Readonly<Record<Release, ReleaseTraits>> = {
  zed: trait("yoga", { containerEngineKey: false, distroVersions: BULLSEYE }),
  "2023.1": trait("zed", { containerEngineKey: false, distroVersions: BULLSEYE }),
  "2023.2": trait("2023.1", { distroVersions: JAMMY }),
  "2024.1": trait("2023.2", { distroVersions: JAMMY }),
  "2024.2": trait("2024.1", { proxysqlDefault: true, distroVersions: NOBLE }),
  "2025.1": trait("2024.2", { proxysqlDefault: true, distroVersions: NOBLE }),
  "2025.2": trait("2025.1", { proxysqlDefault: true, distroVersions: EL10 }),
  "2026.1": trait("2025.2", {
    proxysqlDefault: true,
    booleans: "true-false",
    distroVersions: { ...EL10, debian: "trixie" },
  }),
  // kolla-ansible master of 2026-08-19 (stable/2026.2 not yet branched in the copy read): its
  // map has no CentOS Stream any more.
  "2026.2": trait("2026.1", {
    proxysqlDefault: true,
    booleans: "true-false",
    distroVersions: { debian: "trixie", rocky: "10", ubuntu: "noble" },
  }),
};

function trait(previous: string, over: Partial<ReleaseTraits>): ReleaseTraits {
  return {
    previous,
    booleans: "yes-no",
    containerEngineKey: true,
    proxysqlDefault: false,
    distroVersions: NOBLE,
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
