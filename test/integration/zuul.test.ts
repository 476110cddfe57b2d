/**
 * kroll's Zuul job files run by a real ansible-playbook (test/support/zuul-job.ts): the
 * multinode job's scenario made from the inventory (planned, not run: no three servers here),
 * and a harness failure ending in post-run (POST_FAILURE), never read as the change's. The lab
 * job's whole gate run through the playbooks is in change-gate.ts (it needs the lab).
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { NODE_PRIVILEGES } from "../../src/lab/lab.js";
import { NODE_IMAGE } from "../../src/lab/recipes.js";
import { junitXml } from "../../src/run/junit.js";
import { subunitV2 } from "../../src/run/subunit.js";
import { REPO, aRunReport } from "../builders.js";
import { zuulJob, type ZuulJob } from "../support/zuul-job.js";

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
    job.dispose();
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
    // Under zuul-output/logs, for the base job's fetch-output.
    expect(readFileSync(join(job.logRoot, "kroll", "kroll-exit-code"), "utf8").trim()).to.equal(
      "2",
    );
    expect(existsSync(join(job.logRoot, "kroll", "summary.json"))).to.equal(false);
    job.dispose();
  });
});

/** A command on this machine: its exit code and output. */
function sh(
  cmd: string,
  args: readonly string[],
  timeoutMs = 120_000,
): { code: number; out: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: timeoutMs });
  return { code: r.status ?? -1, out: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

/**
 * The lab job as Zuul runs it: the executor (this machine's ansible-playbook) reaches a node over
 * SSH as `zuul`, a user with passwordless sudo, on a node whose Docker is installed but not
 * running (test/zuul/node). A task that needs root without become, or a kroll that needs root
 * without sudo, fails here; so does a post-run that cannot publish as that user.
 */
describe("integration: the lab job on a node as Zuul gives it (non-root, over SSH, no Docker running)", function () {
  this.timeout(900_000);
  const name = `kroll-zuul-node-${process.pid}`;
  const image = "kroll-test/zuul-node:latest";
  let job: ZuulJob | undefined;
  let host = "";
  let keyDir = "";
  const onNode = (cmd: string): { code: number; out: string } =>
    sh("docker", ["exec", "--user", "zuul", "--workdir", "/home/zuul", name, "sh", "-lc", cmd]);

  before(function () {
    expect(
      sh("docker", ["image", "inspect", NODE_IMAGE]).code,
      `${NODE_IMAGE} is missing: the lab tests (test/integration/lab.test.ts) build it`,
    ).to.equal(0);
    const build = sh(
      "docker",
      [
        "build",
        "-q",
        "--build-arg",
        `NODE_IMAGE=${NODE_IMAGE}`,
        "-t",
        image,
        join(REPO, "test", "zuul", "node"),
      ],
      600_000,
    );
    expect(build.code, build.out).to.equal(0);
    keyDir = mkdtempSync(join(tmpdir(), "kroll-zuul-key-"));
    const key = join(keyDir, "id_ed25519");
    expect(sh("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]).code).to.equal(0);
    const run = sh("docker", [
      "run",
      "-d",
      ...NODE_PRIVILEGES,
      "--name",
      name,
      "-e",
      `ZUUL_AUTHORIZED_KEY=${readFileSync(`${key}.pub`, "utf8").trim()}`,
      // Zuul's checkout of kroll (installed by npm ci: ensure-kroll leaves it), and Node.js.
      "-v",
      `${REPO}:/home/zuul/src/opendev.org/openstack/kroll:ro`,
      "-v",
      `${process.execPath}:/usr/local/bin/node:ro`,
      // The node's Docker on a real file system (not the container's overlay).
      "-v",
      "/var/lib/docker",
      image,
    ]);
    expect(run.code, run.out).to.equal(0);
    host = sh("docker", [
      "inspect",
      "--format",
      "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
      name,
    ]).out.trim();
    expect(host, "the node's address").to.match(/^\d+\.\d+\.\d+\.\d+$/);
    job = zuulJob({ hosts: ["controller"], ssh: { host, user: "zuul", keyFile: key } });
  });

  after(() => {
    sh("docker", ["rm", "-f", "-v", name]);
    job?.dispose();
    if (keyDir !== "") rmSync(keyDir, { recursive: true, force: true });
  });

  it("pre-run gives the job's user Docker (become) and kroll starts dockerd through sudo; run plans as that user; post-run publishes under zuul-output with testr_results.html", async () => {
    const j = job;
    if (j === undefined) throw new Error("no job");
    // The node as Zuul hands it over: zuul, not root, and no Docker engine answering.
    expect(onNode("id -un").out.trim()).to.equal("zuul");
    expect(onNode("docker version --format '{{.Server.Version}}'").code).to.not.equal(0);
    const vars = { kroll_scenario: "scenarios/lab.yaml", kroll_lab_up: false };
    const pre = await j.playbook("pre", vars, 300_000);
    expect(pre.code, pre.out).to.equal(0);
    const labPre = await j.playbook("lab-pre", vars, 600_000);
    expect(labPre.code, labPre.out).to.equal(0);
    // The group was given under become (as zuul, without it, usermod is refused).
    expect(labPre.out).to.match(
      /TASK \[ensure-kroll-lab : The job's user may use Docker[^\n]*\n\s*changed: \[controller\]/,
    );
    // kroll, as zuul, started the engine through sudo -n.
    expect(labPre.out).to.match(/Docker engine [\d.]+[^\n]* \(started by kroll\)/);
    expect(onNode("docker version --format '{{.Server.Version}}'").code).to.equal(0);
    expect(onNode("ps -o user= -C dockerd").out.trim()).to.equal("root");

    // The lab's state (passwords, keys) under the user's home: this checkout is mounted
    // read-only and holds root's own lab state (a real job's checkout is the user's).
    const run = await j.playbook(
      "run",
      {
        ...vars,
        kroll_command: "plan --offline",
        kroll_sets: ["cluster.lab.state_dir=/home/zuul/kroll-lab-state"],
      },
      300_000,
    );
    expect(run.code, run.out).to.equal(0);
    expect(run.out, run.out).to.include(`plan for scenario \\"lab\\"`);

    // A run directory as `kroll run` leaves it (the verdict FAIL: exit 1, not post-run's failure).
    const report = aRunReport({
      scenario: "lab",
      verdict: "fail",
      exitCode: 1,
      checks: [
        { suite: "steps", name: "ironic conductors on node1", ok: true, message: "wave 7: …" },
        { suite: "slo", name: "max_failed_requests", ok: false, message: "3 of 900 failed" },
      ],
    });
    const out = join(j.jobDir, "kroll-output");
    mkdirSync(out);
    writeFileSync(join(out, "results.subunit"), subunitV2(report));
    writeFileSync(join(out, "junit.xml"), junitXml(report));
    writeFileSync(
      join(out, "summary.json"),
      JSON.stringify({ ...report, warnings: ["near miss"] }),
    );
    writeFileSync(join(out, "report.html"), "<html></html>");
    writeFileSync(join(out, "kroll-exit-code"), "1\n");
    expect(sh("docker", ["cp", out, `${name}:/home/zuul/`]).code).to.equal(0);
    expect(
      sh("docker", ["exec", name, "chown", "-R", "zuul:zuul", "/home/zuul/kroll-output"]).code,
    ).to.equal(0);

    const post = await j.playbook("post", {}, 600_000);
    expect(post.code, post.out).to.equal(0);
    const logs = "/home/zuul/zuul-output/logs/kroll";
    expect(onNode(`cat ${logs}/kroll-exit-code`).out.trim()).to.equal("1");
    const html = onNode(`cat ${logs}/testr_results.html`);
    expect(html.code, html.out).to.equal(0);
    expect(html.out).to.include("kroll.lab.steps.ironic conductors on node1");
    expect(html.out).to.include("kroll.lab.slo.max_failed_requests");
    const results = j.results();
    const urls = (results?.zuul?.artifacts ?? []).map((a) => a.url);
    expect(urls).to.include.members([
      "kroll/report.html",
      "kroll/testr_results.html",
      "kroll/results.subunit",
    ]);
    expect(results?.zuul?.warnings).to.deep.equal(["kroll: near miss"]);
  });
});
