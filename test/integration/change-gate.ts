/**
 * The Ironic gate on the lab (declared inside the deploy test's describe, which owns the lab),
 * as a Zuul job runs it: `kroll run scenarios/ironic-gate.yaml --change ironic=<change>` on
 * emptied nodes (`kroll lab reset`), only Ironic moving, to its stable image plus the change:
 *   1. the clean change (a log line), as a git checkout run through kroll's Zuul playbooks
 *      (ansible-playbook; the build page's artifacts checked), passes: every check green, the pinned API answering 406
 *      above 1.80 while pinned and 200 after the unpin, no cross-version finding, every other
 *      service left on stable, and the report naming the change;
 *   2. a change that renames an RPC argument (old API, new conductor) fails, and the failure is
 *      attributed to the conductors' step — the mixed-version window — with the RPC error the
 *      watchers saw; the report names the change.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { judgeCase, parseCase } from "../../src/gate/efficacy.js";
import type { RunReport } from "../../src/run/model.js";
import { REPO } from "../builders.js";
import { runKroll } from "../support/run-kroll.js";
import { zuulJob } from "../support/zuul-job.js";
import type { ZuulJob } from "../support/zuul-job.js";

const RUNS = join(REPO, "runs", "test-gate");
const GATE = join("scenarios", "ironic-gate.yaml");

async function gateRun(
  patch: string,
  name: string,
): Promise<{ s: RunReport; code: number | null; out: string }> {
  const reset = await runKroll(["lab", "reset"], { timeoutMs: 5 * 60_000 });
  expect(reset.code, reset.stderr).to.equal(0);
  const dir = join(RUNS, name);
  const r = await runKroll(["run", GATE, "--change", `ironic=${patch}`, "--run-dir", dir], {
    timeoutMs: 20 * 60_000,
  });
  const file = join(dir, "summary.json");
  expect(existsSync(file), `no ${file}; the run printed:\n${r.stderr.slice(-4_000)}`).to.equal(
    true,
  );
  return {
    s: JSON.parse(readFileSync(file, "utf8")) as RunReport,
    code: r.code,
    out: `${r.stdout.slice(-4_000)}\n${r.stderr.slice(-3_000)}`,
  };
}

/**
 * The gate as the kroll-ironic-gate job runs it: Ironic's checkout as Zuul prepares it (here the
 * stable image's package, committed, then the change committed over it), kroll's pre, run and
 * post playbooks under ansible-playbook, the run directory read from the build's logs.
 */
async function zuulGateRun(
  patch: string,
): Promise<{ s: RunReport; code: number | null; out: string; job: ZuulJob }> {
  const job = zuulJob({
    hosts: ["node"],
    items: [{ shortName: "ironic", srcDir: "src/opendev.org/openstack/ironic" }],
  });
  const checkout = join(job.jobDir, "src", "opendev.org", "openstack", "ironic");
  mkdirSync(checkout, { recursive: true });
  const id = execFileSync("docker", ["create", "localhost:5000/kolla/ironic-api:stable"], {
    encoding: "utf8",
  }).trim();
  try {
    execFileSync("docker", ["cp", `${id}:/usr/lib/python3/dist-packages/ironic`, checkout]);
  } finally {
    execFileSync("docker", ["rm", id]);
  }
  const git = (...args: string[]): string =>
    execFileSync(
      "git",
      ["-c", "user.name=kroll test", "-c", "user.email=kroll@example.org", ...args],
      {
        cwd: checkout,
        encoding: "utf8",
      },
    );
  git("init", "-q");
  git("add", "-A");
  git("commit", "-qm", "Ironic as the stable image holds it");
  git("apply", join(REPO, patch));
  git("commit", "-qam", "Log the conductor's start at info");
  const reset = await runKroll(["lab", "reset"], { timeoutMs: 5 * 60_000 });
  expect(reset.code, reset.stderr).to.equal(0);
  const vars = {
    kroll_scenario: GATE,
    kroll_run_dir: join(job.jobDir, "kroll-output"),
  };
  let out = "";
  for (const [name, minutes] of [
    ["pre", 5],
    ["run", 20],
  ] as const) {
    const r = await job.playbook(name, vars, minutes * 60_000);
    out += r.out;
    expect(r.code, r.out.slice(-6_000)).to.equal(0);
  }
  const post = await job.playbook("post", vars, 5 * 60_000);
  out += post.out;
  const file = join(job.logRoot, "kroll", "summary.json");
  expect(existsSync(file), `no ${file}; the playbooks printed:\n${out.slice(-6_000)}`).to.equal(
    true,
  );
  return {
    s: JSON.parse(readFileSync(file, "utf8")) as RunReport,
    code: post.code,
    out: out.slice(-8_000),
    job,
  };
}

