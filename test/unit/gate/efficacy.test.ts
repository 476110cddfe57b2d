import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { judgeCase, parseCase } from "../../../src/gate/efficacy.js";
import type { RunReport } from "../../../src/run/model.js";
import { REPO } from "../../builders.js";

const report = (verdict: "pass" | "fail", failed: string[]): RunReport =>
  ({
    verdict,
    reason: verdict === "pass" ? "all checks passed" : `${failed.length} checks failed`,
    checks: [
      { suite: "slo", name: "max_failed_requests", ok: verdict === "pass", message: "" },
      ...failed.map((name) => ({ suite: "steps", name, ok: false, message: "" })),
    ],
  }) as unknown as RunReport;

describe("gate/efficacy", () => {
  it("reads every case of the catalogue: a class, what should fail and a window for each breaking one", () => {
    const cases = readdirSync(join(REPO, "changes"), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) =>
        readdirSync(join(REPO, "changes", d.name))
          .filter((f) => f.endsWith(".patch"))
          .map((f) =>
            parseCase(
              d.name,
              `changes/${d.name}/${f}`,
              readFileSync(join(REPO, "changes", d.name, f), "utf8"),
            ),
          ),
      );
    const breaking = cases.filter((c) => c.window.length > 0);
    expect(breaking.length).to.be.at.least(8);
    expect(cases.filter((c) => c.window.length === 0).map((c) => c.id)).to.include(
      "ironic/clean-log-line",
    );
    for (const c of breaking) {
      expect(c.class, c.id).to.not.equal("");
      expect(c.shouldFail, c.id).to.not.equal("");
    }
    const rpc = cases.find((c) => c.id === "ironic/rpc-renamed-argument");
    expect(rpc?.window).to.deep.equal(["conductors", "conductors-done"]);
    expect(rpc?.class).to.match(/^an RPC argument the other side does not know/);
  });

  const rpc = parseCase(
    "ironic",
    "changes/ironic/x.patch",
    "Subject: [PATCH] x\n\nCase: x.\nClass: an RPC argument\nthe other side does not know.\nShould fail: deploys.\nService: ironic\nWindow: conductors, conductors-done\n---\n",
  );

  it("continues a header over its following lines", () => {
    expect(rpc.class).to.equal("an RPC argument the other side does not know");
  });

  it("is caught and attributed when the earliest failing step is in the case's window", () => {
    const v = judgeCase(
      rpc,
      report("fail", ["wave 7: ironic apis on node1", "wave 3: ironic conductors on node1"]),
    );
    expect([v.caught, v.attributed, v.step]).to.deep.equal([true, true, "ironic conductors"]);
    const cp = judgeCase(rpc, report("fail", ["wave 5: ironic checkpoint conductors-done"]));
    expect([cp.caught, cp.attributed, cp.step]).to.deep.equal([
      true,
      true,
      "ironic conductors-done",
    ]);
  });

  it("is caught but not attributed when the first failing step is outside the window, or no step failed", () => {
    const late = judgeCase(rpc, report("fail", ["wave 7: ironic apis on node1"]));
    expect([late.caught, late.attributed]).to.deep.equal([true, false]);
    const noStep = judgeCase(rpc, report("fail", []));
    expect([noStep.caught, noStep.attributed, noStep.failingCheck]).to.deep.equal([
      true,
      false,
      "max_failed_requests",
    ]);
  });

  it("is a miss when the run passed, and a clean case is judged on passing", () => {
    expect(judgeCase(rpc, report("pass", [])).caught).to.equal(false);
    const clean = parseCase("ironic", "c.patch", "Subject: c\n\nCase: clean.\nWindow: -\n---\n");
    expect(clean.window).to.deep.equal([]);
    expect(judgeCase(clean, report("pass", [])).caught).to.equal(true);
    expect(judgeCase(clean, report("fail", ["wave 3: ironic conductors"])).caught).to.equal(false);
    expect(judgeCase(rpc, undefined).verdict).to.equal("no report");
  });
});
