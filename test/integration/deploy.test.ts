/**
 * `kroll deploy` on the 3-node lab: the stable images laid out as kolla-ansible would, then
 * through the VIP an Ironic fake-hardware node reaches active and a Heat stack
 * CREATE_COMPLETE; `kroll status` shows every container healthy on stable; a second deploy
 * changes nothing; a wrong host key, an unreachable node and a missing image each fail with
 * exit 3 and a message naming the node.
 */
import { expect } from "chai";
import { parseDocument } from "yaml";
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { systemClock } from "../../src/core/clock.js";
import { pollUntil } from "../../src/core/poll.js";
import { okJson, sendTo } from "../../src/cluster/http-client.js";
import { packOf } from "../../src/services/catalogue.js";
import { REPO } from "../builders.js";
import { runKroll } from "../support/run-kroll.js";
import { openSession } from "../../src/cli/commands/cluster-session.js";
import { silentLogger } from "../../src/core/logger.js";
import { startLoad } from "../../src/load/session.js";
import { disruptionMs } from "../../src/report/intervals.js";
import { attribute } from "../../src/report/model.js";
import type { ActionSpan } from "../../src/report/model.js";
import { readScenario } from "../../src/scenario/read.js";
import { startWatchers } from "../../src/watch/watcher.js";
import { causeOver } from "../../src/run/model.js";
import { changeGateTests } from "./change-gate.js";
import { brokenRunTest, gateRunTests } from "./gate-run.js";
import { makeSecretsHostile, secretLeaks } from "./hostile.js";

const STATE = join(REPO, "inventories", "lab");
const SCENARIO = join(STATE, "scenario.yaml");
/** What kroll printed in the runs below, grepped for secrets at the end. */
const printed: [string, string][] = [];
const VIP = "172.30.92.250";

/** A copy of the lab scenario beside it (so its relative paths still hold), edited. */
function variant(name: string, edit: (text: string) => string): string {
  const file = join(STATE, `${name}.yaml`);
  writeFileSync(file, edit(readFileSync(SCENARIO, "utf8")));
  return file;
}

/**
 * Ironic's and Heat's own smoke proofs through the VIP: a fake-hardware node enrolled and taken
 * to active, a test stack to CREATE_COMPLETE, each state reached in order.
 */
async function smokeThroughVip(): Promise<void> {
  for (const [service, port, want] of [
    ["ironic", 6385, [/ enrolled$/, / → manageable$/, / → available$/, / → active$/]],
    ["heat", 8004, [/ accepted \(201\)$/, / → CREATE_COMPLETE$/]],
  ] as const) {
    const lines: string[] = [];
    const proof = packOf(service).smoke;
    expect(proof, `${service} has a smoke proof`).to.not.equal(undefined);
    await proof?.run(sendTo(`http://${VIP}:${port}`), systemClock, (l) => lines.push(l));
    expect(lines).to.have.length(want.length);
    want.forEach((re, i) => expect(lines[i]).to.match(re));
  }
}

