import { expect } from "chai";
import { aScenario, load } from "../../builders.js";
import { fakeClock } from "../../fakes/fake-clock.js";
import { FakeCluster } from "../../fakes/fake-upgrade-ops.js";
import { createStderrLogger } from "../../../src/core/logger.js";
import { desiredState } from "../../../src/upgrade/desired.js";
import { runUpgrade, whereOf } from "../../../src/upgrade/executor.js";
import type { ExecutorDeps } from "../../../src/upgrade/executor.js";
import { markersOf, nextWaveNumber, takenOutNotBack } from "../../../src/upgrade/journal.js";
import type { JournalRecord } from "../../../src/upgrade/journal.js";
import type { Desired } from "../../../src/upgrade/types.js";
import type { Clock } from "../../../src/core/clock.js";
import { UsageError } from "../../../src/core/errors.js";
import { LABELS } from "../../../src/deploy/render.js";

const quiet = createStderrLogger({ level: "error", format: "pretty", write: () => undefined });

function desired(over = {}): Desired {
  return desiredState(
    load(aScenario({ network: { internal_vip: "10.0.0.250", enable_keepalived: false }, ...over }))
      .scenario,
  );
}

function deps(
  fake: FakeCluster,
  records: JournalRecord[],
  over: Partial<ExecutorDeps> = {},
): ExecutorDeps {
  return {
    ops: fake,
    clock: fakeClock(),
    logger: quiet,
    journal: { append: (r) => records.push(r) },
    onFailure: "rollback",
    ...over,
  };
}

function expectUpgraded(fake: FakeCluster, d: Desired): void {
  for (const t of d.targets) {
    const c = fake.get(t.node, t.container);
    expect(c?.image, `${t.container}@${t.node}`).to.equal(t.image);
    expect(c?.status).to.equal("running");
    // The process runs unpinned (a conductor reloaded in place keeps its creation-time label).
    expect(fake.pinOf(t.node, t.container), `${t.container}@${t.node} pin`).to.equal(undefined);
    expect(fake.configuredPin(t.node, t.container), `${t.container}@${t.node} config`).to.equal(
      undefined,
    );
  }
  expect([...fake.containers.keys()].filter((k) => k.endsWith("_kroll_old"))).to.deep.equal([]);
  expect(fake.drained()).to.deep.equal([]);
}