const failedWhy = (s: RunReport, out: string): string =>
  [
    s.reason,
    ...s.checks.filter((c) => !c.ok).map((c) => `FAIL ${c.suite} ${c.name}: ${c.message}`),
    out,
  ].join("\n");

export function changeGateTests(): void {
  before(() => rmSync(RUNS, { recursive: true, force: true }));

  it("passes the clean change, run as the kroll-ironic-gate Zuul job (ansible-playbook: pre, run, post) on Ironic's checkout: only Ironic moves, the pin is checked both ways, no cross-version finding, the change named, the build page's artifacts", async () => {
    const patch = join("changes", "ironic", "clean-log-line.patch");
    const { s, code, out, job } = await zuulGateRun(patch);
    const why = failedWhy(s, out);
    expect(s.verdict, why).to.equal("pass");
    expect(code, why).to.equal(0);
    expect(s.load?.requests ?? 0, why).to.be.at.least(1_000);
    // The change, in the report's header: the checkout's commit and subject, the images built.
    expect(s.changes?.map((c) => [c.service, c.kind, c.subject])).to.deep.equal([
      ["ironic", "checkout", "Log the conductor's start at info"],
    ]);
    // What the build page shows: the reports as artifacts, in the build's logs.
    const results = job.results();
    const artifacts = results?.zuul?.artifacts ?? [];
    expect(artifacts.map((a) => a.url)).to.include.members([
      "kroll/report.html",
      "kroll/junit.xml",
      "kroll/summary.json",
      "kroll/results.subunit",
    ]);
    for (const a of artifacts) expect(existsSync(join(job.logRoot, a.url)), a.url).to.equal(true);
    expect(results?.zuul?.warnings).to.be.an("array");
    expect(existsSync(join(job.logRoot, "kroll", "logs", "index.json"))).to.equal(true);
    // The images' tag: the change's id, 12 characters (a commit's or a patch's hash).
    const tag = `change-${(s.changes?.[0]?.id ?? "?").slice(0, 12)}`;
    // Only Ironic moved; everything else still on stable.
    const moved = s.containers.filter((c) => !c.image.endsWith(":stable"));
    expect(new Set(moved.map((c) => c.container))).to.deep.equal(
      new Set(["ironic_api", "ironic_conductor"]),
    );
    expect(moved.every((c) => c.image.endsWith(`:${tag}`))).to.equal(true);
    // The pin, both ways, checked — not skipped for a short window.
    const pin = s.checks.filter((c) => c.name.startsWith("ironic pin (2026.1): 1.115"));
    expect(pin.map((c) => [c.ok, c.message.startsWith("not ")])).to.deep.equal([
      [true, false],
      [true, false],
    ]);
    expect(pin[0]?.message).to.match(/answered 406 .* none 200$/);
    expect(pin[1]?.message).to.match(/answered 200 .* none 406$/);
    // The mixed-version window was watched and clean, and the checkpoints ran their checks.
    expect(s.checks.find((c) => c.name.startsWith("cross-version"))?.ok).to.equal(true);
    expect(s.crossVersion).to.deep.equal([]);
    expect(s.steps.map((x) => x.step)).to.include.members([
      "checkpoint conductors-done",
      "checkpoint apis-pinned",
    ]);
  });

  it("fails a change that renames an RPC argument, attributed to the conductors' step (old API, new conductor), the change named", async () => {
    const patch = join("changes", "ironic", "rpc-renamed-argument.patch");
    const { s, code, out } = await gateRun(patch, "rpc-renamed-argument");
    const why = failedWhy(s, out);
    expect(s.verdict, why).to.equal("fail");
    expect(code, why).to.equal(1);
    expect(s.changes?.[0]?.subject).to.equal(
      "Name the deploy RPC's config drive argument config_drive",
    );
    // Judged as bench/efficacy judges it: the earliest failing step is in the case's window.
    const c = parseCase("ironic", patch, readFileSync(join(REPO, patch), "utf8"));
    const v = judgeCase(c, s);
    expect([v.caught, v.attributed], `${v.failingCheck}\n${why}`).to.deep.equal([true, true]);
    expect(v.step).to.match(/^ironic (conductors|conductors-done)$/);
    // What the watchers saw: the conductor refusing the old argument, tied to that step.
    const rpc = s.crossVersion.filter((f) => f.kind === "rpc");
    expect(rpc.length, why).to.be.above(0);
    expect(rpc.map((f) => f.what).join("\n")).to.match(/unexpected keyword argument 'configdrive'/);
    expect(rpc[0]?.cause?.service).to.equal("ironic");
    // The upgrade stopped there (a failed step is rolled back on its node; the nodes already
    // done stay on the change, and the report says which containers are not on their target).
    expect(s.upgrade?.status).to.equal("failed");
    expect(s.checks.find((c) => c.name === "upgrade finished")?.ok).to.equal(false);
  });
}
