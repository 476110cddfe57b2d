/**
 * PURE. The lab's images as a build graph, in build order. Every image is named as kolla names
 * it (`<registry>/<namespace>/<image>:<tag>`), built locally (no registry outside is reachable)
 * and pushed to the lab registry. Two tags of every service image:
 *   stable:   Debian 12's release pool only (bookworm main);
 *   proposed: stable + one layer that adds bookworm-updates and bookworm-security and moves the
 *             service's packages to their proposed versions.
 * The versions are resolved from the archive when the images are built (versions.ts), and are
 * build arguments, so they are part of every image's recipe hash: an image whose resolved
 * versions changed is rebuilt.
 */
import { sourcesList } from "./mirror.js";
import type { AptMirror } from "./mirror.js";
import type { LabService, LabVersions, Resolution } from "./versions.js";

export const LAB_LABEL = "org.openstack.kroll.lab";
export const IMAGE_LABEL = "org.openstack.kroll.lab-image";
export const HASH_LABEL = "org.openstack.kroll.recipe-hash";

/** Where the host pushes, and where nodes pull the same repositories from. */
export const PUSH_REGISTRY = "localhost:5000";
export const NODE_REGISTRY_NAME = "kroll-registry";
export const NAMESPACE = "kolla";
export const DEBIAN_IMAGE = "kroll-lab/debian:bookworm";
export const NODE_IMAGE = "kroll-lab/node:latest";
export const REGISTRY_IMAGE = "kroll-lab/registry:latest";

export const LAB_TAGS = ["stable", "proposed"] as const;
export type LabTag = (typeof LAB_TAGS)[number];

export interface ImageBuild {
  /** Local reference, e.g. localhost:5000/kolla/ironic-api:stable. */
  readonly ref: string;
  /** Recipe directory under lab/images/. */
  readonly dir: string;
  readonly dockerfile?: string;
  /** The image this one is built FROM (its hash is part of this one's). */
  readonly parent?: string;
  readonly args: Readonly<Record<string, string>>;
  /** Pushed to the lab registry (service images), or local only (base, node, registry). */
  readonly push: boolean;
  /** The versioned packages it carries, shown by `lab status`. */
  readonly packages: string;
  /** Service images: the service's version and the suite it came from (an image label). */
  readonly versions?: string;
}

/** The kolla images the lab provides, each in both tags. */
export const SERVICE_IMAGES = [
  "mariadb-server",
  "rabbitmq",
  "haproxy",
  "ironic-api",
  "ironic-conductor",
  "heat-api",
  "heat-engine",
] as const;
export type ServiceImage = (typeof SERVICE_IMAGES)[number];

export const kollaRef = (image: string, tag: string, registry = PUSH_REGISTRY): string =>
  `${registry}/${NAMESPACE}/${image}:${tag}`;

/** The lab service (versions.ts) whose version a service image carries. */
export function serviceOf(image: ServiceImage): LabService {
  switch (image) {
    case "mariadb-server":
      return "mariadb-server";
    case "rabbitmq":
      return "rabbitmq-server";
    case "haproxy":
      return "haproxy";
    case "ironic-api":
    case "ironic-conductor":
      return "ironic";
    case "heat-api":
    case "heat-engine":
      return "heat";
  }
}

/** The Debian packages (with their versions) each service image holds, per tag. */
export function pinnedPackages(image: ServiceImage, v: LabVersions): string {
  switch (image) {
    case "mariadb-server":
      return `mariadb-server=${v["mariadb-server"]}`;
    case "rabbitmq":
      return `rabbitmq-server=${v["rabbitmq-server"]}`;
    case "haproxy":
      return `haproxy=${v.haproxy}`;
    case "ironic-api":
    case "ironic-conductor":
      return `python3-ironic=${v.ironic} ironic-common=${v.ironic}`;
    case "heat-api":
      return `python3-heat=${v.heat} heat-common=${v.heat} heat-api=${v.heat}`;
    case "heat-engine":
      return `python3-heat=${v.heat} heat-common=${v.heat} heat-engine=${v.heat}`;
  }
}

