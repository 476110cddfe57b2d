/**
 * PURE. The globals.yml keys kroll sets from the scenario, each with the scenario field that
 * sets it: an override of one of them is refused, naming the field to change instead.
 */
import { CATALOGUE, packOf, SERVICES } from "../services/catalogue.js";
import { LOADBALANCER_GLOBALS, NETWORK_GLOBALS } from "./derived.js";

/** Keys kroll derives from the scenario, with the field to change instead. */
export const MANAGED_GLOBALS: ReadonlyMap<string, string> = new Map([
  ["openstack_release", "kolla.release"],
  ["kolla_base_distro", "kolla.base_distro"],
  ["openstack_tag", "kolla.stable / kolla.target"],
  ["config_strategy", "kolla.config_strategy"],
  ["kolla_container_engine", "kroll drives Docker"],
  ["docker_registry", "kolla.registry"],
  ["docker_registry_insecure", "kolla.registry_insecure"],
  ["docker_namespace", "kolla.namespace"],
  ["kolla_internal_vip_address", "network.internal_vip"],
  ["kolla_external_vip_address", "network.external_vip"],
  ["network_interface", "network.interface"],
  ["api_interface", "network.api_interface"],
  ["enable_openstack_core", "services"],
  ["enable_proxysql", "services"],
  ["enable_loadbalancer", "services"],
  ["kolla_enable_tls_internal", "network.tls.internal"],
  ["kolla_enable_tls_external", "network.tls.external"],
  ...NETWORK_GLOBALS.map((g): [string, string] => [g.key, g.field]),
  ...SERVICES.map((svc): [string, string] => [`enable_${svc}`, "services"]),
  ...LOADBALANCER_GLOBALS.map((g): [string, string] => [g.key, g.field]),
  // Each pack's own keys, with what sets them.
  ...SERVICES.flatMap((svc) => packOf(svc).managedGlobals ?? []),
  ...SERVICES.map((svc): [string, string] => [CATALOGUE[svc].tagVar, "kolla.tags"]),
]);
