// The whole test suite, as the README's test command and .ci/run call it:
//   1. make sure prerequisites are installed (never skip a test for want of them);
//   2. type-check, lint, and check the import rules (no cycle, layers import downwards);
//   3. run every mocha test, unit and integration, ending with "N passed, N failed" (a skipped
//      test or a leftover .only fails the run: mocha-run.mjs).
import { spawnSync } from "node:child_process";
import { runMocha } from "./mocha-run.mjs";
import { ensureAll } from "./prerequisites.mjs";

function step(name, cmd, args) {
  process.stdout.write(`\n== ${name}\n`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  process.stdout.write(`(${name}: ${Math.round((Date.now() - t0) / 1000)} s)\n`);
  if (r.status !== 0) {
    process.stdout.write(
      `\n${name} failed (exit ${r.status ?? r.signal}); no tests were run\n0 passed, 1 failed\n`,
    );
    process.exit(1);
  }
}

try {
  ensureAll();
} catch (e) {
  process.stdout.write(
    `prerequisites: ${e instanceof Error ? e.message : String(e)}\n0 passed, 1 failed\n`,
  );
  process.exit(1);
}
step("typecheck", "npx", ["tsc", "-p", "tsconfig.json"]);
step("lint", "npx", ["eslint", "--max-warnings", "0", "."]);
step("imports", "npx", ["depcruise", "src", "--config", ".dependency-cruiser.cjs"]);
step("format", "npx", ["prettier", "--check", "--log-level", "warn", "."]);
process.stdout.write("\n== tests\n");
process.stdout.write(
  "(the five whole `kroll run`s on the lab's release pair run as `npm run bench -- lab-runs`: over the CI budget)\n",
);
process.exit(
  await runMocha(["test/unit/**/*.test.ts", "test/integration/**/*.test.ts"], {
    env: { ...process.env, KROLL_SUITE: "all" },
  }),
);
