/**
 * PURE. The lab's images as a build graph, in build order. Every image is named as kolla names
 * it (`<registry>/<namespace>/<image>:<tag>`), built locally (no registry outside is reachable)
 * and pushed to the lab registry. Two tags of every service image, each built whole from its own
 * Debian suite (`cluster.lab.suites`, base image included):
 *   stable:   the suite the lab deploys first (default forky: OpenStack 2026.1);
 *   proposed: the suite it upgrades to (default sid: 2026.2).
 * One parameterised recipe per kind of image: kolla/base per tag (lab/images/base), and every
 * service image, a pack's base or a kolla image (lab/images/service), from its pack's `lab`.
 * The versions are resolved from the archive when the images are built (versions.ts), and are
 * build arguments, so they are part of every image's recipe hash: an image whose resolved
 * versions changed is rebuilt.
 */
import { sourcesList } from "./mirror.js";
import type { AptMirror } from "./mirror.js";
import { LAB_PACKS } from "../services/catalogue.js";
import type { ImageSetup, LabImages } from "../services/types.js";
import type { LabService, LabVersions, Resolution } from "./versions.js";

export const LAB_LABEL = "org.openstack.kroll.lab";
export const IMAGE_LABEL = "org.openstack.kroll.lab-image";
export const HASH_LABEL = "org.openstack.kroll.recipe-hash";

/** Where the host pushes, and where nodes pull the same repositories from. */
export const PUSH_REGISTRY = "localhost:5000";
export const NODE_REGISTRY_NAME = "kroll-registry";
export const NAMESPACE = "kolla";
/** The Debian base image of a suite (debootstrap minbase, imported). */
export const debianImage = (suite: string): string => `kroll-lab/debian:${suite}`;
/** The suite of the lab's own machinery (nodes, registry): this machine's Debian. */
export const HOST_SUITE = "bookworm";
export const DEBIAN_IMAGE = debianImage(HOST_SUITE);
export const NODE_IMAGE = "kroll-lab/node:latest";
export const REGISTRY_IMAGE = "kroll-lab/registry:latest";

export const LAB_TAGS = ["stable", "proposed"] as const;
export type LabTag = (typeof LAB_TAGS)[number];

export interface ImageBuild {
  /** Local reference, e.g. localhost:5000/kolla/<image>:stable. */
  readonly ref: string;
  /** The build context: a directory under lab/images/. */
  readonly dir: string;
  /** The recipe, under lab/images/ (default: `<dir>/Dockerfile`). */
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

/** The kolla images the lab provides, each in both tags: every lab pack's images. */
export const SERVICE_IMAGES: readonly string[] = LAB_PACKS.flatMap((p) =>
  p.lab.images.map((i) => i.image),
);
export type ServiceImage = string;

export const kollaRef = (image: string, tag: string, registry = PUSH_REGISTRY): string =>
  `${registry}/${NAMESPACE}/${image}:${tag}`;

const packOfImage = (image: ServiceImage): LabImages => {
  const p = LAB_PACKS.find((x) => x.lab.images.some((i) => i.image === image));
  if (!p) throw new Error(`no lab pack builds ${image}`);
  return p.lab;
};

/** The lab service (versions.ts) whose version a service image carries. */
export function serviceOf(image: ServiceImage): LabService {
  return packOfImage(image).source;
}

/** `pkg=version` for each package, at the service's version in `v`. */
const pinned = (lab: LabImages, packages: readonly string[], v: LabVersions): string =>
  packages.map((p) => `${p}=${v[lab.source] ?? ""}`).join(" ");

/** The Debian packages (with their versions) each service image holds, per tag. */
export function pinnedPackages(image: ServiceImage, v: LabVersions): string {
  const lab = packOfImage(image);
  return pinned(lab, lab.images.find((i) => i.image === image)?.packages ?? [], v);
}

/** The one recipe of every service image (lab/images/service/Dockerfile). */
export const SERVICE_RECIPE = "service/Dockerfile";

const setupArgs = (setup: ImageSetup | undefined): Record<string, string> => ({
  ...(setup?.empty?.length ? { EMPTY: setup.empty.join(" ") } : {}),
  ...(setup?.dirs?.length ? { DIRS: setup.dirs.join(" ") } : {}),
  ...(setup?.owner ? { OWNER: setup.owner } : {}),
});

export function labImagePlan(versions: Resolution, mirror: AptMirror): ImageBuild[] {
  const label = (image: ServiceImage, tag: LabTag): string => {
    const v = versions.services.find((x) => x.service === serviceOf(image))?.[tag];
    return v === undefined ? "" : `${serviceOf(image)} ${v.version} (${v.suite})`;
  };
  const hostSources = sourcesList(mirror, HOST_SUITE);
  const plan: ImageBuild[] = [
    {
      ref: NODE_IMAGE,
      dir: "node",
      parent: DEBIAN_IMAGE,
      args: { DEBIAN_IMAGE, APT_SOURCES: hostSources },
      push: false,
      packages: "docker.io openssh-server python3",
    },
    {
      ref: REGISTRY_IMAGE,
      dir: "registry",
      parent: DEBIAN_IMAGE,
      args: { DEBIAN_IMAGE, APT_SOURCES: hostSources },
      push: false,
      packages: "docker-registry",
    },
  ];
  for (const tag of LAB_TAGS) {
    const suite = versions.suites[tag];
    const v = versions[tag];
    const base = kollaRef("base", tag);
    plan.push({
      ref: base,
      dir: "base",
      parent: debianImage(suite),
      args: { DEBIAN_IMAGE: debianImage(suite), APT_SOURCES: sourcesList(mirror, suite) },
      push: false,
      packages: "python3 curl iproute2 procps socat",
    });
    // Each pack's images: on the tag's base, or on the pack's own base image. An image that
    // adds nothing to its own base takes no PACKAGES.
    for (const { lab } of LAB_PACKS) {
      let parent = base;
      let inBase: string | undefined;
      if (lab.base !== undefined) {
        parent = kollaRef(lab.base.image, tag);
        inBase = pinned(lab, lab.base.packages, v);
        plan.push({
          ref: parent,
          dir: lab.files ?? "service",
          dockerfile: SERVICE_RECIPE,
          parent: base,
          args: {
            BASE_IMAGE: base,
            PACKAGES: inBase,
            IMAGE: lab.base.image,
            ...(lab.base.closure
              ? { CLOSURE: pinned(lab, lab.base.closure, v), OWN: lab.packages.join(" ") }
              : {}),
            ...setupArgs(lab.base.setup),
          },
          push: false,
          packages: inBase,
        });
      }
      for (const image of lab.images) {
        const packages = pinned(lab, image.packages, v);
        const install = [packages, ...(image.extras ?? [])].join(" ");
        plan.push({
          ref: kollaRef(image.image, tag),
          dir: lab.base === undefined ? (lab.files ?? "service") : "service",
          dockerfile: SERVICE_RECIPE,
          parent,
          args: {
            BASE_IMAGE: parent,
            IMAGE: image.image,
            ...(packages === inBase && image.extras === undefined ? {} : { PACKAGES: install }),
            ...setupArgs(image.setup),
          },
          push: true,
          packages,
          versions: label(image.image, tag),
        });
      }
    }
  }
  return plan;
}