export function labImagePlan(versions: Resolution, mirror: AptMirror): ImageBuild[] {
  const s = versions.stable;
  const label = (image: ServiceImage, tag: LabTag): string => {
    const v = versions.services.find((x) => x.service === serviceOf(image))?.[tag];
    return v === undefined ? "" : `${serviceOf(image)} ${v.version} (${v.suite})`;
  };
  const base = kollaRef("base", "stable");
  const stableSources = sourcesList(mirror, "stable");
  const plan: ImageBuild[] = [
    {
      ref: NODE_IMAGE,
      dir: "node",
      parent: DEBIAN_IMAGE,
      args: { DEBIAN_IMAGE, APT_SOURCES: stableSources },
      push: false,
      packages: "docker.io openssh-server python3",
    },
    {
      ref: REGISTRY_IMAGE,
      dir: "registry",
      parent: DEBIAN_IMAGE,
      args: { DEBIAN_IMAGE, APT_SOURCES: stableSources },
      push: false,
      packages: "docker-registry",
    },
    {
      ref: base,
      dir: "base",
      parent: DEBIAN_IMAGE,
      args: { DEBIAN_IMAGE, APT_SOURCES: stableSources },
      push: false,
      packages: "python3 curl iproute2 procps socat",
    },
  ];
  const fromBase = (image: ServiceImage, dir = image): ImageBuild => ({
    ref: kollaRef(image, "stable"),
    dir,
    parent: base,
    args: { BASE_IMAGE: base, PACKAGES: pinnedPackages(image, s) },
    push: true,
    packages: pinnedPackages(image, s),
    versions: label(image, "stable"),
  });
  plan.push(fromBase("mariadb-server"), fromBase("rabbitmq"), fromBase("haproxy"));

  const ironicBase = kollaRef("ironic-base", "stable");
  plan.push({
    ref: ironicBase,
    dir: "ironic-base",
    parent: base,
    args: { BASE_IMAGE: base, PACKAGES: pinnedPackages("ironic-api", s) },
    push: false,
    packages: pinnedPackages("ironic-api", s),
  });
  for (const image of ["ironic-api", "ironic-conductor"] as const) {
    plan.push({
      ref: kollaRef(image, "stable"),
      dir: image,
      parent: ironicBase,
      args: { BASE_IMAGE: ironicBase },
      push: true,
      packages: pinnedPackages(image, s),
      versions: label(image, "stable"),
    });
  }
  const heatBase = kollaRef("heat-base", "stable");
  const heatCommon = `python3-heat=${s.heat} heat-common=${s.heat}`;
  plan.push({
    ref: heatBase,
    dir: "heat-base",
    parent: base,
    args: {
      BASE_IMAGE: base,
      PACKAGES: heatCommon,
      CLOSURE: `${heatCommon} heat-api=${s.heat} heat-engine=${s.heat}`,
    },
    push: false,
    packages: heatCommon,
  });
  for (const image of ["heat-api", "heat-engine"] as const) {
    plan.push({
      ref: kollaRef(image, "stable"),
      dir: image,
      parent: heatBase,
      args: { BASE_IMAGE: heatBase, PACKAGES: pinnedPackages(image, s) },
      push: true,
      packages: pinnedPackages(image, s),
      versions: label(image, "stable"),
    });
  }
  for (const image of SERVICE_IMAGES) {
    const stable = kollaRef(image, "stable");
    const packages = pinnedPackages(image, versions.proposed);
    plan.push({
      ref: kollaRef(image, "proposed"),
      dir: "proposed",
      parent: stable,
      args: {
        FROM_IMAGE: stable,
        PACKAGES: packages,
        APT_SOURCES: sourcesList(mirror, "proposed"),
      },
      push: true,
      packages,
      versions: label(image, "proposed"),
    });
  }
  return plan;
}