describe("executor.runUpgrade", () => {
  it("upgrades every container, in recipe order, journaling each action before and after", async () => {
    const d = desired();
    const fake = new FakeCluster(d);
    const records: JournalRecord[] = [];
    const out = await runUpgrade(d, deps(fake, records));
    expect(out.status).to.equal("done");
    expectUpgraded(fake, d);
    const starts = records.filter((r) => r.type === "action" && r.event === "start").length;
    const dones = records.filter((r) => r.type === "action" && r.event === "done").length;
    expect(starts).to.equal(dones).and.to.be.above(100);
    const creates = fake.calls
      .filter((c) => c.startsWith("create"))
      .map((c) => c.split(" ").slice(1, 3).join(" "));
    expect(creates.indexOf("node3 ironic_conductor")).to.be.below(
      creates.indexOf("node1 ironic_api"),
    );
    expect(creates.indexOf("node3 heat_api")).to.be.below(creates.indexOf("node3 heat_engine"));
    // Conductors are created once (pinned) and unpinned where they run: config, then SIGHUP.
    expect(creates.filter((c) => c.endsWith(" ironic_conductor"))).to.have.length(3);
    const reloads = fake.calls.filter((c) => c.startsWith("reload"));
    expect(reloads).to.deep.equal(
      ["node1", "node2", "node3"].map((n) => `reload ${n} ironic_conductor SIGHUP`),
    );
    for (const r of reloads) {
      const node = r.split(" ")[1];
      expect(fake.calls[fake.calls.indexOf(r) - 1]).to.equal(
        `config ${node} /etc/kolla/ironic-conductor/ironic.conf pin_release_version=null`,
      );
    }
    expect(records.at(-1)).to.deep.include({ type: "end", status: "done" });
    expect(records.filter((r) => r.type === "end")).to.have.length(1);
  });

  it("ends its journal once, as failed, when something it calls throws, and rethrows", async () => {
    const d = desired();
    const fake = new FakeCluster(d);
    fake.observe = () => Promise.reject(new Error("ssh: node2 went away"));
    const records: JournalRecord[] = [];
    let thrown: unknown;
    await runUpgrade(d, deps(fake, records)).catch((e: unknown) => (thrown = e));
    expect(thrown).to.be.instanceOf(Error).with.property("message", "ssh: node2 went away");
    expect(records.filter((r) => r.type === "end")).to.deep.equal([
      { type: "end", ts: records.at(-1)?.ts, status: "failed", message: "ssh: node2 went away" },
    ]);
  });

  it("fails at once, not at the healthy timeout, on a new container that keeps restarting", async () => {
    const d = desired();
    const fake = new FakeCluster(d);
    const c = d.targets.find((t) => t.container === "ironic_conductor" && t.node === "node1")!;
    fake.crashing.add(`node1 ${c.image}`);
    const clock = fakeClock(0);
    const out = await runUpgrade(d, { ...deps(fake, []), clock });
    expect(out.status).to.equal("failed");
    expect(out.failure).to.deep.include({ node: "node1", container: "ironic_conductor" });
    expect(out.failure?.reason).to.match(/keeps restarting/);
    expect(out.rolledBack).to.deep.equal([{ node: "node1", container: "ironic_conductor" }]);
    // Pulls, the schema one-shot and the first conductor, not 180 s of waiting.
    expect(clock.now()).to.be.below(60_000);
  });

  it("rolls back exactly the node whose new container does not become healthy, and stops", async () => {
    const d = desired();
    const fake = new FakeCluster(d);
    const api = d.targets.find((t) => t.container === "ironic_api" && t.node === "node2")!;
    fake.broken.add(`node2 ${api.image}`);
    const records: JournalRecord[] = [];
    const out = await runUpgrade(d, deps(fake, records));
    expect(out.status).to.equal("failed");
    expect(out.failure).to.deep.include({
      service: "ironic",
      step: "apis",
      node: "node2",
      container: "ironic_api",
    });
    expect(out.failure?.reason).to.match(/not healthy within 180 s.*fake log line/);
    expect(out.rolledBack).to.deep.equal([{ node: "node2", container: "ironic_api" }]);
    expect(fake.get("node2", "ironic_api")?.image).to.equal(api.stable);
    expect(fake.get("node1", "ironic_api")?.image).to.equal(api.image); // not touched by the rollback
    expect(fake.get("node2", "ironic_api_kroll_old")).to.equal(undefined);
    expect(
      fake.configs.get(`node2:/etc/kolla/ironic-api/ironic.conf:pin_release_version`),
    ).to.equal(null);
    expect(fake.drained()).to.deep.equal([]);
    expect(fake.get("node1", "heat_api")?.image).to.equal(
      d.targets.find((t) => t.container === "heat_api")!.stable,
    );
    expect(
      records
        .filter((r) => r.type === "action" && r.rollback && r.event === "done")
        .map((r) => (r as { action: { kind: string } }).action.kind),
    ).to.deep.equal(["setConfig", "restore", "waitHealthy", "ready"]);
  });

  it("stops on a failed one-shot without touching containers", async () => {
    const d = desired();
    const fake = new FakeCluster(d);
    fake.failingOneShots.add("KOLLA_UPGRADE");
    const out = await runUpgrade(d, deps(fake, []));
    expect(out.status).to.equal("failed");
    expect(out.failure).to.deep.include({ service: "ironic", step: "db-upgrade" });
    expect(fake.get("node1", "ironic_conductor")?.image).to.match(/:stable$/);
  });

  it("stops before the next wave when a watcher signals a failure", async () => {
    const d = desired();
    const fake = new FakeCluster(d);
    let failure: string | undefined;
    let waves = 0;
    const out = await runUpgrade(
      d,
      deps(fake, [], {
        failure: () => failure,
        onWave: (_w, _i, ev) => {
          if (ev === "done" && ++waves === 3) failure = "5 failed requests through the VIP";
        },
      }),
    );
    expect(out.status).to.equal("failed");
    expect(out.waves).to.equal(3);
    expect(out.message).to.match(/stopped before the next wave: 5 failed requests/);
    expect(fake.drained()).to.deep.equal([]);
  });

  it("rolls back the node being replaced when a watcher fails mid-wave", async () => {
    const d = desired();
    const fake = new FakeCluster(d);
    let failure: string | undefined;
    fake.onCall = (c) => {
      if (c.startsWith("create node1 ironic_api")) failure = "ironic-api disruption 2.1 s > 0 s";
    };
    const out = await runUpgrade(d, deps(fake, [], { failure: () => failure }));
    expect(out.status).to.equal("failed");
    expect(out.failure?.reason).to.contain("disruption");
    expect(out.rolledBack).to.deep.equal([{ node: "node1", container: "ironic_api" }]);
    expect(fake.get("node1", "ironic_api")?.image).to.match(/:stable$/);
    expect(fake.drained()).to.deep.equal([]);
  });

  it("drains a server it had made ready again before putting its old container back", async () => {
    const d = desired();
    const fake = new FakeCluster(d);
    let failure: string | undefined;
    fake.onCall = (c) => {
      if (/^set \S+ ironic_api_back\/node1 ready/.test(c))
        failure = "1 accepted operation ended failed";
    };
    const records: JournalRecord[] = [];
    const out = await runUpgrade(d, deps(fake, records, { failure: () => failure }));
    expect(out.status).to.equal("failed");
    expect(out.rolledBack).to.deep.equal([{ node: "node1", container: "ironic_api" }]);
    const undone = records
      .filter((r) => r.type === "action" && r.rollback && r.event === "done")
      .map((r) => (r as { action: { kind: string } }).action.kind);
    expect(undone.slice(0, 2)).to.deep.equal(["drain", "waitDrained"]);
    expect(undone.indexOf("restore")).to.be.above(1);
    expect(undone.at(-1)).to.equal("ready");
    // On the loadbalancers: drained before the old one is back, ready after it is healthy.
    const restore = fake.calls.findIndex((c) => c.startsWith("restore node1 ironic_api"));
    expect(restore, fake.calls.join("\n")).to.be.above(0);
    const redrain = fake.calls.findLastIndex(
      (c, i) => i < restore && /^set \S+ ironic_api_back\/node1 drain/.test(c),
    );
    const readyAgain = fake.calls.findIndex(
      (c, i) => i > restore && /^set \S+ ironic_api_back\/node1 ready/.test(c),
    );
    expect(redrain).to.be.above(
      fake.calls.findIndex((c) => /ironic_api_back\/node1 ready/.test(c)),
    );
    expect(readyAgain).to.be.above(restore);
    expect(fake.drained()).to.deep.equal([]);
  });

  it("with on_failure: stop, leaves the new container but readies its backend", async () => {
    const d = desired();
    const fake = new FakeCluster(d);
    const api = d.targets.find((t) => t.container === "ironic_api" && t.node === "node1")!;
    fake.broken.add(`node1 ${api.image}`);
    const out = await runUpgrade(d, deps(fake, [], { onFailure: "stop" }));
    expect(out.status).to.equal("failed");
    expect(out.rolledBack).to.deep.equal([]);
    expect(fake.get("node1", "ironic_api")?.image).to.equal(api.image);
    expect(fake.drained()).to.deep.equal([]);
  });

  for (const [when, at, image] of [
    [
      "drained, before the replacement: undoes the drain",
      "set node3 ironic_api_back/node1 drain",
      "stable",
    ],
    ["after the replacement: finishes the step", "create node1 ironic_api", "proposed"],
  ] as const) {
    it(`on SIGINT mid-wave ${when}, and leaves nothing drained`, async () => {
      const d = desired();
      const fake = new FakeCluster(d);
      const stop = new AbortController();
      fake.onCall = (c) => {
        if (c.startsWith(at)) stop.abort();
      };
      const out = await runUpgrade(d, deps(fake, [], { stop: stop.signal }));
      expect(out.status).to.equal("interrupted");
      expect(out.message).to.match(/nothing left drained/);
      expect(fake.get("node1", "ironic_api")?.image).to.match(new RegExp(`:${image}$`));
      expect(fake.get("node1", "ironic_api_kroll_old")).to.equal(undefined);
      expect(fake.drained()).to.deep.equal([]);
      expect(fake.calls.some((c) => c.startsWith("create node2 ironic_api"))).to.equal(false);
    });
  }

  /**
   * Fake time for short waits; a wait of a minute or more really waits, for the stop request
   * (a hold, a one-shot, a drain nobody ends), so a test sees whether the stop cuts it.
   */
  function stoppableClock(): Clock & { advance(ms: number): void } {
    const c = fakeClock();
    return {
      ...c,
      sleep: (ms, signal) =>
        ms < 60_000
          ? c.sleep(ms)
          : new Promise<void>((_resolve, reject) => {
              if (signal === undefined) return; // never ends: the test times out
              signal.addEventListener("abort", () => reject(new Error("aborted")), {
                once: true,
              });
            }),
    };
  }

  it("a stop request ends a checkpoint hold at once: nothing after it runs, nothing is undone that was done", async () => {
    const d = desired({
      upgrade: {
        checkpoints: [{ name: "conductors-done", after: "ironic-conductor", hold: "10m" }],
      },
    });
    const fake = new FakeCluster(d);
    const stop = new AbortController();
    const records: JournalRecord[] = [];
    const holding = new Promise<void>((r) => {
      fake.onCall = () => undefined;
      const at = setInterval(() => {
        if (
          records.some(
            (x) => x.type === "action" && x.event === "start" && x.action.kind === "checkpoint",
          )
        ) {
          clearInterval(at);
          r();
        }
      }, 2);
    });
    const run = runUpgrade(
      d,
      deps(fake, records, { stop: stop.signal, clock: stoppableClock(), pollMs: 10 }),
    );
    await holding;
    stop.abort();
    const out = await run;
    expect(out.status).to.equal("interrupted");
    for (const n of ["node1", "node2", "node3"])
      expect(fake.get(n, "ironic_conductor")?.image, "done before the hold").to.match(/:proposed$/);
    expect(fake.get("node1", "ironic_api")?.image, "after the hold").to.match(/:stable$/);
    expect(fake.drained()).to.deep.equal([]);
  });

  it("a stop request during a one-shot leaves it running to its end (never cut) and says so; nothing else runs", async () => {
    const d = desired();
    const fake = new FakeCluster(d);
    fake.endlessOneShots.add("KOLLA_UPGRADE");
    const stop = new AbortController();
    fake.onCall = (c) => {
      if (c.startsWith("oneShot") && c.includes("KOLLA_UPGRADE")) setTimeout(() => stop.abort(), 5);
    };
    const out = await runUpgrade(d, deps(fake, [], { stop: stop.signal, clock: stoppableClock() }));
    expect(out.status).to.equal("interrupted");
    expect(out.notes.join("\n")).to.match(
      /KOLLA_UPGRADE one-shot on node\d was left running to its end \(never cut\); a resume waits for it/,
    );
    const after = fake.calls.slice(fake.calls.findIndex((c) => c.includes("KOLLA_UPGRADE")) + 1);
    expect(after.filter((c) => /^(stop|create|rm) /.test(c))).to.deep.equal([]);
  });

  it("a stop request during a drain wait ends the wait and makes the server ready again", async () => {
    const d = desired();
    const fake = new FakeCluster(d);
    // The API server's sessions never end by themselves.
    fake.servers = fake.servers.map((x) =>
      x.backend === "ironic_api_back" && x.server === "node1" ? { ...x, sessions: 2 } : x,
    );
    const stop = new AbortController();
    let stats = 0;
    fake.onCall = (c) => {
      if (c.startsWith("stat ") && fake.drained().length > 0 && ++stats === 6) stop.abort();
    };
    const clock = stoppableClock();
    const out = await runUpgrade(d, deps(fake, [], { stop: stop.signal, clock, pollMs: 1_000 }));
    expect(out.status).to.equal("interrupted");
    expect(fake.drained()).to.deep.equal([]);
    expect(fake.calls.some((c) => c.startsWith("shutdown"))).to.equal(false);
    expect(fake.get("node1", "ironic_api")?.image).to.match(/:stable$/);
    expect(clock.now() - 1_000_000, "long before the drain timeout").to.be.below(d.drainTimeoutMs);
  });

  it("on SIGINT while one loadbalancer does not answer, makes the others ready and names what stays drained", async () => {
    const d = desired();
    const fake = new FakeCluster(d);
    const stop = new AbortController();
    let dead = false;
    fake.onCall = (c) => {
      if (c.startsWith("set node3 ironic_api_back/node1 drain")) {
        stop.abort();
        dead = true; // node2's HAProxy stops answering from now on
      }
      if (dead && c.startsWith("set node2 "))
        throw new Error("node2: haproxy socket: connection refused");
    };
    const out = await runUpgrade(d, deps(fake, [], { stop: stop.signal }));
    expect(out.status).to.equal("interrupted");
    expect(out.message).to.not.match(/nothing left drained/);
    expect(out.message).to.match(
      /LEFT DRAINED: ironic_api_back\/node1 on node2 \(set them ready by hand, or resume\)/,
    );
    // Every loadbalancer that answers has the backend ready again: node3 after node2 failed.
    const states = fake.servers
      .filter((s) => s.backend === "ironic_api_back" && s.server === "node1")
      .map((s) => `${s.lb}=${s.admin}`)
      .sort();
    expect(states).to.deep.equal(["node1=ready", "node2=drain", "node3=ready"]);
  });

  it("a loadbalancer whose stats do not list the server has not said it is drained: the wait goes on to its deadline", async () => {
    const d = desired();
    const fake = new FakeCluster(d);
    // An empty answer (a refused socket printed nothing): never "0 sessions".
    fake.serverStats = () => Promise.resolve([]);
    const clock = fakeClock();
    const out = await runUpgrade(d, deps(fake, [], { clock }));
    expect(out.status).to.equal("done");
    expect(fake.calls.filter((c) => c.startsWith("shutdown")).length).to.be.above(0);
  });

  it("drains a Galera member by closing its idle client connections, and cuts sessions only when none is idle by the deadline", async () => {
    for (const idle of [true, false]) {
      const d = desired();
      const fake = new FakeCluster(d);
      fake.dbConnectionsIdle = idle;
      // Pooled database connections never end by themselves.
      fake.servers = fake.servers.map((s) => (s.backend === "mariadb" ? { ...s, sessions: 3 } : s));
      const clock = fakeClock();
      const records: JournalRecord[] = [];
      const closedAt: number[] = [];
      const close = fake.closeIdleDbSessions.bind(fake);
      fake.closeIdleDbSessions = (node, container) => {
        closedAt.push(clock.now());
        return close(node, container);
      };
      const out = await runUpgrade(d, deps(fake, records, { clock }));
      expect(out.status).to.equal("done");
      // Nothing is closed in a wait's first 12 s (the clients' own recycling goes first).
      const waits = records.flatMap((r) =>
        r.type === "action" &&
        r.event === "start" &&
        r.action.kind === "waitDrained" &&
        r.action.closeIdle
          ? [r.ts]
          : [],
      );
      expect(waits.length).to.be.above(0);
      expect(closedAt.length).to.be.above(0);
      for (const t of closedAt) {
        const start = Math.max(...waits.filter((w) => w < t));
        expect(t - start, "closed too early in its wait").to.be.at.least(12_000);
      }
      const members = d.targets.filter((t) => t.container === "mariadb").map((t) => t.node);
      expect(members.length).to.be.above(1);
      const closed = fake.calls.filter((c) => c.startsWith("close-idle"));
      const cut = fake.calls.filter((c) => c.startsWith("shutdown") && c.includes("mariadb/"));
      for (const n of members)
        expect(
          closed.some((c) => c.includes(`${n} mariadb`)),
          `${n}: ${closed.join("; ")}`,
        ).to.equal(true);
      if (idle) expect(cut, "no session cut when idle ones close").to.deep.equal([]);
      else
        expect(new Set(cut.map((c) => c.split(" ").at(-1)))).to.deep.equal(
          new Set(members.map((n) => `mariadb/${n}`)),
        );
    }
  });

  it("drains each heat-engine at the broker before stopping it; with no broker answering, it notes the hazard and goes on", async () => {
    const d = desired();
    const fake = new FakeCluster(d);
    const out = await runUpgrade(d, deps(fake, []));
    const seq = fake.calls.filter((c) => /^(rpc-drain|stop|create) node\d heat_engine/.test(c));
    expect(seq.slice(0, 3).map((c) => c.split(" ")[0])).to.deep.equal([
      "rpc-drain",
      "stop",
      "create",
    ]);
    expect(seq.filter((c) => c.startsWith("rpc-drain"))).to.have.length(3);
    expect(out.notes.join("\n")).not.to.include("no broker could");

    const mute = new FakeCluster(d);
    mute.brokerAnswers = false;
    const records: JournalRecord[] = [];
    const out2 = await runUpgrade(d, deps(mute, records));
    expect(out2.status).to.equal("done");
    expectUpgraded(mute, d);
    expect(out2.notes.filter((n) => n.includes("no broker could take it off"))).to.have.length(3);
    expect(
      records.filter((r) => r.type === "note" && r.text.includes("heat_engine on node1")),
    ).to.have.length(1);
  });

  it("on SIGINT after an engine was taken off the broker but before it stopped, restarts it so it consumes again", async () => {
    const d = desired();
    const fake = new FakeCluster(d);
    const stop = new AbortController();
    fake.onCall = (c) => {
      if (c === "rpc-drain node1 heat_engine") stop.abort();
    };
    const out = await runUpgrade(d, deps(fake, [], { stop: stop.signal }));
    expect(out.status).to.equal("interrupted");
    const after = fake.calls.slice(fake.calls.indexOf("rpc-drain node1 heat_engine") + 1);
    expect(after.filter((c) => / node1 heat_engine/.test(c))).to.deep.equal([
      "restart node1 heat_engine",
    ]);
    expect(fake.get("node1", "heat_engine")?.image).to.match(/:stable$/);
  });

  it("takes each conductor out of its ring before it stops; with no database answering it notes it and goes on; cut short, it restarts it", async () => {
    const d = desired();
    const fake = new FakeCluster(d);
    const out = await runUpgrade(d, deps(fake, []));
    const seq = fake.calls.filter((c) => /^(ring-out|stop|create) node1 ironic_conductor/.test(c));
    expect(seq.slice(0, 3).map((c) => c.split(" ")[0])).to.deep.equal([
      "ring-out",
      "stop",
      "create",
    ]);
    expect(out.notes.join("\n")).not.to.include("hash ring");

    const mute = new FakeCluster(d);
    mute.databaseAnswers = false;
    const out2 = await runUpgrade(d, deps(mute, []));
    expect(out2.status).to.equal("done");
    expect(out2.notes.filter((n) => n.includes("no database could take it out"))).to.have.length(3);

    const cut = new FakeCluster(d);
    const stop = new AbortController();
    cut.onCall = (c) => {
      if (c.startsWith("ring-out node2 ironic_conductor")) stop.abort();
    };
    const out3 = await runUpgrade(d, deps(cut, [], { stop: stop.signal }));
    expect(out3.status).to.equal("interrupted");
    const after = cut.calls.slice(cut.calls.findIndex((c) => c.startsWith("ring-out node2")) + 1);
    expect(after.filter((c) => / node2 ironic_conductor/.test(c))).to.deep.equal([
      "restart node2 ironic_conductor",
    ]);
  });

  it("refuses, before any change, containers it did not create; with adopt, upgrades them by image and claims no config of its own", async () => {
    const d = desiredState(
      load(aScenario({ network: { internal_vip: "10.0.0.250", enable_keepalived: false } }))
        .scenario,
      {
        configHashes: new Map([
          ["node1 ironic_api", "kroll-hash"],
          ["node2 ironic_api", "kroll-hash"],
        ]),
      },
    );
    const fake = new FakeCluster(d);
    const theirs = fake.get("node1", "ironic_api");
    if (theirs === undefined) throw new Error("fixture: no ironic_api on node1");
    fake.containers.set("node1/ironic_api", { ...theirs, labels: { kolla_version: "16.0" } });
    const err = await runUpgrade(d, deps(fake, [])).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(UsageError);
    expect(String(err)).to.match(
      /refusing to replace containers kroll did not create: ironic_api@node1; pass --adopt/,
    );
    expect(fake.calls.filter((c) => /^(stop|create|rm|drain)/.test(c))).to.deep.equal([]);

    const out = await runUpgrade(d, deps(fake, [], { adopt: true }));
    expect(out.status).to.equal("done");
    expectUpgraded(fake, d);
    const now = fake.get("node1", "ironic_api");
    expect(now?.labels["kolla_version"], "its own labels kept").to.equal("16.0");
    expect(now?.labels[LABELS.config], "no kroll config hash on the operator's config").to.be
      .undefined;
    expect(
      fake.get("node2", "ironic_api")?.labels[LABELS.config],
      "kroll's own: its hash",
    ).to.match(/^kroll-hash/);
  });

  it("puts the pin back in the config when an unpin in place fails, and a second run finishes it", async () => {
    const d = desired();
    const fake = new FakeCluster(d);
    const real = fake.reload.bind(fake);
    fake.reload = async (a) => {
      if (a.node === "node2") throw new Error("kolla_set_configs: exit 1");
      return real(a);
    };
    const out = await runUpgrade(d, deps(fake, []));
    expect(out.status).to.equal("failed");
    expect(out.failure).to.deep.include({
      step: "unpin",
      node: "node2",
      container: "ironic_conductor",
    });
    expect(fake.configuredPin("node2", "ironic_conductor")).to.equal("zed");
    expect(fake.pinOf("node2", "ironic_conductor")).to.equal("zed");
    expect(fake.pinOf("node1", "ironic_conductor")).to.equal(undefined);
    expect(fake.drained()).to.deep.equal([]);
    // A new run (no journal) sees node1 unpinned and node2 still pinned from the containers.
    fake.reload = real;
    const again = await runUpgrade(d, deps(fake, []));
    expect(again.status).to.equal("done");
    expect(fake.calls.filter((c) => c.startsWith("reload"))).to.deep.equal([
      "reload node1 ironic_conductor SIGHUP",
      "reload node2 ironic_conductor SIGHUP",
      "reload node3 ironic_conductor SIGHUP",
    ]);
    expectUpgraded(fake, d);
  });

  it("refuses to loop when the cluster does not move", async () => {
    const d = desired();
    const fake = new FakeCluster(d);
    fake.pull = () => Promise.resolve(); // pulls that never land
    let err: unknown;
    await runUpgrade(d, deps(fake, [])).catch((e: unknown) => (err = e));
    expect(String(err)).to.match(/planned 4 times without the cluster changing/);
  });
});

