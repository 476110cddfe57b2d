/**
 * kroll's results.subunit read back by python-subunit itself (Debian's python3-subunit, run by Debian's /usr/bin/python3,
 * installed by the test setup): the same checks as junit.xml, each with its status, its start
 * and end, and a failing one's reason attached.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunReport } from "../../src/run/model.js";
import { subunitV2 } from "../../src/run/subunit.js";

const READ_BACK = `
import json, sys, subunit, testtools
tests = []
def done(t):
    tests.append({"id": t["id"], "status": t["status"],
                  "start": t["timestamps"][0].timestamp(), "stop": t["timestamps"][1].timestamp(),
                  "reason": t["details"]["reason"].as_text() if "reason" in t["details"] else None})
result = testtools.StreamToDict(done)
result.startTestRun()
subunit.ByteStreamToStreamResult(open(sys.argv[1], "rb"), non_subunit_name="stdout").run(result)
result.stopTestRun()
print(json.dumps(tests))
`;

describe("integration: results.subunit read by python-subunit", () => {
  it("holds every check with its status, times and a failing one's reason", () => {
    const long = "x".repeat(20_000);
    const report = {
      scenario: "ironic-gate",
      startedAt: 1_764_900_000_000,
      endedAt: 1_764_900_300_000,
      phases: [
        { name: "upgrade", from: 1_764_900_010_000, to: 1_764_900_200_000, ok: true, message: "" },
        { name: "verify", from: 1_764_900_250_000, to: 1_764_900_290_500, ok: true, message: "" },
      ],
      steps: [{ wave: 3, from: 1_764_900_020_250, to: 1_764_900_031_750 }],
      checks: [
        {
          suite: "steps",
          name: "wave 3: ironic conductors on node1",
          ok: false,
          message: "2 failed request(s) — café ✓",
        },
        { suite: "slo", name: "max_failed_requests", ok: true, message: "0 of 9 requests failed" },
        { suite: "resources", name: "ironic-node n0: data", ok: false, message: long },
      ],
    } as unknown as RunReport;
    const dir = mkdtempSync(join(tmpdir(), "kroll-subunit-"));
    try {
      const file = join(dir, "results.subunit");
      writeFileSync(file, subunitV2(report));
      const r = spawnSync("/usr/bin/python3", ["-c", READ_BACK, file], { encoding: "utf8" });
      expect(r.status, r.stderr).to.equal(0);
      const tests = JSON.parse(r.stdout) as {
        id: string;
        status: string;
        start: number;
        stop: number;
        reason: string | null;
      }[];
      expect(tests.map((t) => [t.id, t.status])).to.deep.equal([
        ["kroll.ironic-gate.steps.wave 3: ironic conductors on node1", "fail"],
        ["kroll.ironic-gate.slo.max_failed_requests", "success"],
        ["kroll.ironic-gate.resources.ironic-node n0: data", "fail"],
      ]);
      // The step's own span; the SLO the upgrade's; the resources the verify phase's.
      expect(tests.map((t) => [t.start, t.stop])).to.deep.equal([
        [1_764_900_020.25, 1_764_900_031.75],
        [1_764_900_010, 1_764_900_200],
        [1_764_900_250, 1_764_900_290.5],
      ]);
      expect(tests[0]?.reason).to.equal("2 failed request(s) — café ✓");
      expect(tests[1]?.reason).to.equal(null);
      expect(tests[2]?.reason).to.equal(long);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
