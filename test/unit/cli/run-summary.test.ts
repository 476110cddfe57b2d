import { expect } from "chai";
import { summaryLines, tickerLine } from "../../../src/cli/run-summary.js";
import { aRunReport } from "../../builders.js";

describe("cli/run-summary: what kroll run prints", () => {
  it("lists failing checks first, passing ones but the steps, the steps in one line, and the run's table", () => {
    const r = aRunReport({
      verdict: "fail",
      reason: "1 of 3 checks failed: max_failed_requests",
      checks: [
        { suite: "steps", name: "ironic conductors on node1", ok: true, message: "wave 7: fine" },
        { suite: "slo", name: "p99_latency", ok: true, message: "p99 300 ms" },
        { suite: "slo", name: "max_failed_requests", ok: false, message: "3 of 900 failed" },
      ],
    });
    const out = summaryLines(r, (f) => `runs/x/${f}`).join("\n");
    expect(out.indexOf("max_failed_requests")).to.be.below(out.indexOf("p99_latency"));
    expect(out).to.match(/ {2}FAIL\s+slo\s+max_failed_requests\s+3 of 900 failed/);
    expect(out).to.not.include("ironic conductors on node1");
    expect(out).to.include(
      "  pass   steps  1 upgrade steps without failures (junit.xml lists each)",
    );
    expect(out).to.match(/ {2}verdict\s+FAIL: 1 of 3 checks failed: max_failed_requests/);
    expect(out).to.match(/ {2}report\s+runs\/x\/report\.html/);
  });

  it("shows time, phase, wave, requests and open operations in the progress line", () => {
    expect(
      tickerLine(
        61_400,
        { phase: "upgrade", wave: "wave 5 mariadb members on node2" },
        { requests: 100, failed: 2, openOperations: 3 },
      ),
    ).to.equal(
      "[61 s] upgrade · wave 5 mariadb members on node2 · requests 98 ok / 2 failed · 3 open operations",
    );
    expect(
      tickerLine(0, { phase: "deploy", wave: "" }, { requests: 0, failed: 0, openOperations: 0 }),
    ).to.equal("[0 s] deploy · requests 0 ok / 0 failed · 0 open operations");
  });
});
