/** PURE. Every service's recipe, for each strategy. */
import { SERVICES } from "../../kolla/catalogue.js";
import type { ServiceName } from "../../kolla/catalogue.js";
import type { Strategy } from "../types.js";
import { CINDER } from "./cinder.js";
import { GLANCE } from "./glance.js";
import { HEAT, HEAT_KOLLA } from "./heat.js";
import { HAPROXY, MARIADB, MEMCACHED, RABBITMQ } from "./infra.js";
import { IRONIC, IRONIC_KOLLA } from "./ironic.js";
import { KEYSTONE } from "./keystone.js";
import { NEUTRON } from "./neutron.js";
import { NOVA } from "./nova.js";
import { PLACEMENT } from "./placement.js";
import type { Recipe } from "./recipe.js";

export type { Recipe, Stage } from "./recipe.js";

export const RECIPES: Readonly<Record<ServiceName, Recipe>> = {
  haproxy: HAPROXY,
  mariadb: MARIADB,
  memcached: MEMCACHED,
  rabbitmq: RABBITMQ,
  keystone: KEYSTONE,
  glance: GLANCE,
  ironic: IRONIC,
  cinder: CINDER,
  placement: PLACEMENT,
  nova: NOVA,
  neutron: NEUTRON,
  heat: HEAT,
};

/**
 * The baseline reproduces kolla-ansible: the same one-shots and the same stage order, except
 * where kolla's handler order differs (heat restarts its APIs before its engines); the planner
 * runs each stage on every host at once, without drain or health waits.
 */
export const KOLLA_RECIPES: Readonly<Record<ServiceName, Recipe>> = {
  ...RECIPES,
  ironic: IRONIC_KOLLA,
  heat: HEAT_KOLLA,
};

export function recipeFor(service: ServiceName, strategy: Strategy): Recipe {
  return (strategy === "kolla-ansible" ? KOLLA_RECIPES : RECIPES)[service];
}

/**
 * kolla-ansible's site.yml order (2024.1): loadbalancer first, heat last. The catalogue lists
 * services in that order already.
 */
export const SITE_ORDER: readonly ServiceName[] = SERVICES;
