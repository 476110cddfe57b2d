/**
 * Docker API latency to a lab node: kroll's transport (dockerode over a stream forwarded on the
 * node's one persistent ssh2 connection) against dockerode's own `protocol: "ssh"` (a new SSH
 * connection per call), same node, same run. Calls: GET /version and a container inspect.
 * Target: kroll p50 ≤ 5 ms and ≥ 20× faster. Needs the lab (`kroll lab up`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Dockerode from "dockerode";
import { connectCluster } from "../src/cluster/connect.js";
import { connectDockerOverSsh } from "../src/cluster/docker/dockerode-docker-api.js";
import { keysFor, verifyHostKey } from "../src/cluster/ssh/known-hosts.js";
import { silentLogger } from "../src/core/logger.js";
import { readScenario } from "../src/scenario/read.js";

const N_FAST = Number(process.env.BENCH_N ?? 300);
const N_SLOW = Number(process.env.BENCH_N_BASELINE ?? 30);
const IMAGE = "kroll-registry:5000/kolla/haproxy:stable";
const CONTAINER = "kroll_bench_target";

const scenarioFile = join(import.meta.dirname, "..", "inventories", "lab", "scenario.yaml");
const s = (
  await readScenario(scenarioFile).catch(() => {
    process.stderr.write(`no lab: ${scenarioFile} is missing; run \`kroll lab up\` first\n`);
    process.exit(3);
  })
).scenario;
const node = s.cluster.nodes[0]!;

const pct = (xs: number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
async function time(n: number, f: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await f();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out;
}

const cluster = await connectCluster(s, silentLogger);
const docker = connectDockerOverSsh(cluster.shell(node.name));
try {
  // A container to inspect: created from a lab image, never started.
  if (!(await docker.hasImage(IMAGE))) await docker.pull(IMAGE);
  await docker.remove(CONTAINER);
  await docker.create({
    name: CONTAINER,
    image: IMAGE,
    env: {},
    labels: {},
    binds: [],
    hostNetwork: false,
    restartPolicy: "no",
    command: ["true"],
  });

  await time(20, () => docker.version()); // warm-up: first streams, keep-alive sockets
  const fastVersion = await time(N_FAST, () => docker.version());
  const fastInspect = await time(N_FAST, () => docker.inspect(CONTAINER));
  const fastPing = await time(N_FAST, () => docker.ping());

  const known = keysFor(readFileSync(node.ssh.known_hosts!, "utf8"), node.address, node.ssh.port);
  const baseline = new Dockerode({
    protocol: "ssh",
    host: node.address,
    port: node.ssh.port,
    username: node.ssh.user,
    sshOptions: {
      privateKey: readFileSync(node.ssh.private_key!, "utf8"),
      hostVerifier: (key: Buffer) =>
        verifyHostKey(
          known,
          key.subarray(4, 4 + key.readUInt32BE(0)).toString(),
          key.toString("base64"),
        ) === "trusted",
    },
  });
  const slowVersion = await time(N_SLOW, () => baseline.version());
  const slowInspect = await time(N_SLOW, () => baseline.getContainer(CONTAINER).inspect());
  const slowPing = await time(N_SLOW, () => baseline.ping());

  const r = (x: number): number => Math.round(x * 100) / 100;
  const result = {
    bench: "docker-over-ssh",
    node: node.name,
    calls: { kroll: N_FAST * 3, baseline: N_SLOW * 3 },
    version_p50_ms: r(pct(fastVersion, 50)),
    version_p99_ms: r(pct(fastVersion, 99)),
    inspect_p50_ms: r(pct(fastInspect, 50)),
    inspect_p99_ms: r(pct(fastInspect, 99)),
    baseline_version_p50_ms: r(pct(slowVersion, 50)),
    baseline_version_p99_ms: r(pct(slowVersion, 99)),
    baseline_inspect_p50_ms: r(pct(slowInspect, 50)),
    baseline_inspect_p99_ms: r(pct(slowInspect, 99)),
    // /_ping: no work on the engine's side, so this is the transport itself.
    ping_p50_ms: r(pct(fastPing, 50)),
    ping_p99_ms: r(pct(fastPing, 99)),
    baseline_ping_p50_ms: r(pct(slowPing, 50)),
    ping_ratio: r(pct(slowPing, 50) / pct(fastPing, 50)),
    p50_ms: r(pct([...fastVersion, ...fastInspect], 50)),
    ratio: r(pct([...slowVersion, ...slowInspect], 50) / pct([...fastVersion, ...fastInspect], 50)),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await docker.remove(CONTAINER).catch(() => undefined);
  docker.close();
  cluster.close();
}