describe("executor: resume from a journal cut at every action", () => {
  const d = desired();
  const total = (() => {
    const f = new FakeCluster(d);
    return f;
  })();
  before(async () => {
    await runUpgrade(d, deps(total, []));
  });

  it("every cut resumes to the same end state, running each one-shot at most twice", async function () {
    this.timeout(120_000);
    const n = total.calls.length;
    expect(n).to.be.above(150);
    let takenOutCuts = 0;
    for (let k = 1; k <= n; k++) {
      const fake = new FakeCluster(d);
      fake.crashAt = k;
      const records: JournalRecord[] = [];
      const first = runUpgrade(d, deps(fake, records));
      await Promise.race([first, fake.crashed]);
      fake.crashAt = undefined;
      const cut = records.slice(); // what was on disk when the process died
      // Taken off the broker or out of the ring, then killed before its replacement: the
      // resume restarts it before anything else.
      const pending = takenOutNotBack(cut);
      if (pending.length > 0) takenOutCuts++;
      const before = fake.calls.length;
      const out = await runUpgrade(
        d,
        deps(fake, records, {
          markers: markersOf(cut),
          firstWave: nextWaveNumber(cut),
          restartFirst: pending,
        }),
      );
      expect(out.status, `cut at call ${k} (${fake.calls[k - 1]})`).to.equal("done");
      expect(
        fake.calls
          .slice(before)
          .filter((c) => c.startsWith("restart "))
          .slice(0, pending.length),
        `cut ${k}`,
      ).to.deep.equal(pending.map((p) => `restart ${p.node} ${p.container}`));
      if (pending.length > 0)
        expect(fake.calls[before], `cut ${k}: restarted first`).to.match(/^restart /);
      expectUpgraded(fake, d);
      for (const mode of ["KOLLA_UPGRADE", "KOLLA_OSM"])
        expect(fake.count(`oneShot node1 ${mode} ironic-api`), `cut ${k}`).to.be.within(1, 2);
    }
    expect(
      takenOutCuts,
      "cuts between a drain at the broker or a ring-out and the stop",
    ).to.be.above(0);
  });
});

