// Mocha's spec reporter plus the plain closing line this workplace's CI reads:
//   "N passed, N failed", alone on the last line.
// A skipped test counts as a failure too: kroll's tests never skip silently.
"use strict";
const Mocha = require("mocha");

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    runner.on("pass", () => passed++);
    runner.on("fail", () => failed++);
    runner.on("pending", (test) => {
      skipped++;
      process.stdout.write(`skipped (counted as a failure): ${test.fullTitle()}\n`);
    });
    // Hooks are not timed by the spec reporter; the lab's own set-up and tear-down are, so the
    // suite's time can be accounted for from the CI log.
    const hookStart = new Map();
    runner.on("hook", (h) => hookStart.set(h, Date.now()));
    runner.on("hook end", (h) => {
      const ms = Date.now() - (hookStart.get(h) ?? Date.now());
      if (ms >= 3000)
        process.stdout.write(
          `    (${h.title} of "${h.parent?.fullTitle() ?? ""}": ${Math.round(ms / 1000)} s)\n`,
        );
    });
    const t0 = Date.now();
    runner.once("end", () => {
      process.stdout.write(`\ntests took ${Math.round((Date.now() - t0) / 1000)} s\n`);
      // The last line, exactly "N passed, N failed": skipped tests are among the failed.
      if (skipped) process.stdout.write(`\n${skipped} skipped, counted as failed\n`);
      process.stdout.write(`\n${passed} passed, ${failed + skipped} failed\n`);
      if (skipped > 0) process.exitCode = 1;
    });
  }
}

module.exports = SummaryReporter;
