/**
 * `kroll run` on the 3-node lab (declared inside the deploy test's describe, which owns the
 * lab: one lab for every lab test keeps the suite's time in bounds), each a whole gate run (deploy stable → resources → load +
 * watchers → upgrade → drain → verify → reports):
 *   1. a proposed ironic-conductor made broken on purpose: the run fails on that step, the
 *      node is rolled back, the cluster is healthy on stable, and the report says so;
 *   2. the baseline (--strategy kolla-ansible) is reported failed, with the failing requests
 *      and the unavailability tied to the steps that caused them;
 *   3. the lab scenario, rolling: passes (verdict pass, exit 0) — 0 failed requests of at
 *      least 2,000, 0 failed or stuck Ironic operations, resources verified, every container
 *      proposed and healthy, the versions it moved in its header. A failure fails the test,
 *      listing every failed request with its step and hint (docs/lab-findings.md has what the
 *      lab run found so far);
 *   4. its report.html renders in headless Chromium (screenshot kept beside the report).
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, parseDocument } from "yaml";
import type { RunReport } from "../../src/run/model.js";
import { secretValues } from "../../src/run/scrub.js";
import { readRun } from "../../src/upgrade/read.js";
import { REPO } from "../builders.js";
import { runKroll } from "../support/run-kroll.js";
import { secretLeaks } from "./hostile.js";

const STATE = join(REPO, "inventories", "lab");
const SCENARIO = join(STATE, "scenario.yaml");
const RUNS = join(REPO, "runs", "test-run");

/** A copy of the lab scenario beside it (its relative paths still hold), edited. */
function variant(name: string, edit: (doc: ReturnType<typeof parseDocument>) => void): string {
  const doc = parseDocument(readFileSync(SCENARIO, "utf8"));
  edit(doc);
  const file = join(STATE, `${name}.yaml`);
  writeFileSync(file, doc.toString());
  return file;
}

/** The run's summary.json; when it is missing, the failure shows what the run printed. */
function summaryOf(dir: string, r: { stderr: string }): RunReport {
  const file = join(dir, "summary.json");
  expect(existsSync(file), `no ${file}; the run printed:\n${r.stderr.slice(-4_000)}`).to.equal(
    true,
  );
  return JSON.parse(readFileSync(file, "utf8")) as RunReport;
}

async function status(): Promise<
  { node: string; container: string; tag: string; health: string; state: string }[]
> {
  const st = await runKroll(["status", SCENARIO, "--json"]);
  expect(st.code, st.stderr).to.equal(0);
  return (
    JSON.parse(st.stdout) as {
      containers: { node: string; container: string; tag: string; health: string; state: string }[];
    }
  ).containers;
}

/**
 * Every passwords.yml value (8 characters or more) found in the run directory or in `texts`, in
 * any form it can take there: raw, JSON-, HTML-, URL- and base64-encoded (`secretForms`).
 */
function leaksIn(dir: string, texts: [string, string][]): string[] {
  const file = join(STATE, "kolla", "passwords.yml");
  const secrets = secretValues(parse(readFileSync(file, "utf8")) as Record<string, unknown>);
  expect(secrets.length, "passwords.yml has secrets to look for").to.be.above(50);
  // The deploy test set the hostile ones (secretLeaks says so if they are not there).
  return secretLeaks(file, [dir], texts);
}

/**
 * The shortest whole `kroll run` (Ironic alone moves, to an image that fails at its first
 * conductor): in the suite, so CI sees one whole run's reports, collected logs and terminal
 * output grepped for every form of the lab's hostile secrets, and a SIGTERM while the logs are
 * collected that still leaves the whole report.
 */
/**
 * The lab's nodes emptied (`kroll lab reset`: containers, volumes, /etc/kolla; images kept), so
 * a run's stable deploy meets no database an earlier upgrade moved (a stable Ironic's bootstrap
 * refuses a newer schema, as it should).
 */
