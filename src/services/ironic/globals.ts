/**
 * PURE. Ironic's keys in kolla-ansible's globals.yml: how an operator asks kolla-ansible to pin
 * Ironic's RPC, API and objects during a rolling upgrade. Up to 2024.2 through
 * `openstack_previous_release_name` with `ironic_enable_rolling_upgrade`; from 2025.1 through
 * `ironic_pin_release_version`; `ironic_enable_rolling_upgrade` is honoured up to 2025.2 (dropped
 * with Ironic 22.0.0 in 2026.1).
 */
import type { GlobalsContext, GlobalsSection } from "../types.js";

const NEW_PIN_VAR_FROM = ["2025.1", "2025.2", "2026.1", "2026.2"];
const NO_ROLLING_SWITCH = ["2026.1", "2026.2"];

export function ironicGlobals(g: GlobalsContext): GlobalsSection {
  const keys: [string, string | boolean][] = [];
  if (!NO_ROLLING_SWITCH.includes(g.release)) keys.push(["ironic_enable_rolling_upgrade", true]);
  if (g.pin !== undefined)
    keys.push([
      NEW_PIN_VAR_FROM.includes(g.release)
        ? "ironic_pin_release_version"
        : "openstack_previous_release_name",
      g.pin,
    ]);
  return { title: "Ironic rolling upgrade", keys };
}

export const IRONIC_MANAGED_GLOBALS: readonly (readonly [string, string])[] = [
  ["ironic_enable_rolling_upgrade", "upgrade.pins.ironic"],
  ["openstack_previous_release_name", "upgrade.pins.ironic"],
  ["ironic_pin_release_version", "upgrade.pins.ironic"],
];
