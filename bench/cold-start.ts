/**
 * The cold path a new user meets: the lab's images, Docker's build cache and the registry's
 * storage are removed (`kroll lab down`, `docker builder prune`), then the whole `npm start`
 * (`kroll run scenarios/lab.yaml`) is timed, its lab phase (the cold `lab up`) read from the
 * run's summary. Baseline in the same run: a warm `kroll lab up` right after (nothing to build).
 * Target: the whole cold `npm start` in 15 minutes or less on 2 cores.
 *
 * DESTRUCTIVE for the lab on this machine (it is rebuilt by the bench itself); it never touches
 * what the lab did not create. BENCH_BUILD_JOBS sets KROLL_BUILD_JOBS for the cold build.
 * Ends with: {"bench":"cold-start","lab_up_s":…,"start_s":…,"images":…,"warm_lab_up_s":…,…}
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = join(fileURLToPath(new URL(".", import.meta.url)), "..");
const KROLL = join(REPO, "bin", "kroll.js");

function kroll(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; out: string; s: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [KROLL, ...args], {
      cwd: REPO,
      env,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      process.stderr.write(d);
    });
    child.on("close", (code) => resolve({ code, out, s: (Date.now() - t0) / 1000 }));
  });
}

const round = (x: number): number => Math.round(x * 10) / 10;

// 1. Nothing of the lab left: containers, volumes, network, images, registry storage, cache.
const down = await kroll(["lab", "down"]);
if (down.code !== 0) throw new Error(`kroll lab down failed (exit ${down.code})`);
spawnSync("docker", ["builder", "prune", "-af"], { stdio: "ignore" });
const left = spawnSync(
  "docker",
  ["images", "-q", "--filter", "label=org.openstack.kroll.lab-image=true"],
  { encoding: "utf8" },
).stdout.trim();
if (left !== "") throw new Error(`lab images still there after lab down: ${left}`);

// 2. The whole npm start, cold.
const runDir = join(REPO, "runs", "bench-cold-start");
const env = {
  ...process.env,
  ...(process.env.BENCH_BUILD_JOBS ? { KROLL_BUILD_JOBS: process.env.BENCH_BUILD_JOBS } : {}),
};
const start = await kroll(["run", "scenarios/lab.yaml", "--run-dir", runDir], env);
const summary = JSON.parse(readFileSync(join(runDir, "summary.json"), "utf8")) as {
  verdict: string;
  phases: { name: string; from: number; to: number; message: string }[];
  load?: { requests: number; failed: number };
};
const phase = (n: string): number => {
  const p = summary.phases.find((x) => x.name === n);
  return p ? (p.to - p.from) / 1000 : NaN;
};
const labMessage = summary.phases.find((x) => x.name === "lab")?.message ?? "";
const images = Number(/(\d+) images built/.exec(labMessage)?.[1] ?? NaN);

// 3. Baseline: a warm lab up, nothing to build.
const warm = await kroll(["lab", "up"]);

process.stdout.write(
  `${JSON.stringify({
    bench: "cold-start",
    lab_up_s: round(phase("lab")),
    start_s: round(start.s),
    images: Number.isNaN(images) ? null : images,
    build_jobs: Number(env.KROLL_BUILD_JOBS ?? 3),
    deploy_s: round(phase("deploy")),
    upgrade_s: round(phase("upgrade")),
    warm_lab_up_s: round(warm.s),
    verdict: summary.verdict,
    requests: summary.load?.requests ?? 0,
    failed: summary.load?.failed ?? 0,
    target_15_min_met: start.s <= 15 * 60,
  })}\n`,
);