async function emptyNodes(): Promise<void> {
  const r = await runKroll(["lab", "reset", SCENARIO], { timeoutMs: 10 * 60_000 });
  expect(r.code, r.stderr).to.equal(0);
}

export function brokenRunTest(): void {
  before(async function () {
    this.timeout(10 * 60_000);
    rmSync(RUNS, { recursive: true, force: true });
    await emptyNodes();
  });

  it("fails on a broken proposed image, rolls that node back, and leaves the cluster healthy on stable", async () => {
    // ironic-conductor:broken exits at once; ironic-api:broken is the proposed one (the
    // schema upgrade runs from it, so the run gets as far as the conductors).
    const build = spawnSync(
      "docker",
      ["build", "-q", "-t", "localhost:5000/kolla/ironic-conductor:broken", "-"],
      {
        input: [
          "FROM localhost:5000/kolla/ironic-conductor:proposed",
          `RUN printf '#!/bin/sh\\necho "kroll test: ironic-conductor broken on purpose" >&2\\nexit 1\\n' > /usr/bin/ironic-conductor && chmod 755 /usr/bin/ironic-conductor`,
          "",
        ].join("\n"),
      },
    );
    expect(build.status, build.stderr.toString()).to.equal(0);
    execFileSync("docker", [
      "tag",
      "localhost:5000/kolla/ironic-api:proposed",
      "localhost:5000/kolla/ironic-api:broken",
    ]);
    for (const img of ["ironic-conductor", "ironic-api"])
      execFileSync("docker", ["push", "-q", `localhost:5000/kolla/${img}:broken`]);
    const file = variant("broken", (d) => {
      d.setIn(["kolla", "tags"], d.createNode({ ironic: { target: "broken" } }));
      d.setIn(
        ["upgrade", "leave_on_stable"],
        d.createNode({
          services: (d.toJS() as { services: string[] }).services.filter((x) => x !== "ironic"),
        }),
      );
      d.setIn(["upgrade", "checkpoints"], d.createNode([]));
    });
    const dir = join(RUNS, "broken");
    // A gate job's timeout while the logs are collected (SIGTERM): the collection and the
    // reports still end, and the run says it was interrupted (exit 130).
    const r = await runKroll(["run", file, "--run-dir", dir], {
      timeoutMs: 30 * 60_000,
      interruptWhen: /run: collecting logs/,
      interruptWith: "SIGTERM",
    });
    expect(r.code, `${r.stdout}\n${r.stderr}`).to.equal(130);
    expect(r.stderr).to.match(
      /run of "lab" interrupted by a signal: .*ironic conductors on node\d/,
    );
    const s = summaryOf(dir, r);
    expect(s.verdict).to.equal("fail");
    expect(s.upgrade?.status).to.equal("failed");
    expect(s.upgrade?.failure).to.deep.include({
      service: "ironic",
      step: "conductors",
      container: "ironic_conductor",
    });
    const node = s.upgrade?.failure?.node;
    expect(s.upgrade?.rolledBack).to.deep.include({ node, container: "ironic_conductor" });
    const finished = s.checks.find((c) => c.name === "upgrade finished");
    expect(finished?.ok).to.equal(false);
    expect(finished?.message).to.match(new RegExp(`rolled back: ironic_conductor on ${node}`));
    const step = s.checks.find(
      (c) => c.suite === "steps" && !c.ok && c.name.includes("ironic conductors"),
    );
    expect(step?.message, JSON.stringify(s.checks)).to.match(/the step failed/);
    expect(readFileSync(join(dir, "junit.xml"), "utf8")).to.match(
      /<failure message="the step failed/,
    );
    // The cluster: every container on stable, running and healthy, nothing kept aside; the
    // resources the run created were removed.
    const cs = await status();
    expect(cs).to.have.length(22);
    expect(cs.filter((c) => c.container.endsWith("_kroll_old"))).to.deep.equal([]);
    expect(new Set(cs.map((c) => `${c.tag}/${c.state}/${c.health}`))).to.deep.equal(
      new Set(["stable/running/healthy"]),
    );
    expect(s.resources.filter((c) => c.check === "cleanup" && !c.ok)).to.deep.equal([]);
    // Everything the failed run needs is in its directory: every container's log as it ended,
    // the rolled-back conductor's (taken before kroll removed it), inspect, /etc/kolla, HAProxy's
    // stats, the kolla inputs (not passwords.yml); bounded, and not one secret.
    const logs = join(dir, "logs");
    const index = JSON.parse(readFileSync(join(logs, "index.json"), "utf8")) as {
      files: { path: string }[];
      bytes: number;
      maxTotalBytes: number;
      leftOut: string[];
    };
    expect(index.leftOut).to.deep.equal([]);
    expect(index.bytes).to.be.at.most(index.maxTotalBytes);
    expect(s.logs).to.deep.include({ files: index.files.length, bytes: index.bytes });
    for (const c of cs) {
      expect(
        existsSync(join(logs, c.node, "containers", `${c.container}.log`)),
        `${c.node} ${c.container}`,
      ).to.equal(true);
      expect(
        existsSync(join(logs, c.node, "inspect", `${c.container}.json`)),
        `${c.node} ${c.container}`,
      ).to.equal(true);
    }
    expect(
      readFileSync(join(logs, String(node), "retired", "ironic_conductor.rolled-back.log"), "utf8"),
    ).to.include("kroll test: ironic-conductor broken on purpose");
    expect(
      readFileSync(
        join(logs, String(node), "etc-kolla", "ironic-conductor", "ironic.conf"),
        "utf8",
      ),
    ).to.match(/^\[DEFAULT\]/m);
    expect(index.files.map((f) => f.path)).to.include.members([
      "node1/haproxy-show-stat.csv",
      "node1/docker-ps.txt",
      "kolla-inputs/globals.yml",
      "kolla-inputs/multinode",
    ]);
    expect(index.files.filter((f) => f.path.endsWith("passwords.yml"))).to.deep.equal([]);
    expect(
      leaksIn(dir, [
        ["stdout", r.stdout],
        ["stderr", r.stderr],
      ]),
    ).to.deep.equal([]);
  });
}

