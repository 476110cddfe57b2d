/** The suite's own runner: a skipped test or a leftover .only can never end a run green. */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { REPO } from "../builders.js";

const run = (fixture: string): { code: number | null; last: string; out: string } => {
  const r = spawnSync(
    process.execPath,
    [join(REPO, "test", "support", "mocha-run.mjs"), `test/fixtures/runner/${fixture}.fixture.ts`],
    { cwd: REPO, encoding: "utf8", timeout: 110_000 },
  );
  const out = r.stdout;
  return { code: r.status, last: out.trimEnd().split("\n").at(-1) ?? "", out };
};

describe("integration: the test runner", function () {
  this.timeout(120_000);
  it("passes a clean suite, ending with exactly 'N passed, N failed'", () => {
    const r = run("pass");
    expect(r.code, r.out).to.equal(0);
    expect(r.last).to.equal("2 passed, 0 failed");
  });
  it("fails a suite with a skipped test, counting it as failed", () => {
    const r = run("skip");
    expect(r.code, r.out).to.equal(1);
    expect(r.last).to.match(/^1 passed, [1-9]\d* failed$/);
  });
  it("fails a suite with a leftover .only", () => {
    const r = run("only");
    expect(r.code, r.out).to.equal(1);
    expect(r.last).to.match(/^\d+ passed, [1-9]\d* failed$/);
  });
});
