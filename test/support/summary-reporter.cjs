// Mocha's spec reporter plus the plain closing line this workplace's CI reads:
//   "N passed, N failed" (", N skipped" when any were skipped).
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
    runner.once("end", () => {
      const total = failed + skipped;
      process.stdout.write(
        `\n${passed} passed, ${total} failed${skipped ? `, ${skipped} skipped` : ""}\n`,
      );
      if (skipped > 0) process.exitCode = 1;
    });
  }
}

module.exports = SummaryReporter;
