/**
 * PURE. The globals.yml keys kroll sets from the scenario, each with the scenario field that
 * sets it: an override of one of them is refused, naming the field to change instead.
 */
import { CATALOGUE, SERVICES } from "../services/catalogue.js";

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
  ["neutron_external_interface", "network.neutron_external_interface"],
  ["keepalived_virtual_router_id", "network.keepalived_router_id"],
  ["enable_openstack_core", "services"],
  ["enable_proxysql", "services"],
  ["enable_loadbalancer", "services"],
  ["enable_keepalived", "network.enable_keepalived"],
  ["haproxy_socket_level_admin", "kroll drains HAProxy backends, so the socket is admin-level"],
  ["kolla_enable_tls_internal", "network.tls.internal"],
  ["kolla_enable_tls_external", "network.tls.external"],
  ["ironic_enable_rolling_upgrade", "upgrade.pins.ironic"],
  ["openstack_previous_release_name", "upgrade.pins.ironic"],
  ["ironic_pin_release_version", "upgrade.pins.ironic"],
  ...SERVICES.map((svc): [string, string] => [`enable_${svc}`, "services"]),
  ...SERVICES.map((svc): [string, string] => [CATALOGUE[svc].tagVar, "kolla.tags"]),
]);
