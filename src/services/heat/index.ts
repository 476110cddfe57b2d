/** PURE. The heat pack: its kolla layout and its upgrade recipe. */
import { apiEndpoint, component } from "../types.js";
import type { ServicePack } from "../types.js";
import { heatSmoke, HEAT_KEPT } from "./kept.js";
import { HEAT_LOAD } from "./load.js";
import { renderHeat } from "./render.js";
import { HEAT, HEAT_KOLLA } from "./recipe.js";

export const PACK: ServicePack = {
  spec: {
    name: "heat",
    tagVar: "heat_tag",
    components: [
      // EngineService, WorkerService (convergence's check_resource casts) and the listener.
      component("heat-engine", "worker", {
        rpc: {
          process: "heat-engine",
          queues: ["engine", "engine_worker", "heat-engine-listener"],
        },
      }),
      component("heat-api", "api", { api: apiEndpoint(8004, "heat_api_back", "/", "status 300") }),
      component("heat-api-cfn", "api", { api: apiEndpoint(8000, "heat_api_cfn_back", "/") }),
    ],
    requires: ["mariadb", "rabbitmq"],
    needsKeystone: true,
    kollaDefault: true,
  },
  recipe: HEAT,
  kollaRecipe: HEAT_KOLLA,
  render: renderHeat,
  python: { package: "heat" },
  load: HEAT_LOAD,
  kept: HEAT_KEPT,
  smoke: { api: "heat-api", run: heatSmoke },
  recordableStuck: {
    kind: "heat-stack",
    sloKey: "heat_stuck_stacks",
    what: "Heat stack(s)",
    worker: "heat_engine",
  },
  database: true,
  lab: {
    source: "heat",
    packages: ["python3-heat", "heat-common", "heat-api", "heat-engine"],
    files: "heat",
    base: {
      image: "heat-base",
      packages: ["python3-heat", "heat-common"],
      closure: ["python3-heat", "heat-common", "heat-api", "heat-engine"],
      setup: { dirs: ["/var/lib/heat", "/var/log/kolla/heat", "/etc/heat"] },
    },
    images: [
      { image: "heat-api", packages: ["python3-heat", "heat-common", "heat-api"] },
      { image: "heat-engine", packages: ["python3-heat", "heat-common", "heat-engine"] },
    ],
    // openstack/releases deliverables/<series>/heat.yaml: one major per series (cycle-with-rc).
    series: {
      first: [
        ["19.0.0", "zed"],
        ["20.0.0", "2023.1"],
        ["21.0.0", "2023.2"],
        ["22.0.0", "2024.1"],
        ["23.0.0", "2024.2"],
        ["24.0.0", "2025.1"],
        ["25.0.0", "2025.2"],
        ["26.0.0", "2026.1"],
        // Released with 2026.2 on 2026-09-30 (series_status.yaml; Debian's 27.0.0-1 that day).
        ["27.0.0", "2026.2"],
      ],
      extrapolate: true,
    },
  },
  hazards: [
    {
      container: /^heat_engine$/,
      // A lost call is a timeout at the API (504). A 500 is the engine's own error reported
      // back (RemoteError: a database deadlock in run S), not this hazard.
      what: /HTTP 504|MessagingTimeout/,
      hint:
        "known hazard: a stopping heat-engine loses the RPC calls delivered to it while it closes " +
        "its connection (oslo.messaging acknowledges them after its poller has exited); the API " +
        "waits rpc_response_timeout. kroll takes each engine off the shared queues at the broker " +
        "before stopping it (upgrade.rpc_drain; the step's log says whether it could), and " +
        "[oslo_messaging_rabbit] rabbit_qos_prefetch_count = 1 narrows what is already on its way",
    },
  ],
};
