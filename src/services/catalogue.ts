/**
 * PURE. The catalogue: what every pack says, gathered from the registry for the engines
 * (components, recipes, the order services upgrade in).
 */
import type { Release } from "../kolla/releases.js";
import { releaseBefore } from "../kolla/releases.js";
import { PACKS } from "./index.js";
import { SERVICES } from "./types.js";
import type {
  Component,
  ComponentRole,
  KeptSpec,
  LabImages,
  LoadSpec,
  Recipe,
  ServiceName,
  ServicePack,
  ServiceSpec,
  Strategy,
} from "./types.js";

export { SERVICES };
export type {
  ApiEndpoint,
  Component,
  ComponentKind,
  ComponentRole,
  Recipe,
  RpcServer,
  ServiceName,
  ServiceSpec,
  Stage,
} from "./types.js";

/** The pack of a service (what its folder under src/services/ says). */
export const packOf = (service: ServiceName): ServicePack => PACKS[service];

/** The services the lab builds images for, in site order. */
export const LAB_PACKS: readonly (ServicePack & { readonly lab: LabImages })[] = SERVICES.map(
  (s) => PACKS[s],
).filter((p): p is ServicePack & { lab: LabImages } => p.lab !== undefined);

/** The packs with a load profile of their own, in site order. */
export const LOAD_PACKS: readonly (ServicePack & { readonly load: LoadSpec })[] = SERVICES.map(
  (s) => PACKS[s],
).filter((p): p is ServicePack & { readonly load: LoadSpec } => p.load !== undefined);

/** The packs that keep resources across the upgrade, in site order. */
export const KEPT_PACKS: readonly (ServicePack & { readonly kept: KeptSpec })[] = SERVICES.map(
  (s) => PACKS[s],
).filter((p): p is ServicePack & { readonly kept: KeptSpec } => p.kept !== undefined);

export const CATALOGUE: Readonly<Record<ServiceName, ServiceSpec>> = Object.fromEntries(
  SERVICES.map((s) => [s, PACKS[s].spec]),
) as Record<ServiceName, ServiceSpec>;

export const RECIPES: Readonly<Record<ServiceName, Recipe>> = Object.fromEntries(
  SERVICES.map((s) => [s, PACKS[s].recipe]),
) as Record<ServiceName, Recipe>;

/**
 * The baseline reproduces kolla-ansible: the same one-shots and the same stage order, except
 * where kolla's handler order differs (heat restarts its APIs before its engines); the planner
 * runs each stage on every host at once, without drain or health waits.
 */
export const KOLLA_RECIPES: Readonly<Record<ServiceName, Recipe>> = Object.fromEntries(
  SERVICES.map((s) => [s, PACKS[s].kollaRecipe ?? PACKS[s].recipe]),
) as Record<ServiceName, Recipe>;

export function recipeFor(service: ServiceName, strategy: Strategy): Recipe {
  return (strategy === "kolla-ansible" ? KOLLA_RECIPES : RECIPES)[service];
}

/**
 * kolla-ansible's site.yml order (2024.1): loadbalancer first, heat last. The catalogue lists
 * services in that order already.
 */
export const SITE_ORDER: readonly ServiceName[] = SERVICES;

/**
 * The services whose mixed-version window is held by a release pin kroll can set
 * (`upgrade.pins`): Ironic's pin_release_version. Those whose recipe names a pin.
 */
export const RELEASE_PINNED: readonly ServiceName[] = SERVICES.filter(
  (s) => PACKS[s].recipe.pin !== undefined,
);

export function componentsFor(
  service: ServiceName,
  release: Release,
  /** optional: include the components deployed only on request (the VIP's failover daemon). */
  opts: { optional: boolean } = { optional: false },
): Component[] {
  return CATALOGUE[service].components.filter(
    (comp) =>
      (comp.since === undefined || !releaseBefore(release, comp.since)) &&
      (comp.optional !== true || opts.optional),
  );
}

/** Every component key of every service (for checkpoint and override validation). */
export function allComponentKeys(): string[] {
  return SERVICES.flatMap((s) => CATALOGUE[s].components.map((comp) => comp.key));
}

export function isServiceName(s: string): s is ServiceName {
  return (SERVICES as readonly string[]).includes(s);
}

export function serviceOf(component: string): ServiceName | undefined {
  for (const spec of Object.values(CATALOGUE)) {
    if (spec.name === component || spec.components.some((c) => c.key === component))
      return spec.name;
  }
  return undefined;
}

/** The pack that holds a role (the loadbalancer, the database, the broker), and its component. */
export function packWithRole(
  role: ComponentRole,
): { readonly pack: ServicePack; readonly component: Component } | undefined {
  for (const s of SERVICES) {
    const component = PACKS[s].spec.components.find((c) => c.role === role);
    if (component) return { pack: PACKS[s], component };
  }
  return undefined;
}

/** The stuck operations a scenario may choose to record rather than fail, per pack. */
export const RECORDABLE_STUCK: readonly NonNullable<ServicePack["recordableStuck"]>[] =
  SERVICES.flatMap((s) => PACKS[s].recordableStuck ?? []);

/** A component to show in help and error examples: the first worker of the lab's services. */
export const EXAMPLE_COMPONENT: string =
  LAB_PACKS.flatMap((p) => p.spec.components).find((c) => c.kind === "worker")?.key ?? "";
