/** PURE. The ironic pack: its kolla layout and its upgrade recipe. */
import { apiEndpoint, component } from "../types.js";
import type { ServicePack } from "../types.js";
import { ironicSmoke, IRONIC_KEPT } from "./kept.js";
import { IRONIC_LOAD } from "./load.js";
import { NO_WAIT_STATES, ringOut } from "./ops.js";
import { IRONIC_MANAGED_GLOBALS, ironicGlobals } from "./globals.js";
import { renderIronic } from "./render.js";
import { IRONIC, IRONIC_KOLLA } from "./recipe.js";

export const PACK: ServicePack = {
  spec: {
    name: "ironic",
    tagVar: "ironic_tag",
    components: [
      component("ironic-conductor", "worker", {
        dbRing: {
          // The APIs' ring: kroll's lab reads it for every request; Ironic's default may keep it
          // 15 s (docs/lab-findings.md, "Ironic's conductor clears its own node locks").
          settleMs: 2_000,
          // Fake hardware's longest step takes seconds; a real deploy step can hold a node's
          // lock longer, and then the conductor's stop clears it as before.
          timeoutMs: 60_000,
        },
      }),
      component("ironic-api", "api", {
        api: apiEndpoint(6385, "ironic_api_back", "/v1/", "status 200"),
      }),
    ],
    // Ironic talks json-rpc between API and conductors in kroll's layout: no broker needed.
    requires: ["mariadb"],
    needsKeystone: true,
    kollaDefault: false,
  },
  recipe: IRONIC,
  kollaRecipe: IRONIC_KOLLA,
  render: renderIronic,
  python: { package: "ironic" },
  load: IRONIC_LOAD,
  kept: IRONIC_KEPT,
  smoke: { api: "ironic-api", run: ironicSmoke },
  idle: NO_WAIT_STATES,
  globals: ironicGlobals,
  managedGlobals: IRONIC_MANAGED_GLOBALS,
  ringOut,
  database: true,
  lab: {
    source: "ironic",
    packages: ["python3-ironic", "ironic-common"],
    files: "ironic",
    // The dependency closure first, Ironic itself on top: two versions share the first layer.
    // The lab drives fake hardware only: ironic-conductor's PXE/IPMI tooling is left out.
    base: {
      image: "ironic-base",
      packages: ["python3-ironic", "ironic-common"],
      closure: ["python3-ironic", "ironic-common"],
      setup: { dirs: ["/var/lib/ironic", "/var/log/kolla/ironic", "/etc/ironic"] },
    },
    images: [
      {
        image: "ironic-api",
        packages: ["python3-ironic", "ironic-common"],
        // The API runs under uWSGI, as kolla runs it (2025.2 on).
        extras: ["uwsgi", "uwsgi-plugin-python3"],
      },
      { image: "ironic-conductor", packages: ["python3-ironic", "ironic-common"] },
    ],
    // openstack/releases deliverables/<series>/ironic.yaml: Ironic releases several times a
    // series (cycle-with-intermediary), so a major past the table's is of an unknown series.
    series: {
      first: [
        ["20.2.0", "zed"],
        ["21.2.0", "2023.1"],
        ["22.0.0", "2023.2"],
        ["23.1.0", "2024.1"],
        ["25.0.0", "2024.2"],
        ["27.0.0", "2025.1"],
        ["30.0.0", "2025.2"],
        ["33.0.0", "2026.1"],
        ["36.0.0", "2026.2"],
      ],
      // 39.0.0's own release mapping names it 2026.2 (ironic/common/release_mappings.py).
      through: "39.99",
    },
  },
  hazards: [
    {
      container: /^ironic_conductor$/,
      // Over JSON-RPC the stopping conductor's RuntimeError reaches the API as "Unexpected
      // error raised by RPC" (the API only re-raises ironic's own exception classes).
      what: /Can not schedule new futures|Unexpected error raised by RPC|Unable to establish connection to http|NodeNotLocked|not to be locked/,
      hint:
        "known hazard: Ironic 2023.1's conductor stop clears its node locks before its tasks end " +
        "and shuts its worker pool while an API's hash ring still names it; kroll takes each " +
        "conductor out of the ring and waits for its locks first (upgrade.rpc_drain; the step's " +
        "log says whether it could), and [DEFAULT] hash_ring_reset_interval = 0 on ironic-api " +
        "makes the APIs see it at once",
    },
  ],
};
