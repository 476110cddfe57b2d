// Runs mocha over the given specs and makes its closing line the truth:
//   - `.only` fails the run (--forbid-only), and so does a skipped or pending test
//     (--forbid-pending; the summary reporter counts any that slips through as failed);
//   - the exit code follows the closing line "N passed, N failed", never mocha's own count,
//     which leaves skipped tests out;
//   - if mocha ends without that line (it died, or refused to start), the run fails with a
//     closing line of its own.
// Usage: node test/support/mocha-run.mjs SPEC... (globs, as mocha takes them)
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const SUMMARY = /^(\d+) passed, (\d+) failed$/;
const REPORTER = fileURLToPath(new URL("./summary-reporter.cjs", import.meta.url));

export function runMocha(specs, { env = process.env } = {}) {
  return new Promise((resolve) => {
    // Only the specs given (not .mocharc's), with the same loader and reporter.
    const args = [
      "mocha",
      "--no-config",
      "--node-option",
      "import=tsx",
      "--extension",
      "ts",
      "--reporter",
      REPORTER,
      "--fail-zero",
      "--forbid-only",
      "--forbid-pending",
      "--timeout",
      "120000",
    ];
    for (const s of specs) args.push("--spec", s);
    const child = spawn("npx", args, { stdio: ["ignore", "pipe", "inherit"], env });
    let tail = "";
    child.stdout.on("data", (d) => {
      process.stdout.write(d);
      tail = (tail + d.toString()).slice(-4096);
    });
    child.on("close", (code, signal) => {
      const last = tail.trimEnd().split("\n").at(-1) ?? "";
      const m = SUMMARY.exec(last);
      if (!m) {
        process.stdout.write(
          `\nmocha ended without its closing line (exit ${code ?? signal})\n0 passed, 1 failed\n`,
        );
        resolve(1);
        return;
      }
      const passed = Number(m[1]);
      const failed = Number(m[2]);
      if (failed === 0 && code !== 0) {
        // mocha refused something its reporter did not count (a forbidden .only, a load error).
        process.stdout.write(`\nmocha exited ${code ?? signal}\n${passed} passed, 1 failed\n`);
        resolve(1);
        return;
      }
      resolve(failed > 0 || passed === 0 ? 1 : 0);
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exit(await runMocha(process.argv.slice(2)));
}