describe("executor: which failure a wave reports", () => {
  it("names the first track that failed, on the node of the action that failed", async () => {
    const d = desired({ upgrade: { max_unavailable: 2 } });
    const fake = new FakeCluster(d);
    for (const node of ["node1", "node2"]) {
      const c = d.targets.find((t) => t.container === "ironic_conductor" && t.node === node)!;
      fake.broken.add(`${node} ${c.image}`);
    }
    // node2's conductor fails at once (its image is gone from the node), node1's only when
    // its health wait runs out: the first failure is node2's, though node1's track comes first.
    const c2 = d.targets.find((t) => t.container === "ironic_conductor" && t.node === "node2")!;
    fake.failingCreates.add(`node2 ${c2.image}`);
    const out = await runUpgrade(d, deps(fake, []));
    expect(out.status).to.equal("failed");
    expect(out.failure).to.deep.include({
      service: "ironic",
      step: "conductors",
      node: "node2",
      container: "ironic_conductor",
    });
  });

  it("names the node the failing action acted on, not its track's, and the track's when the action names none", () => {
    const track = { node: "node1", actions: [] };
    expect(
      whereOf({ kind: "pull", node: "node2", image: "x" }, track),
      "an action on another node",
    ).to.deep.equal({ node: "node2" });
    expect(
      whereOf({ kind: "restart", node: "node3", container: "heat_engine", stopGraceS: 5 }, track),
    ).to.deep.equal({ node: "node3", container: "heat_engine" });
    expect(
      whereOf({ kind: "moveVip", from: "node2", to: "node3", vip: "10.0.0.250" }, track),
    ).to.deep.equal({
      node: "node1",
    });
    expect(whereOf(undefined, { node: undefined, actions: [] })).to.deep.equal({});
  });
});