export function gateRunTests(): void {
  before(async function () {
    this.timeout(10 * 60_000);
    rmSync(RUNS, { recursive: true, force: true });
    await emptyNodes();
  });

  it("reports the kolla-ansible baseline as failed, with the failures tied to the steps that caused them", async () => {
    const dir = join(RUNS, "kolla-ansible");
    const r = await runKroll(["run", SCENARIO, "--strategy", "kolla-ansible", "--run-dir", dir], {
      timeoutMs: 40 * 60_000,
    });
    expect(r.code, `${r.stdout}\n${r.stderr}`).to.equal(1);
    const s = summaryOf(dir, r);
    expect(s.strategy).to.equal("kolla-ansible");
    expect(s.verdict).to.equal("fail");
    // What it measured: failed requests and/or time unavailable through the VIP, each tied to
    // an upgrade step (all hosts of a service at once, no drain, the VIP moved under load).
    const failed = s.load?.failed ?? 0;
    const vip = s.disruption
      .filter((d) => d.via === "vip")
      .reduce((n, d) => n + d.unavailableMs, 0);
    expect(
      failed + vip,
      `requests ${s.load?.requests}, failed ${failed}, VIP unavailable ${vip} ms`,
    ).to.be.above(0);
    const badSteps = s.steps.filter((x) => x.failedRequests > 0 || x.unavailableMs > 0);
    expect(badSteps.length, JSON.stringify(s.steps)).to.be.above(0);
    const attributed = (s.load?.failures ?? []).filter((f) => f.cause !== undefined).length;
    expect(attributed, "failed requests tied to a step").to.be.at.least(
      Math.ceil(Math.min(failed, s.load?.failures.length ?? 0) * 0.8),
    );
    expect(s.checks.filter((c) => c.suite === "steps" && !c.ok).length).to.be.above(0);
    expect(r.stdout).to.match(/FAIL +(steps|slo) /);
  });

  let passDir = "";
  it("runs the lab scenario, rolling, to its end: every failure tied to a step, resources verified, every container on its target", async () => {
    passDir = join(RUNS, "rolling");
    const r = await runKroll(["run", SCENARIO, "--run-dir", passDir], { timeoutMs: 45 * 60_000 });
    const s = summaryOf(passDir, r);
    const why = `${s.reason}\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-2000)}`;
    expect(s.upgrade?.status, why).to.equal("done");
    expect(s.load?.requests).to.be.at.least(2_000);
    expect(s.load?.operationsDone).to.be.above(10);
    // Through the VIP: no outage at all (HAProxy replaced in place, APIs drained first).
    expect(
      s.disruption
        .filter((d) => d.via === "vip")
        .map((d) => `${d.backend}/${d.connection} ${d.unavailableMs}`),
    ).to.satisfy((xs: string[]) => xs.every((x) => x.endsWith(" 0")));
    // Every unfinished operation is listed with its last state and the step that caused it;
    // stuck Heat stacks (an engine replaced mid-create) are recorded, never hidden.
    for (const o of s.operations) {
      expect(o.cause, JSON.stringify(o)).to.not.equal(undefined);
      expect(o.state).to.not.equal("");
      if (o.kind === "heat-stack" && o.status === "stuck")
        expect(s.recorded.join(" ")).to.include(o.id);
    }
    // Every failed request is tied to the step it happened under, and the steps that caused
    // a breach fail in the verdict (the report names them; README "What the lab run finds").
    const failures = s.load?.failures ?? [];
    expect(failures.filter((f) => f.cause === undefined).map((f) => f.what)).to.deep.equal([]);
    // A failure that matches a known hazard of its step (README "What the lab run finds":
    // a stopping heat-engine losing a call, a stopping ironic-conductor still in an API's
    // ring) says so, for the reviewer reading the JUnit file.
    for (const f of failures)
      if (
        (f.cause?.container === "heat_engine" && /HTTP 504/.test(f.what)) ||
        (f.cause?.container === "ironic_conductor" && /Unexpected error raised by RPC/.test(f.what))
      )
        expect(f.hint, f.what).to.match(/^known hazard: /);
    const blamed = new Set(failures.map((f) => f.cause?.wave));
    for (const st of s.steps.filter((x) => blamed.has(x.wave)))
      expect(st.failedRequests, `wave ${st.wave}`).to.be.above(0);
    // The resources created before the upgrade: there, unchanged, usable, removed.
    const res = s.resources;
    expect(res.filter((c) => !c.ok)).to.deep.equal([]);
    expect(new Set(res.map((c) => c.check))).to.deep.equal(
      new Set(["present", "state", "data", "usable", "cleanup"]),
    );
    expect(res.filter((c) => c.kind === "ironic-node" && c.check === "usable")).to.have.length(2);
    expect(res.filter((c) => c.kind === "heat-stack" && c.check === "usable")).to.have.length(2);
    // Every container on its target: proposed, the single RabbitMQ broker kept on stable.
    expect(s.containers).to.have.length(22);
    expect(s.containers.filter((c) => !c.ok)).to.deep.equal([]);
    expect(
      s.containers.filter((c) => !c.image.endsWith(":proposed")).map((c) => c.container),
    ).to.deep.equal(["rabbitmq"]);
    // The verdict: the README says the lab run passes, so it must — pass, exit 0, not one
    // failed request. A failure fails this test, with every failed request, its step and its
    // hint, so the CI log says what broke (never accepted because it was attributed).
    const failedChecks = s.checks.filter((c) => !c.ok);
    const failedWhy = [
      why,
      ...failedChecks.map((c) => `FAIL ${c.suite} ${c.name}: ${c.message}`),
      ...failures.map(
        (f) =>
          `failed request: ${f.what} — wave ${f.cause?.wave} ${f.cause?.service ?? ""} ${f.cause?.node ?? ""} ${f.cause?.container ?? ""}${f.hint ? ` (${f.hint})` : ""}`,
      ),
    ].join("\n");
    expect(s.load?.failed, failedWhy).to.equal(0);
    expect(
      failedChecks.map((c) => c.name),
      failedWhy,
    ).to.deep.equal([]);
    expect(s.verdict, failedWhy).to.equal("pass");
    expect(r.code, failedWhy).to.equal(0);
    // The header says what moved: each lab service's Debian version, stable → proposed, as
    // resolved from the archive when the images were built.
    expect((s.versions ?? []).map((v) => v.service)).to.deep.equal([
      "haproxy",
      "mariadb-server",
      "memcached",
      "rabbitmq-server",
      "ironic",
      "heat",
    ]);
    // A real release upgrade: 2026.1 → 2026.2, each side's release named.
    expect(r.stdout).to.match(/^\s+ironic\s+1:\d+\.\S+ \(2026\.1\) → 1:\d+\.\S+ \(2026\.2\)$/m);
    expect(r.stdout).to.match(/^\s+heat\s+1:\d+\.\S+ \(2026\.1\) → 1:\d+\.\S+ \(2026\.2\)$/m);
    // Every mixed window was held until the load covered it, and each has its check.
    const windows = s.checks.filter((c) => c.name.startsWith("window: "));
    expect(windows.map((c) => c.name)).to.include.members([
      "window: ironic after db-upgrade on node1",
      "window: ironic after conductors on node1",
      "window: heat after db-sync on node1",
    ]);
    expect(
      windows.filter((c) => !c.ok),
      JSON.stringify(windows),
    ).to.deep.equal([]);
    // The online data migrations said what they did, and the status checks ran.
    const notes = (s.upgrade?.notes ?? []).join("\n");
    expect(notes).to.match(/ironic-dbsync online_data_migrations on node\d: migrations: /);
    expect(notes).to.match(/ironic-status upgrade check on node\d: checks /);
    const xml = readFileSync(join(passDir, "junit.xml"), "utf8");
    expect(xml).to.match(
      new RegExp(
        `<testsuites name="kroll run lab" tests="${s.checks.length}" failures="${failedChecks.length}"`,
      ),
    );
    const events = readFileSync(join(passDir, "events.jsonl"), "utf8").trim().split("\n");
    expect(events.length).to.be.above(100);
    const kinds = new Set(events.map((l) => (JSON.parse(l) as { kind: string }).kind));
    for (const k of ["phase", "upgrade.wave", "upgrade.action", "watch.container", "second"])
      expect([...kinds]).to.include(k);
    // The upgrade's journal ends once, with the outcome the summary gives.
    const records = readRun(passDir).records;
    const ends = records.filter((x) => x.type === "end");
    expect(ends.map((x) => x.status)).to.deep.equal([s.upgrade?.status]);
    // Every heat-engine was taken off the broker's shared queues right before it stopped, and
    // the broker did it (no note that it could not).
    const acts = records.filter((x) => x.type === "action" && x.event === "done" && !x.rollback);
    const done = acts.map((x) =>
      x.type === "action" && "container" in x.action
        ? `${x.action.kind} ${x.action.container}`
        : "",
    );
    const engineSteps = done.filter(
      (k) => / heat_engine$/.test(k) && /^(rpcDrain|recreate) /.test(k),
    );
    const replaced = s.upgrade?.status === "done" ? 3 : engineSteps.length / 2;
    expect(replaced, engineSteps.join(", ")).to.be.above(0);
    expect(engineSteps).to.deep.equal(
      Array(replaced).fill(["rpcDrain heat_engine", "recreate heat_engine"]).flat(),
    );
    expect(
      records.filter((x) => x.type === "note" && x.text.includes("no broker could")),
    ).to.deep.equal([]);
    // Every ironic-conductor left its hash ring at the database right before it stopped: once
    // for the new image, once for the unpin (a 2026.2 conductor restarts on SIGHUP, so the
    // unpin replaces it too: the unpin waves' conductor actions are a replacement, no reload).
    const conductorSteps = done.filter(
      (k) => / ironic_conductor$/.test(k) && /^(ringOut|recreate) /.test(k),
    );
    expect(conductorSteps).to.deep.equal(
      Array(s.upgrade?.status === "done" ? 6 : conductorSteps.length / 2)
        .fill(["ringOut ironic_conductor", "recreate ironic_conductor"])
        .flat(),
    );
    expect(
      records.filter((x) => x.type === "note" && x.text.includes("no database could")),
    ).to.deep.equal([]);
    if (s.upgrade?.status === "done") {
      const unpinWaves = new Set(
        records.flatMap((x) =>
          x.type === "wave" && x.service === "ironic" && x.step === "unpin" ? [x.wave] : [],
        ),
      );
      const conductorUnpin = acts.flatMap((x) =>
        x.type === "action" &&
        unpinWaves.has(x.wave) &&
        "container" in x.action &&
        x.action.container === "ironic_conductor"
          ? [x.action.kind]
          : [],
      );
      expect(conductorUnpin).to.not.include("reload");
      expect(conductorUnpin.filter((k) => k === "recreate")).to.have.length(3);
    }
    // No secret anywhere: not in the run directory (reports, journal, events), not on the
    // terminal. Every value of the lab's passwords.yml (8 characters or more), key pairs line
    // by line.
    expect(
      leaksIn(passDir, [
        ["stdout", r.stdout],
        ["stderr", r.stderr],
      ]),
      "secrets found in the run's output",
    ).to.deep.equal([]);
    // The run store: kroll history lists every run of this suite.
    const h = await runKroll(["history", SCENARIO, "--dir", RUNS, "--json"]);
    expect(h.code, h.stderr).to.equal(0);
    const hist = JSON.parse(h.stdout) as { entries: { verdict: string; strategy: string }[] };
    expect(hist.entries.map((e) => `${e.strategy} ${e.verdict}`)).to.include.members([
      `rolling ${s.verdict}`,
      "kolla-ansible fail",
    ]);
  });

  it("renders report.html in headless Chromium: the timeline with a lane per node, the checks and the steps", function () {
    expect(passDir, "the passing run ran").to.not.equal("");
    const html = join(passDir, "report.html");
    const png = join(passDir, "report.png");
    const args = [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--hide-scrollbars",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      `--user-data-dir=${mkdtempSync(join(tmpdir(), "kroll-chromium-"))}`,
      "--window-size=1300,2000",
    ];
    const shot = spawnSync("chromium", [...args, `--screenshot=${png}`, `file://${html}`], {
      timeout: 120_000,
    });
    expect(shot.status, shot.stderr?.toString()).to.equal(0);
    expect(existsSync(png)).to.equal(true);
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString()).to.equal("PNG");
    expect(statSync(png).size).to.be.above(30_000);
    const dom = spawnSync("chromium", [...args, "--dump-dom", `file://${html}`], {
      timeout: 120_000,
    });
    expect(dom.status, dom.stderr?.toString()).to.equal(0);
    const text = dom.stdout.toString();
    for (const id of [
      "verdict",
      "timeline",
      "lane-node1",
      "lane-node2",
      "lane-node3",
      "rate",
      "latency",
      "checks",
      "steps",
      "resources",
      "containers",
      "routes",
      "disruption",
    ])
      expect(text, id).to.include(`id="${id}"`);
    // Each backend's disruption against its bound; every log link opens a collected file.
    expect(text).to.include("<th>bound ms</th>");
    for (const m of text.matchAll(/href="(logs\/[^"]+)"/g))
      expect(existsSync(join(passDir, m[1] ?? "")), m[1]).to.equal(true);
    expect(text).to.match(/>(PASS|FAIL)</);
    expect((text.match(/<rect /g) ?? []).length).to.be.above(50);
    // One lane per loadbalancer host; bars linked to their steps; kroll's version and the
    // images' ids in the header.
    expect(text).to.match(/id="lane-lb-node\d"/);
    expect(text).to.match(/<a href="#wave-\d+"><rect /);
    expect(text).to.match(/id="meta">kroll \d+\.\d+\.\d+; images: .*[0-9a-f]{12}/);
    // The script ran: uPlot drew the rate and latency charts (canvas), the page can zoom.
    expect(text).to.include('data-zoomable="1"');
    expect(text).to.match(/id="chart-latency"[^]*<canvas/);
    // Zoomed by its address (#zoom=FROM,TO, seconds from the start) around node1's first bar:
    // that bar moves and widens.
    const bar =
      /id="lane-node1"[^]*?<rect x="([\d.]+)" [^>]*?width="([\d.]+)"[^>]*? data-f="(\d+)"/.exec(
        text,
      );
    const t0 = Number(/"t0":(\d+)/.exec(text)?.[1]);
    expect(bar, "a bar on node1").to.not.equal(null);
    const from = Math.max(0, Math.floor((Number(bar?.[3]) - t0) / 1000) - 5);
    const zoomed = spawnSync(
      "chromium",
      [...args, "--dump-dom", `file://${html}#zoom=${from},${from + 30}`],
      { timeout: 120_000 },
    ).stdout.toString();
    expect(zoomed).to.include(`data-range="${from},${from + 30}"`);
    const moved = new RegExp(
      `<rect x="([\\d.]+)" [^>]*?width="([\\d.]+)"[^>]*? data-f="${bar?.[3]}"`,
    ).exec(zoomed);
    expect(Number(moved?.[1])).to.not.equal(Number(bar?.[1]));
    expect(Number(moved?.[2])).to.be.above(Number(bar?.[2]));
  });

  it("re-renders a run's reports from its summary.json, and puts the rolling run beside its kolla-ansible baseline", async () => {
    expect(passDir, "the passing run ran").to.not.equal("");
    const base = join(RUNS, "kolla-ansible");
    rmSync(join(passDir, "junit.xml"));
    const re = await runKroll(["report", passDir]);
    expect(re.code, re.stderr).to.equal(0);
    expect(readFileSync(join(passDir, "junit.xml"), "utf8")).to.match(/<testsuites/);
    const c = await runKroll(["report", passDir, "--compare", base, "--json"]);
    expect(c.code, c.stderr).to.equal(0);
    const cmp = JSON.parse(c.stdout) as {
      a: { strategy: string; requests: number };
      b: { strategy: string; verdict: string };
      steps: { step: string; a?: { failedRequests: number }; b?: { failedRequests: number } }[];
      disruption: { api: string }[];
      html: string;
    };
    expect(cmp.a.strategy).to.equal("rolling");
    expect(cmp.b).to.deep.include({ strategy: "kolla-ansible", verdict: "fail" });
    expect(cmp.a.requests).to.be.above(0);
    expect(cmp.steps.some((x) => x.step.startsWith("ironic "))).to.equal(true);
    expect(cmp.disruption.some((d) => d.api.endsWith(" via vip"))).to.equal(true);
    const html = readFileSync(join(passDir, "compare.html"), "utf8");
    expect(html).to.include('id="steps"');
    const t = await runKroll(["report", passDir, "--compare", base]);
    expect(t.stdout).to.match(/^verdict\s+PASS\s+FAIL\s*$/m);
  });
}
