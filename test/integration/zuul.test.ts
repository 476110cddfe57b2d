/**
 * kroll's Zuul job files run by a real ansible-playbook (test/support/zuul-job.ts): the
 * multinode job's scenario made from the inventory (planned, not run: no three servers here),
 * and a harness failure ending in post-run (POST_FAILURE), never read as the change's. The lab
 * job's whole gate run through the playbooks is in change-gate.ts (it needs the lab).
 */
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { REPO } from "../builders.js";
import { zuulJob } from "../support/zuul-job.js";

describe("integration: kroll's Zuul job files under ansible-playbook", function () {
  this.timeout(300_000);
  before(() => {
    // ensure-kroll would run `npm ci` in this checkout (emptying node_modules under the suite)
    // unless it was installed from this very lock file, as `npm ci` (the README's command) does.
    const stamp = join(REPO, "node_modules", ".kroll-installed");
    const lock = createHash("sha256")
      .update(readFileSync(join(REPO, "package-lock.json")))
      .digest("hex");
    expect(
      existsSync(stamp) && readFileSync(stamp, "utf8").trim() === lock,
      "node_modules was not installed by `npm ci` from this package-lock.json: run `npm ci` first",
    ).to.equal(true);
  });

  it("kroll-multinode: ensure-kroll leaves the installed checkout alone; the scenario's nodes come from the inventory", async () => {
    const job = zuulJob({
      hosts: ["controller", "node2", "node3"],
      groups: { cluster: ["controller", "node2", "node3"] },
      hostVars: {
        controller: { kroll_address: "172.24.4.1" },
        node2: { kroll_address: "172.24.4.2" },
        node3: { kroll_address: "172.24.4.3" },
      },
    });
    const vars = {
      kroll_scenario: "scenarios/zuul-multinode.yaml",
      kroll_nodes_from_inventory: "cluster",
      kroll_vip: "172.24.4.250",
      kroll_command: "plan --offline",
      kroll_sets: ["upgrade.max_unavailable=1"],
    };
    const pre = await job.playbook("pre", vars, 120_000);
    expect(pre.code, pre.out).to.equal(0);
    // Installed from this lock file already (CI's npm ci): no second `npm ci` under the suite.
    expect(pre.out).to.match(
      /TASK \[ensure-kroll : kroll's dependencies[^\n]*\n\s*skipping: \[controller\]/,
    );
    expect(pre.out).to.match(/"msg": "kroll \d+\.\d+\.\d+ in /);
    const run = await job.playbook("run", vars, 120_000);
    expect(run.code, run.out).to.equal(0);
    // Only the first node runs kroll; the plan is of the inventory's three nodes.
    expect(run.out).to.not.match(/TASK \[kroll-run[^\n]*\n[^\n]*\[node2\]/);
    expect(run.out).to.include('plan for scenario \\"zuul-multinode\\"');
    // The nodes are data written as JSON (YAML syntax in a value stays one value).
    expect(run.out).to.match(
      /--set=cluster\.nodes=\[\{\\?"name\\?": \\?"controller\\?", \\?"address\\?": \\?"172\.24\.4\.1\\?"/,
    );
    expect(run.out).to.match(/ironic\s+apis\s+node3/);
  });

  it("a harness failure (kroll exit 2) passes run and fails post-run, after publishing what there is", async () => {
    const job = zuulJob({ hosts: ["node"] });
    const vars = {
      kroll_scenario: "scenarios/no-such.yaml",
      kroll_run_dir: join("/tmp", `kroll-zuul-${process.pid}`),
    };
    const run = await job.playbook(
      "run",
      { ...vars, kroll_run_dir: join(job.jobDir, "out") },
      120_000,
    );
    expect(run.code, run.out).to.equal(0);
    const post = await job.playbook(
      "post",
      { ...vars, kroll_run_dir: join(job.jobDir, "out") },
      120_000,
    );
    expect(post.code, post.out).to.equal(2);
    expect(post.out).to.match(/kroll exited 2 \(2 bad input/);
    expect(readFileSync(join(job.logRoot, "kroll", "kroll-exit-code"), "utf8").trim()).to.equal(
      "2",
    );
    expect(existsSync(join(job.logRoot, "kroll", "summary.json"))).to.equal(false);
  });
});
