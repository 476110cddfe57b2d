/**
 * PURE. The scenario → kolla-ansible's globals.yml for one release and phase. Keys appear in
 * a stable order with short comments; booleans are spelt the way that release's sample spells
 * them ("yes"/"no" up to 2025.2, true/false from 2026.1). Every service kroll knows gets an
 * explicit enable_<svc>, so kolla's own defaults (enable_openstack_core) never switch on
 * something the scenario did not ask for.
 */
import { stringify } from "yaml";
import { CATALOGUE, SERVICES } from "../kolla/catalogue.js";
import { RELEASE_TRAITS } from "../kolla/releases.js";
import type { Scenario } from "../scenario/schema.js";
import { haproxyEnabled, keepalivedEnabled } from "../scenario/derived.js";
import { componentTagVars, defaultTag, serviceTag } from "./phase.js";
import type { Phase } from "./phase.js";

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

type Scalar = string | number | boolean;
type Entry = readonly [key: string, value: Scalar] | readonly [comment: `# ${string}`];

export function renderGlobals(s: Scenario, phase: Phase): string {
  const traits = RELEASE_TRAITS[s.kolla.release];
  const bool = (b: boolean): string =>
    traits.booleans === "true-false" ? String(b) : b ? '"yes"' : '"no"';
  const lb = haproxyEnabled(s);
  const enabled = new Set(s.services);
  const entries: Entry[] = [];
  const add = (key: string, value: Scalar): void => void entries.push([key, value]);
  const section = (title: string): void => void entries.push([`# ${title}`]);

  add("workaround_ansible_issue_8743", true);

  section("Kolla");
  add("config_strategy", s.kolla.config_strategy);
  add("kolla_base_distro", s.kolla.base_distro);
  add("openstack_release", s.kolla.release);
  add("openstack_tag", defaultTag(s, phase));
  if (traits.containerEngineKey) add("kolla_container_engine", "docker");

  section("Networking");
  add("kolla_internal_vip_address", s.network.internal_vip);
  if (s.network.external_vip !== undefined)
    add("kolla_external_vip_address", s.network.external_vip);
  add("network_interface", s.network.interface);
  if (s.network.api_interface !== undefined) add("api_interface", s.network.api_interface);
  if (enabled.has("neutron") && s.network.neutron_external_interface !== undefined) {
    add("neutron_external_interface", s.network.neutron_external_interface);
  }
  if (keepalivedEnabled(s))
    add("keepalived_virtual_router_id", String(s.network.keepalived_router_id));
  add("kolla_enable_tls_internal", s.network.tls.internal);
  add("kolla_enable_tls_external", s.network.tls.external);

  section("Container registry");
  if (s.kolla.registry !== undefined) add("docker_registry", s.kolla.registry);
  add("docker_registry_insecure", s.kolla.registry_insecure);
  add("docker_namespace", s.kolla.namespace);

  section("Services: every one explicit, so kolla's enable_openstack_core adds nothing");
  add("enable_openstack_core", false);
  add("enable_haproxy", lb);
  add("enable_keepalived", keepalivedEnabled(s));
  // kroll puts MariaDB behind HAProxy (one active server, the others backup) as kolla did
  // before ProxySQL became the default in 2024.2.
  add("enable_proxysql", false);
  for (const svc of SERVICES) if (svc !== "haproxy") add(`enable_${svc}`, enabled.has(svc));
  if (lb) {
    section("kroll drains backends through the HAProxy runtime API: needs an admin-level socket");
    add("haproxy_socket_level_admin", true);
  }

  const tagLines: [string, string][] = [];
  for (const svc of s.services) {
    const tag = serviceTag(s, svc, phase);
    if (tag !== defaultTag(s, phase)) tagLines.push([CATALOGUE[svc].tagVar, tag]);
  }
  tagLines.push(...componentTagVars(s, phase));
  if (tagLines.length > 0) {
    section(
      phase === "stable"
        ? "Image tags that differ from openstack_tag"
        : "Image tags that differ from openstack_tag (services left on stable included)",
    );
    for (const [k, v] of tagLines) add(k, v);
  }

  if (enabled.has("ironic")) {
    const pin = s.upgrade.pins.ironic;
    section("Ironic rolling upgrade");
    if (traits.ironicRollingUpgradeVar) add("ironic_enable_rolling_upgrade", true);
    if (pin !== undefined) add(traits.ironicPinVar, pin);
  }

  const typed = entries.map((e): string => {
    if (e.length === 1) return `\n${e[0]}`;
    const [key, value] = e;
    if (typeof value === "boolean") return `${key}: ${bool(value)}`;
    if (typeof value === "number") return `${key}: ${value}`;
    return `${key}: ${JSON.stringify(value)}`;
  });
  const extra = Object.entries(s.kolla.globals);
  const extraText =
    extra.length === 0
      ? ""
      : `\n# Extra keys from the scenario (kolla.globals)\n${stringify(Object.fromEntries(extra), { lineWidth: 0 })}`;
  return (
    `# kolla-ansible globals.yml for ${s.kolla.release}, ${phase} phase, generated by kroll from scenario "${s.name}".\n` +
    `# Re-run \`kroll inventory\` instead of editing: changes here are overwritten.\n---\n` +
    `${typed.join("\n")}\n${extraText}`
  );
}
