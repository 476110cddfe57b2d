import { expect } from "chai";
import { compareHtml, compareRuns } from "../../../src/run/compare.js";
import type { RunReport } from "../../../src/run/model.js";
import { aDisruption, aRunReport } from "../../builders.js";

type Step = RunReport["steps"][number];
const step = (wave: number, service: string, name: string, failed: number, ms: number): Step => ({
  wave,
  service,
  step: name,
  why: "",
  nodes: ["node1"],
  from: 0,
  to: 2_000,
  status: "done",
  actions: 1,
  failedAction: undefined,
  failedRequests: failed,
  unavailableMs: ms,
  failedOperations: 0,
  firstFailure: undefined,
  hint: undefined,
  crossVersion: 0,
  firstCrossVersion: undefined,
});

const run = aRunReport;

describe("run/compare", () => {
  const rolling = run({
    steps: [step(1, "ironic", "apis", 0, 0), step(2, "ironic", "apis", 0, 0)],
    disruption: [aDisruption("ironic_api", "vip", 0)],
    checks: [
      { suite: "slo", name: "max_failed_requests", ok: true, message: "" },
      { suite: "steps", name: "wave 1: ironic apis on node1", ok: true, message: "" },
    ],
  });
  const baseline = run({
    runDir: "runs/b",
    strategy: "kolla-ansible",
    verdict: "fail",
    endedAt: 80_000,
    steps: [step(1, "ironic", "apis", 12, 4_000), step(2, "heat", "api", 3, 0)],
    disruption: [aDisruption("ironic_api", "vip", 4_000)],
    checks: [
      { suite: "slo", name: "max_failed_requests", ok: false, message: "15 failed" },
      { suite: "steps", name: "wave 7: ironic apis on node1", ok: false, message: "" },
    ],
  });

  it("puts verdict, wall time, steps (waves of one step added), disruption per API and differing checks side by side", () => {
    const c = compareRuns(rolling, baseline);
    expect(c.a).to.deep.include({ strategy: "rolling", verdict: "pass", wallS: 100, upgradeS: 60 });
    expect(c.b).to.deep.include({ strategy: "kolla-ansible", verdict: "fail", wallS: 80 });
    expect(c.steps).to.deep.equal([
      {
        step: "ironic apis",
        a: { waves: 2, failedRequests: 0, unavailableMs: 0, failedOperations: 0, seconds: 4 },
        b: { waves: 1, failedRequests: 12, unavailableMs: 4_000, failedOperations: 0, seconds: 2 },
      },
      {
        step: "heat api",
        a: undefined,
        b: { waves: 1, failedRequests: 3, unavailableMs: 0, failedOperations: 0, seconds: 2 },
      },
    ]);
    expect(c.disruption).to.deep.equal([{ api: "ironic_api via vip", a: 0, b: 4_000 }]);
    // Step checks (wave numbers differ between runs) are compared in the step table, not here.
    expect(c.checks).to.deep.equal([{ check: "slo: max_failed_requests", a: true, b: false }]);
  });

  it("renders the comparison as one page with a table each, escaped", () => {
    const html = compareHtml(compareRuns(rolling, run({ runDir: "runs/<b>" })));
    for (const id of ["runs", "steps", "disruption", "checks"])
      expect(html).to.include(`id="${id}"`);
    expect(html).to.include("runs/&lt;b&gt;");
    expect(html).to.not.include("<script");
  });
});
