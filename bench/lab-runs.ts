/**
 * The whole `kroll run`s on the lab's real release pair (OpenStack 2026.1 → 2026.2), as tests:
 * a broken image that must fail and roll back, the kolla-ansible baseline that must fail, the
 * rolling run that must pass with every mixed window covered, and the Ironic gate with a clean
 * change (as its Zuul job runs it) and an RPC-breaking one. The same mocha tests the suite ran
 * before they outgrew the CI budget (test/integration/gate-run.ts, change-gate.ts, inside
 * deploy.test.ts's lab), with KROLL_LAB_RUNS=1. Ends with one JSON line:
 * {"bench":"lab-runs","passed":N,"failed":N,"minutes":…}
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("..", import.meta.url));
const t0 = Date.now();
const r = spawnSync(
  process.execPath,
  ["test/support/mocha-one.mjs", "test/integration/deploy.test.ts"],
  {
    cwd: repo,
    env: { ...process.env, KROLL_LAB_RUNS: "1" },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 256 * 1024 * 1024,
  },
);
process.stdout.write(r.stdout ?? "");
const m = /^(\d+) passed, (\d+) failed$/m.exec(r.stdout ?? "");
process.stdout.write(
  `${JSON.stringify({
    bench: "lab-runs",
    passed: Number(m?.[1] ?? 0),
    failed: m ? Number(m[2]) : 1,
    minutes: Math.round((Date.now() - t0) / 6_000) / 10,
  })}\n`,
);
process.exit(r.status ?? 1);
