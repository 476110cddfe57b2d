/**
 * `kroll deploy` on the 3-node lab: the stable images laid out as kolla-ansible would, then
 * through the VIP an Ironic fake-hardware node reaches active and a Heat stack
 * CREATE_COMPLETE; `kroll status` shows every container healthy on stable; a second deploy
 * changes nothing; a wrong host key, an unreachable node and a missing image each fail with
 * exit 3 and a message naming the node.
 */
import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { systemClock } from "../../src/core/clock.js";
import { pollUntil } from "../../src/core/poll.js";
import { heatStackToComplete, http, ironicNodeToActive } from "../../src/lab/probes.js";
import { REPO } from "../builders.js";
import { runKroll } from "../support/run-kroll.js";

const STATE = join(REPO, "inventories", "lab");
const SCENARIO = join(STATE, "scenario.yaml");
const VIP = "172.30.92.250";

/** A copy of the lab scenario beside it (so its relative paths still hold), edited. */
function variant(name: string, edit: (text: string) => string): string {
  const file = join(STATE, `${name}.yaml`);
  writeFileSync(file, edit(readFileSync(SCENARIO, "utf8")));
  return file;
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
  });
  after(async () => {
    const down = await runKroll(["lab", "down", "--keep-images"], { timeoutMs: 10 * 60_000 });
    expect(down.code, down.stderr).to.equal(0);
  });

  it("deploys the stable images on every node", async () => {
    const r = await runKroll(["deploy", SCENARIO], { timeoutMs: 30 * 60_000 });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^deployed scenario "lab" \(stable images\)/);
    for (const c of [
      "haproxy",
      "mariadb",
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
        (await http("GET", `http://${VIP}:8004/v1/admin/stacks`).catch(() => ({ status: 0 })))
          .status === 200,
    );
    const states: string[] = [];
    await ironicNodeToActive(`http://${VIP}:6385`, systemClock, (_u, s) => states.push(s));
    expect(states).to.deep.equal(["enroll", "manageable", "available", "active"]);
    const stack: string[] = [];
    await heatStackToComplete(`http://${VIP}:8004`, systemClock, (_id, s) => stack.push(s));
    expect(stack).to.deep.equal(["accepted (201)", "CREATE_COMPLETE"]);
  });

  it("shows every container running, healthy, on the stable tag", async () => {
    const r = await runKroll(["status", SCENARIO, "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const st = JSON.parse(r.stdout) as {
      containers: { node: string; container: string; tag: string; state: string; health: string }[];
    };
    // 3 × (haproxy, mariadb, ironic_conductor, ironic_api, heat_engine, heat_api) + 1 rabbitmq
    expect(st.containers).to.have.length(19);
    for (const c of st.containers)
      expect([c.node, c.container, c.tag, c.state, c.health]).to.deep.equal([
        c.node,
        c.container,
        "stable",
        "running",
        "healthy",
      ]);
    const table = await runKroll(["status", SCENARIO]);
    expect(table.stdout).to.match(/19 containers, all running and healthy/);
  });

  it("changes nothing on a second deploy, and says so", async () => {
    const r = await runKroll(["deploy", SCENARIO], { timeoutMs: 10 * 60_000 });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(
      /^no change: every container of scenario "lab" already runs its rendered config and image/,
    );
    expect(r.stdout).to.not.match(/\b(created|replaced|started)\b/);
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
});