describe("integration: kroll deploy on the 3-node lab", function () {
  this.timeout(60 * 60_000);

  before(async () => {
    // Bare nodes: whatever an earlier test left is removed (images kept).
    const down = await runKroll(["lab", "down", "--keep-images"], { timeoutMs: 10 * 60_000 });
    expect(down.code, down.stderr).to.equal(0);
    const up = await runKroll(["lab", "up", "--nodes", "3", "--verbose"], {
      timeoutMs: 50 * 60_000,
    });
    expect(up.code, `lab up failed:\n${up.stdout}\n${up.stderr}`).to.equal(0);
    // Secrets with every character that needs escaping somewhere, before anything uses them.
    makeSecretsHostile(join(STATE, "kolla", "passwords.yml"));
  });
  after(async () => {
    const down = await runKroll(["lab", "down", "--keep-images"], { timeoutMs: 10 * 60_000 });
    expect(down.code, down.stderr).to.equal(0);
  });

  it("deploys the stable images on every node", async () => {
    const r = await runKroll(["deploy", SCENARIO], { timeoutMs: 30 * 60_000 });
    printed.push(["deploy", `${r.stdout}\n${r.stderr}`]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^deployed scenario "lab" \(stable images\)/);
    for (const c of [
      "haproxy",
      "mariadb",
      "memcached",
      "rabbitmq",
      "ironic_conductor",
      "ironic_api",
      "heat_engine",
      "heat_api",
    ]) {
      expect(r.stdout, c).to.match(
        new RegExp(`node1\\s+${c}\\s+kroll-registry:5000/kolla/[a-z-]+:stable\\s+created`),
      );
    }
    expect(r.stdout).to.include(`VIP ${VIP} on node1`);
  });

  it("serves Ironic and Heat through the VIP: a node reaches active, a stack CREATE_COMPLETE", async () => {
    await pollUntil(
      systemClock,
      "heat API through the VIP",
      120_000,
      async () =>
        (await sendTo(`http://${VIP}:8004`)("", "GET", "/v1/admin/stacks")).status === 200,
    );
    await smokeThroughVip();
  });

  it("shows every container running, healthy, on the stable tag", async () => {
    const r = await runKroll(["status", SCENARIO, "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const st = JSON.parse(r.stdout) as {
      containers: { node: string; container: string; tag: string; state: string; health: string }[];
    };
    // 3 × (haproxy, mariadb, memcached, ironic_conductor, ironic_api, heat_engine, heat_api) + 1 rabbitmq
    expect(st.containers).to.have.length(22);
    for (const c of st.containers)
      expect([c.node, c.container, c.tag, c.state, c.health]).to.deep.equal([
        c.node,
        c.container,
        "stable",
        "running",
        "healthy",
      ]);
    const table = await runKroll(["status", SCENARIO]);
    expect(table.stdout).to.match(/22 containers, all running and healthy/);
  });

  it("takes a heat-engine off its RPC queues at the lab's RabbitMQ, and its restart consumes afresh", async () => {
    // The drain speaks the broker's internals, which change between RabbitMQ majors: this runs
    // it against the lab's own broker (whatever version its suite ships), not a recording.
    const onNode = (node: string, ...cmd: string[]) =>
      execFileSync("docker", ["exec", `kroll-lab-${node}`, ...cmd], { encoding: "utf8" });
    const engineConsumers = () =>
      onNode(
        "node1",
        "docker",
        "exec",
        "-u",
        "rabbitmq",
        "rabbitmq",
        "rabbitmqctl",
        "-q",
        "list_consumers",
      )
        .split("\n")
        .filter((l) => /^engine\t/.test(l)).length;
    await pollUntil(systemClock, "3 engines consuming", 60_000, () =>
      Promise.resolve(engineConsumers() >= 3),
    );
    const before = engineConsumers();
    const s = (await readScenario(SCENARIO, REPO)).scenario;
    const session = await openSession(s, silentLogger, false);
    try {
      const broker = packOf("rabbitmq").broker;
      expect(broker, "rabbitmq has the broker role").to.not.equal(undefined);
      const took = await broker?.rpcDrain(
        {
          node: "node2",
          process: "heat-engine",
          queues: ["engine", "engine_worker", "heat-engine-listener"],
          brokers: [{ node: "node1", container: "rabbitmq" }],
        },
        { shell: (n) => session.cluster.shell(n), logger: silentLogger },
      );
      expect(took, "the broker answered the drain").to.not.equal(undefined);
      expect((took ?? []).join(", ")).to.match(/^engine ×\d+, engine_worker ×\d+/);
      const n = Number(/engine ×(\d+)/.exec((took ?? [])[0] ?? "")?.[1]);
      expect(n).to.be.greaterThan(0);
      expect(engineConsumers(), "node2's engine consumers gone, the others kept").to.equal(
        before - n,
      );
    } finally {
      session.close();
    }
    onNode("node2", "docker", "restart", "heat_engine");
    await pollUntil(systemClock, "node2's engine consuming again", 90_000, () =>
      Promise.resolve(engineConsumers() === before),
    );
  });

  it("changes nothing on a second deploy, and says so", async () => {
    const r = await runKroll(["deploy", SCENARIO], { timeoutMs: 10 * 60_000 });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(
      /^no change: every container of scenario "lab" already runs its rendered config and image/,
    );
    expect(r.stdout).to.not.match(/\b(created|replaced|started)\b/);
  });

  const onNode = (node: string, ...cmd: string[]): string =>
    execFileSync("docker", ["exec", `kroll-lab-${node}`, ...cmd]).toString();
  const idOf = (node: string, name: string): string =>
    onNode(node, "docker", "inspect", "-f", "{{.Id}}", name).trim();

  it("stops cleanly on SIGTERM mid-deploy (exit 130, naming what it left), and a second deploy finishes it", async () => {
    for (const n of ["node1", "node2", "node3"])
      onNode(n, "docker", "rm", "-f", "heat_api", "heat_engine");
    const r = await runKroll(["deploy", SCENARIO], {
      timeoutMs: 15 * 60_000,
      interruptWhen: /deploying heat/,
      interruptWith: "SIGTERM",
    });
    expect(r.code, r.stderr).to.equal(130);
    expect(r.stderr).to.match(/deploy stopped on request: .*not yet: .*heat_(api|engine)@node\d/);
    expect(r.stderr).to.match(/`kroll deploy` again finishes it/);
    // Nothing half-way: each heat container there is running (none created and not started).
    for (const n of ["node1", "node2", "node3"]) {
      const states = onNode(
        n,
        "docker",
        "ps",
        "-a",
        "--filter",
        "name=heat_",
        "--format",
        "{{.Status}}",
      );
      for (const st of states.split("\n").filter((x) => x !== ""))
        expect(st, `${n}: ${states}`).to.match(/^Up /);
    }
    const again = await runKroll(["deploy", SCENARIO], { timeoutMs: 15 * 60_000 });
    expect(again.code, again.stderr).to.equal(0);
    const table = await runKroll(["status", SCENARIO]);
    expect(table.stdout).to.match(/22 containers, all running and healthy/);
  });

  it("refuses a container it did not create (exit 2, nothing changed); with --adopt leaves it and its config alone", async () => {
    // An operator's heat_api on node3: started by hand with kolla's name, no kroll label, and
    // an operator's edit in its config.
    const image = onNode(
      "node3",
      "docker",
      "inspect",
      "-f",
      "{{.Config.Image}}",
      "heat_api",
    ).trim();
    onNode("node3", "docker", "rm", "-f", "heat_api");
    onNode("node3", "sh", "-c", "echo '# operator edit' >> /etc/kolla/heat-api/heat.conf");
    onNode(
      "node3",
      "docker",
      "run",
      "-d",
      "--name",
      "heat_api",
      "--network",
      "host",
      "--label",
      "operator=by-hand",
      "-e",
      "KOLLA_CONFIG_STRATEGY=COPY_ALWAYS",
      "-v",
      "/etc/kolla/heat-api/:/var/lib/kolla/config_files/:ro",
      image,
    );
    const theirs = idOf("node3", "heat_api");
    try {
      const refused = await runKroll(["deploy", SCENARIO], { timeoutMs: 10 * 60_000 });
      expect(refused.code, refused.stderr).to.equal(2);
      expect(refused.stderr).to.match(
        /refusing to deploy over containers kroll did not create: heat_api@node3; pass --adopt/,
      );
      expect(refused.stderr).to.not.match(/\n\s+at /);
      expect(idOf("node3", "heat_api")).to.equal(theirs);

      const adopted = await runKroll(["deploy", SCENARIO, "--adopt"], { timeoutMs: 10 * 60_000 });
      expect(adopted.code, adopted.stderr).to.equal(0);
      expect(adopted.stdout).to.match(/node3\s+heat_api\s+\S+\s+adopted/);
      expect(idOf("node3", "heat_api"), "never replaced").to.equal(theirs);
      expect(onNode("node3", "cat", "/etc/kolla/heat-api/heat.conf")).to.include("# operator edit");
    } finally {
      // kroll's own again, for the tests after this one.
      onNode("node3", "docker", "rm", "-f", "heat_api");
      const back = await runKroll(["deploy", SCENARIO], { timeoutMs: 10 * 60_000 });
      expect(back.code, back.stderr).to.equal(0);
      expect(onNode("node3", "cat", "/etc/kolla/heat-api/heat.conf")).to.not.include(
        "# operator edit",
      );
    }
  });

  it("fails with exit 3 naming the node when its host key does not match", async () => {
    const kh = join(STATE, "ssh", "known_hosts.wrong");
    const known = readFileSync(join(STATE, "ssh", "known_hosts"), "utf8");
    // node2 is listed with node1's keys: it presents its own, which known_hosts does not have.
    const lines = known.split("\n").filter((l) => l !== "");
    const wrong = [
      ...lines.filter((l) => !l.startsWith("172.30.92.12 ")),
      ...lines
        .filter((l) => l.startsWith("172.30.92.11 "))
        .map((l) => l.replace("172.30.92.11", "172.30.92.12")),
    ];
    writeFileSync(kh, `${wrong.join("\n")}\n`, { mode: 0o600 });
    const file = variant("wrong-host-key", (t) =>
      t.replaceAll("known_hosts: ssh/known_hosts", "known_hosts: ssh/known_hosts.wrong"),
    );
    const r = await runKroll(["status", file]);
    expect(r.code).to.equal(3);
    expect(r.stderr).to.match(/^error: node node2: HOST KEY MISMATCH for root@172\.30\.92\.12:22/);
    expect(r.stderr).to.not.match(/^\s+at /m);
  });

  it("fails with exit 3 naming the node when it is unreachable", async () => {
    const file = variant("unreachable", (t) =>
      t.replace("address: 172.30.92.13", "address: 172.30.92.99"),
    );
    const r = await runKroll(["deploy", file, "--accept-new-host-keys"], { timeoutMs: 120_000 });
    expect(r.code).to.equal(3);
    expect(r.stderr).to.match(/^error: node node3: unreachable: /);
    expect(r.stderr).to.not.match(/^\s+at /m);
  });

  it("fails with exit 3 naming node and image when an image is missing, before changing anything", async () => {
    const file = variant("missing-image", (t) =>
      t.replace(/^(\s*)stable: stable$/m, "$1stable: no-such-tag"),
    );
    const r = await runKroll(["deploy", file], { timeoutMs: 10 * 60_000 });
    expect(r.code).to.equal(3);
    // Log lines (pulls) come first; the error is one line, naming node and image, no stack.
    expect(r.stderr).to.match(
      /^error: node node\d: docker pull kroll-registry:5000\/kolla\/[a-z-]+:no-such-tag: .*(not found|unknown).*$/m,
    );
    expect(r.stderr.split("\n").filter((l) => l.startsWith("error:"))).to.have.length(1);
    expect(r.stderr).to.not.match(/^\s+at /m);
    const st = await runKroll(["status", SCENARIO, "--json"]);
    const tags = (
      JSON.parse(st.stdout) as { containers: { tag: string; health: string }[] }
    ).containers.map((c) => `${c.tag}/${c.health}`);
    expect(new Set(tags)).to.deep.equal(new Set(["stable/healthy"]));
  });

  // ------------------------------------------------------------------ load and watchers

  /** Load (Ironic reads through the VIP) and watchers around `during`; the cluster stays on stable. */
  async function underLoad(during: () => Promise<ActionSpan[]>) {
    const s = (await readScenario(SCENARIO, REPO)).scenario;
    const scenario = {
      ...s,
      load: {
        ...s.load,
        profiles: [
          {
            kind: "ironic" as const,
            name: "ironic",
            rate: 20,
            concurrency: 16,
            microversions: ["1.80"],
            lifecycles: 0,
            operation_deadline: 300_000,
          },
        ],
      },
    };
    const session = await openSession(s, silentLogger, false);
    const watchers = startWatchers({
      scenario: s.name,
      nodes: s.cluster.nodes.map((n) => n.name),
      loadbalancers: ["node1", "node2", "node3"],
      cluster: session.cluster,
      dockers: session.dockers,
      clock: systemClock,
      logger: silentLogger,
      logEveryMs: 5_000,
    });
    const load = startLoad(scenario, {
      clock: systemClock,
      logger: silentLogger,
      durationMs: 120_000,
    });
    await systemClock.sleep(4_000);
    const spans = await during();
    await systemClock.sleep(4_000);
    const result = await load.stop();
    const watched = await watchers.stop();
    session.close();
    return { result, watched, spans };
  }
  const onNode2 = (cmd: string[]) =>
    execFileSync("docker", ["exec", "kroll-lab-node2", ...cmd]).toString();
  /** The same, without blocking the load that runs in this process (a stop takes seconds). */
  const onNode2Async = async (cmd: string[]): Promise<string> =>
    (await promisify(execFile)("docker", ["exec", "kroll-lab-node2", ...cmd])).stdout;
  const lbCmd = (lb: string, c: string) =>
    execFileSync("docker", [
      "exec",
      `kroll-lab-${lb}`,
      "docker",
      "exec",
      "haproxy",
      "sh",
      "-c",
      `echo "${c}" | socat stdio unix-connect:/var/lib/kolla/haproxy/haproxy.sock`,
    ]).toString();
  const waitHealthy = () =>
    pollUntil(
      systemClock,
      "ironic_api on node2 healthy",
      90_000,
      () =>
        Promise.resolve(
          onNode2(["docker", "inspect", "-f", "{{.State.Health.Status}}", "ironic_api"]).trim() ===
            "healthy",
        ),
      1_000,
    );
  const span = (kind: string, description: string, from: number, to: number): ActionSpan => ({
    wave: 0,
    service: "ironic",
    step: "test",
    node: "node2",
    container: "ironic_api",
    kind,
    description,
    rollback: false,
    from,
    to,
    failed: false,
  });

  it("records the outage of an ironic-api stopped without drain, and ties it to the stop", async () => {
    const { result, watched, spans } = await underLoad(async () => {
      const from = Date.now();
      onNode2(["docker", "stop", "-t", "0", "ironic_api"]);
      // Longer than HAProxy takes to mark it DOWN (fall 5 × inter 2 s).
      await systemClock.sleep(12_000);
      onNode2(["docker", "start", "ironic_api"]);
      await waitHealthy();
      return [
        span("restart", "stop ironic_api on node2 without drain, start it again", from, Date.now()),
      ];
    });
    const direct = result.polls.filter((p) => p.backend === "ironic_api_back" && p.via === "node2");
    expect(direct).to.have.length(2);
    for (const p of direct) {
      const out = p.intervals.filter((i) => !i.available);
      expect(out.length, `${p.connection}: ${JSON.stringify(p.intervals)}`).to.be.above(0);
      expect(out.map((i) => i.message).join(" "), p.connection).to.match(
        /ECONNREFUSED|ECONNRESET|socket hang up|no answer/,
      );
      expect(disruptionMs(p.intervals), p.connection).to.be.within(10_000, 90_000);
      // The outage is tied to the stop: the unavailable time inside the stop is at least the
      // 12 s the container was down. (A keep-alive or a new connection the API drops outside
      // the stop — eventlet closes some without an answer under load — stays unattributed.)
      // An outage overlapping the stop is tied to it (a keep-alive probe sent just before the
      // stop fails on its reconnect, inside it).
      const tied = out.filter((i) => causeOver(spans, i.from, i.to)?.container === "ironic_api");
      const tiedMs = tied.reduce((sum, i) => sum + (i.to - i.from), 0);
      expect(tiedMs, `${p.connection}: ${JSON.stringify(out)}`).to.be.at.least(10_000);
    }
    const during = result.summary.failures.filter((f) => attribute(spans, f.dueAt).length > 0);
    for (const f of during) expect(attribute(spans, f.dueAt)[0]?.node).to.equal("node2");
    expect(
      watched.some(
        (w) =>
          w.kind === "container" &&
          w.node === "node2" &&
          w.container === "ironic_api" &&
          (w.action === "die" || w.action === "kill"),
      ),
    ).to.equal(true);
    expect(
      watched.some(
        (w) =>
          w.kind === "loadbalancer" &&
          w.server === "node2" &&
          w.backend === "ironic_api_back" &&
          /DOWN/.test(w.status),
      ),
    ).to.equal(true);
  });

  it("sees zero failed requests through the VIP when the same ironic-api is drained first", async () => {
    const { result } = await underLoad(async () => {
      const from = Date.now();
      for (const lb of ["node1", "node2", "node3"])
        lbCmd(lb, "set server ironic_api_back/node2 state drain");
      await pollUntil(
        systemClock,
        "node2 drained",
        60_000,
        () =>
          Promise.resolve(
            ["node1", "node2", "node3"].every((lb) =>
              lbCmd(lb, "show stat")
                .split("\n")
                .filter((l) => l.startsWith("ironic_api_back,node2,"))
                .every((l) => l.split(",")[4] === "0"),
            ),
          ),
        200,
      );
      // Asynchronously: a synchronous stop (up to its 10 s grace) froze the load in this
      // process mid-request, and HAProxy answered 408 to the requests it cut (CI, 2026-12-07).
      await onNode2Async(["docker", "stop", "-t", "10", "ironic_api"]);
      await onNode2Async(["docker", "start", "ironic_api"]);
      await waitHealthy();
      await systemClock.sleep(5_000); // HAProxy: rise 2 × inter 2 s
      for (const lb of ["node1", "node2", "node3"])
        lbCmd(lb, "set server ironic_api_back/node2 state ready");
      return [span("restart", "drain, restart, ready", from, Date.now())];
    });
    expect(result.summary.requests).to.be.above(200);
    expect(result.summary.failed, JSON.stringify(result.summary.failures.slice(0, 3))).to.equal(0);
    // The drained backend's VIP: no outage at all. (Heat's VIP probe has twice waited 10 s for
    // an answer during this test, with nothing done to Heat: an open lab finding, see
    // docs/lab-findings.md "Heat's API stalls 10 s under the lab's load"; the run checks it.)
    for (const p of result.polls.filter((x) => x.via === "vip" && x.backend.startsWith("ironic")))
      expect(
        disruptionMs(p.intervals),
        `${p.backend} ${p.connection}: ${JSON.stringify(p.intervals.filter((i) => !i.available))}`,
      ).to.equal(0);
  });

  it("reports a node left failed by an ironic-conductor killed during its deploy, with the node id", async () => {
    const s = (await readScenario(SCENARIO, REPO)).scenario;
    const scenario = {
      ...s,
      load: {
        ...s.load,
        drain: 60_000,
        profiles: [
          {
            kind: "ironic" as const,
            name: "ironic",
            rate: 2,
            concurrency: 4,
            microversions: ["1.80"],
            lifecycles: 1,
            operation_deadline: 120_000,
          },
        ],
      },
    };
    const load = startLoad(scenario, {
      clock: systemClock,
      logger: silentLogger,
      durationMs: 300_000,
    });
    let victim: { uuid: string; conductor: string } | undefined;
    try {
      // fake-hardware's deploy takes [fake] deploy_delay = 3 s: catch a node in it.
      await pollUntil(
        systemClock,
        "a node deploying",
        120_000,
        async () => {
          const r = await sendTo(`http://${VIP}:6385`)("", "GET", "/v1/nodes/detail", {
            headers: { "X-OpenStack-Ironic-API-Version": "1.82" },
          });
          const n = (
            okJson<{
              nodes: { uuid: string; provision_state: string; conductor: string | null }[];
            }>(r)?.nodes ?? []
          ).find((x) => x.provision_state === "deploying" && x.conductor);
          if (n) victim = { uuid: n.uuid, conductor: n.conductor ?? "" };
          return n !== undefined;
        },
        100,
      );
      const v = victim as unknown as { uuid: string; conductor: string };
      const lab = s.cluster.nodes.find((n) => n.address === v.conductor)?.name ?? "";
      expect(lab, v.conductor).to.match(/^node\d$/);
      execFileSync("docker", ["exec", `kroll-lab-${lab}`, "docker", "kill", "ironic_conductor"]);
      await systemClock.sleep(2_000);
      execFileSync("docker", ["exec", `kroll-lab-${lab}`, "docker", "start", "ironic_conductor"]);
      await pollUntil(
        systemClock,
        "the node's deploy judged",
        180_000,
        () =>
          Promise.resolve(
            load.recorder.summary().operations.some((o) => o.id === v.uuid && o.verb === "active"),
          ),
        1_000,
      );
    } finally {
      await load.stop();
    }
    const r = await load.stop();
    const op = r.summary.operations.find((o) => o.id === victim?.uuid && o.verb === "active");
    expect(op, JSON.stringify(r.summary.operations)).to.not.equal(undefined);
    expect(op).to.deep.include({ kind: "ironic-node", status: "failed", goal: "active" });
    expect(op?.state).to.match(/deploy failed|error/);
    expect(op?.reason).to.match(/resume|conductor|fail/i);
  });

  // ------------------------------------------------------------------ kroll plan / upgrade

  const runDir = join(REPO, "runs", "test-upgrade");
  let planned: { service: string; step: string; nodes: string[] }[] = [];
  // Ironic only (the rest held on stable): the whole engine — pulls, the schema one-shot,
  // pinned conductors and drained APIs, unpin, online migrations — in a third of the time of
  // the whole lab, which the `kroll run` tests below upgrade in full.
  let IRONIC = "";
  before(() => {
    const doc = parseDocument(readFileSync(SCENARIO, "utf8"));
    doc.setIn(
      ["upgrade", "leave_on_stable", "services"],
      // Every service of the lab but Ironic (whatever packs the lab runs).
      doc.createNode((doc.toJS() as { services: string[] }).services.filter((x) => x !== "ironic")),
    );
    IRONIC = join(STATE, "ironic-only.yaml");
    writeFileSync(IRONIC, doc.toString());
  });

  it("plans the upgrade from the cluster as observed", async () => {
    const r = await runKroll(["plan", IRONIC, "--json"], { timeoutMs: 5 * 60_000 });
    expect(r.code, r.stderr).to.equal(0);
    const plan = JSON.parse(r.stdout) as {
      source: string;
      waves: { service: string; step: string; tracks: { node?: string }[] }[];
    };
    expect(plan.source).to.equal("observed");
    planned = plan.waves.map((w) => ({
      service: w.service,
      step: w.step,
      nodes: w.tracks.map((t) => t.node ?? "-"),
    }));
    expect(planned.map((w) => w.service).filter((x, i, a) => a.indexOf(x) === i)).to.deep.equal([
      "cluster",
      "ironic",
    ]);
  });

  it("stops on SIGINT mid-upgrade leaving no backend drained, and names the journal", async () => {
    rmSync(runDir, { recursive: true, force: true });
    const r = await runKroll(["upgrade", IRONIC, "--run-dir", runDir], {
      timeoutMs: 40 * 60_000,
      interruptWhen: /wave \d+: ironic apis: .*node2/,
    });
    printed.push(["upgrade", `${r.stdout}\n${r.stderr}`]);
    expect(r.code, "Ctrl-C exits 130, never 1 (a failed verdict)").to.equal(130);
    expect(r.stderr).to.match(
      /error: upgrade interrupted: .*nothing left drained; resume with: kroll upgrade --resume .*journal: .*journal\.jsonl/,
    );
    for (const lb of ["node1", "node2", "node3"]) {
      const state = execFileSync("docker", [
        "exec",
        `kroll-lab-${lb}`,
        "docker",
        "exec",
        "haproxy",
        "sh",
        "-c",
        'echo "show servers state" | socat stdio unix-connect:/var/lib/kolla/haproxy/haproxy.sock',
      ]).toString();
      const admin = state
        .split("\n")
        .filter((l) => /^\d+ /.test(l))
        .map((l) => `${l.split(" ")[1]}/${l.split(" ")[3]}=${l.split(" ")[6]}`);
      expect(admin.length, lb).to.be.above(5);
      expect(
        admin.filter((a) => !a.endsWith("=0")),
        `drained or in maintenance on ${lb}`,
      ).to.deep.equal([]);
    }
  });

  it("resumes from the journal and takes every container to proposed, in the planned order", async () => {
    const r = await runKroll(["upgrade", "--resume", runDir], { timeoutMs: 40 * 60_000 });
    printed.push(["upgrade --resume", `${r.stdout}\n${r.stderr}`]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).to.equal(0);
    expect(r.stdout).to.match(/upgrade of "lab" complete/);
    const records = readFileSync(join(runDir, "journal.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // Every action journaled before and after it ran.
    const starts = records.filter((x) => x.type === "action" && x.event === "start").length;
    const ends = records.filter((x) => x.type === "action" && x.event !== "start").length;
    expect(starts).to.equal(ends);
    // The waves run are the waves `kroll plan` printed: a wave stopped by the signal counts
    // once (its node finished) or is run again after the resume (its drain was undone).
    const waves = records.filter((x) => x.type === "wave");
    const nodesOf = new Map(waves.filter((x) => x.event === "start").map((x) => [x.wave, x.nodes]));
    const keyOf = (x: Record<string, unknown>): string =>
      `${x.service as string} ${x.step as string} ${((nodesOf.get(x.wave) as string[] | undefined) ?? []).join(",")}`;
    const ended = waves.filter((x) => x.event === "done" || x.event === "stopped");
    const dedup = ended
      .filter(
        (x, i) => !(x.event === "stopped" && ended[i + 1] && keyOf(ended[i + 1]!) === keyOf(x)),
      )
      .map(keyOf);
    expect(ended.filter((x) => x.event === "stopped")).to.have.length(1);
    expect(dedup).to.deep.equal(planned.map((w) => `${w.service} ${w.step} ${w.nodes.join(",")}`));
    const at = (line: string): number => dedup.findIndex((l) => l.startsWith(line));
    const order = (svc: string, step: string): number => at(`${svc} ${step} `);
    expect(order("ironic", "db-upgrade")).to.be.below(order("ironic", "conductors"));
    expect(order("ironic", "conductors")).to.be.below(order("ironic", "apis"));
    expect(order("ironic", "apis")).to.be.below(order("ironic", "unpin"));
    expect(order("ironic", "unpin")).to.be.below(order("ironic", "online-migrations"));
  });

  it("leaves Ironic on proposed and the rest on stable, all healthy, as kroll status shows, nothing kept aside", async () => {
    const st = await runKroll(["status", SCENARIO, "--json"]);
    expect(st.code, st.stderr).to.equal(0);
    const cs = (
      JSON.parse(st.stdout) as {
        containers: { container: string; tag: string; health: string; state: string }[];
      }
    ).containers;
    expect(cs).to.have.length(22);
    expect(cs.filter((c) => c.container.endsWith("_kroll_old"))).to.deep.equal([]);
    expect(
      new Set(
        cs.map(
          (c) =>
            `${c.container.startsWith("ironic") ? "ironic" : "other"} ${c.tag}/${c.state}/${c.health}`,
        ),
      ),
    ).to.deep.equal(new Set(["ironic proposed/running/healthy", "other stable/running/healthy"]));
  });

  it("still serves Ironic and Heat through the VIP after the upgrade", async () => {
    await smokeThroughVip();
  });

  it("leaves no secret, in any encoding, in what it printed or in the upgrade's run directory", () => {
    // The lab's passwords hold ' " \\ % & < + # (hostile.ts): raw, JSON-, HTML-, URL- and
    // base64-encoded forms of every value of passwords.yml are looked for.
    expect(printed.map(([what]) => what)).to.deep.equal(["deploy", "upgrade", "upgrade --resume"]);
    expect(secretLeaks(join(STATE, "kolla", "passwords.yml"), [runDir], printed)).to.deep.equal([]);
  });

  it("has nothing left to do on a second upgrade", async () => {
    const r = await runKroll(["upgrade", IRONIC, "--run-dir", `${runDir}-again`], {
      timeoutMs: 10 * 60_000,
    });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/upgrade complete after 0 waves/);
    rmSync(`${runDir}-again`, { recursive: true, force: true });
  });

  // ------------------------------------------------------------------ kroll run
  // The whole runs on the real release pair (2026.1 → 2026.2) take 30–60 minutes each on two
  // cores (image pulls of a whole new release, window holds): more than the CI budget for the
  // five of them. They run as `npm run bench -- lab-runs` (KROLL_LAB_RUNS=1), which runs this
  // file with them; the suite says so in its output. Each group empties the nodes first
  // (`kroll lab reset`): a stable Ironic's bootstrap refuses the schema this file's upgrade
  // moved, as it should (CI of 2026-12-07).
  if (process.env.KROLL_LAB_RUNS === "1") {
    describe("kroll run: a broken proposed image", brokenRunTest);
    describe("kroll run", gateRunTests);
    // Last: the gate scenario's lab is 2 of these nodes (the third goes).
    describe("kroll run --change: the Ironic gate", changeGateTests);
  }
});
