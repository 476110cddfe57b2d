/**
 * The planner at scale: a 1,000-node cloud (3 controllers, 997 computes) running 10 services,
 * planned from stable to target in full (`simulate`: every wave, as `kroll plan` prints it), and
 * the cost of one `nextWave` call (what the executor pays on every loop). Baseline, same run:
 * the same services on the 3-node lab topology. Target: the whole 1,000-node plan under 1 s.
 */
import { stringify } from "yaml";
import { parseScenarioText } from "../src/scenario/read.js";
import { desiredState } from "../src/upgrade/desired.js";
import { assumedStable, nextWave, simulate } from "../src/upgrade/planner.js";

const SERVICES = [
  "haproxy",
  "mariadb",
  "memcached",
  "rabbitmq",
  "keystone",
  "glance",
  "placement",
  "nova",
  "neutron",
  "heat",
];

function scenario(nodes: number) {
  const list = Array.from({ length: nodes }, (_, i) => ({
    name: `n${String(i + 1).padStart(4, "0")}`,
    address: `10.${Math.floor((i + 10) / 250)}.${(i + 10) % 250}.1`,
    roles: i < 3 ? ["control", "network", "compute", "monitoring", "storage"] : ["compute"],
  }));
  const text = stringify({
    name: "bench",
    cluster: { nodes: list },
    kolla: { release: "2024.1", stable: "2023.2", target: "2024.1" },
    network: { internal_vip: "10.0.0.250", neutron_external_interface: "eth1" },
    services: SERVICES,
    upgrade: {
      max_unavailable: 1,
      max_unavailable_per_group: {
        compute: "10%",
        openvswitch: "10%",
      },
    },
  });
  return parseScenarioText(text, "bench.yaml", "/bench").scenario;
}

function measure(nodes: number, repeats: number) {
  const d = desiredState(scenario(nodes));
  const initial = assumedStable(d);
  const times: number[] = [];
  let waves = 0;
  for (let i = 0; i < repeats; i++) {
    const t = process.hrtime.bigint();
    waves = simulate(d, initial).waves.length;
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const next: number[] = [];
  for (let i = 0; i < repeats * 5; i++) {
    const t = process.hrtime.bigint();
    nextWave(d, initial);
    next.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  return { containers: d.targets.length, waves, plan_ms: med(times), next_wave_ms: med(next) };
}

const base = measure(3, 20);
const big = measure(1000, 5);
const r2 = (x: number) => Math.round(x * 100) / 100;
process.stderr.write(
  `3 nodes: ${base.containers} containers, ${base.waves} waves, plan ${r2(base.plan_ms)} ms\n` +
    `1000 nodes: ${big.containers} containers, ${big.waves} waves, plan ${r2(big.plan_ms)} ms, one nextWave ${r2(big.next_wave_ms)} ms (target: plan < 1000 ms)\n`,
);
process.stdout.write(
  `${JSON.stringify({
    bench: "planner",
    nodes: 1000,
    services: SERVICES.length,
    containers: big.containers,
    waves: big.waves,
    plan_ms: r2(big.plan_ms),
    next_wave_ms: r2(big.next_wave_ms),
    baseline_nodes: 3,
    baseline_plan_ms: r2(base.plan_ms),
    ratio: r2(big.plan_ms / base.plan_ms),
    under_1s: big.plan_ms < 1000,
  })}\n`,
);
