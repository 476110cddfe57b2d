import { expect } from "chai";
import { SERVICES } from "../../../src/services/catalogue.js";
import { load, aScenario } from "../../builders.js";
import type { ScenarioInput } from "../../../src/scenario/schema.js";
import { desiredState } from "../../../src/upgrade/desired.js";
import { applyWave, assumedStable, nextWave, simulate } from "../../../src/upgrade/planner.js";
import type { Action, Desired, Observed, Wave } from "../../../src/upgrade/types.js";
import { PIN_LABEL, asideName } from "../../../src/upgrade/types.js";

const ALL = SERVICES;

function desiredOf(
  over: Partial<ScenarioInput> = {},
  strategy?: "rolling" | "kolla-ansible",
): Desired {
  const s = load(aScenario(over)).scenario;
  return desiredState(s, strategy ? { strategy } : {});
}

const cloud = (over: Partial<ScenarioInput> = {}): Partial<ScenarioInput> => ({
  services: [...ALL],
  kolla: { release: "2023.1", stable: "stable", target: "proposed", auth: "keystone" },
  network: { internal_vip: "10.0.0.250", neutron_external_interface: "eth1" },
  ...over,
});

const steps = (waves: readonly Wave[], svc: string): string[] => {
  const out: string[] = [];
  for (const w of waves) if (w.service === svc && out.at(-1) !== w.step) out.push(w.step);
  return out;
};
const actionsOf = (waves: readonly Wave[]): Action[] =>
  waves.flatMap((w) => w.tracks.flatMap((t) => t.actions));

describe("planner: recipe tables (rolling, 3 all-role nodes)", () => {
  const d = desiredOf(cloud());
  const sim = simulate(d, assumedStable(d));
  const table: [string, string[]][] = [
    ["haproxy", ["loadbalancers", "done"]],
    ["mariadb", ["members", "done"]],
    ["memcached", ["servers", "done"]],
    ["rabbitmq", ["brokers", "done"]],
    ["keystone", ["expand", "nodes", "contract", "done"]],
    ["glance", ["expand", "migrate", "apis", "contract", "done"]],
    [
      "ironic",
      [
        "no-wait-states",
        "upgrade-check",
        "db-upgrade",
        "conductors",
        "apis",
        "unpin",
        "online-migrations",
        "done",
      ],
    ],
    [
      "cinder",
      [
        "db-sync",
        "schedulers",
        "volumes",
        "backups",
        "apis",
        "reload",
        "online-migrations",
        "done",
      ],
    ],
    ["placement", ["db-sync", "apis", "online-migrations", "done"]],
    [
      "nova",
      [
        "api-db-sync",
        "upgrade-check",
        "cell-db-sync",
        "conductors",
        "schedulers",
        "apis",
        "proxies",
        "computes",
        "reload",
        "online-migrations-api",
        "online-migrations-cells",
        "done",
      ],
    ],
    ["neutron", ["expand", "servers", "agents", "contract", "done"]],
    ["heat", ["upgrade-check", "db-sync", "engines", "apis", "last-engine", "done"]],
  ];
  for (const [svc, expected] of table) {
    it(`${svc}: ${expected.join(" → ")}`, () => {
      expect(steps(sim.waves, svc)).to.deep.equal(expected);
    });
  }

  it("follows kolla's site.yml service order", () => {
    const order = [...new Set(sim.waves.map((w) => w.service).filter((s) => s !== "cluster"))];
    expect(order).to.deep.equal([...ALL]);
  });

  it("pulls every new image on every node first, in one wave of parallel tracks", () => {
    expect(sim.waves[0]?.step).to.equal("pull");
    expect(sim.waves[0]?.tracks.map((t) => t.node)).to.deep.equal(["node1", "node2", "node3"]);
    expect(actionsOf(sim.waves.slice(1)).filter((a) => a.kind === "pull")).to.have.length(0);
  });

  it("honours upgrade.order and puts the rest in site.yml order", () => {
    const d2 = desiredOf(cloud({ upgrade: { order: ["heat", "ironic"] } }));
    expect(d2.order.slice(0, 3)).to.deep.equal(["heat", "ironic", "haproxy"]);
  });
});

/** The model state just before the first wave that matches. */
function stateBefore(d: Desired, match: (w: Wave) => boolean): Observed {
  let o = assumedStable(d);
  for (;;) {
    const n = nextWave(d, o);
    if (n.done || match(n.wave)) return o;
    o = applyWave(o, n.wave);
  }
}

describe("planner.nextWave", () => {
  const d = desiredOf({ network: { internal_vip: "10.0.0.250", enable_keepalived: false } });
  const stable = assumedStable(d);
  const withImages = applyWave(
    stable,
    nextWave(d, stable).done ? ({} as Wave) : (nextWave(d, stable) as { wave: Wave }).wave,
  );

  it("drains an API on every loadbalancer, waits, recreates, waits healthy and UP, readies, retires", () => {
    const w = simulate(d, stable).waves.find((x) => x.service === "ironic" && x.step === "apis");
    expect(w?.tracks.map((t) => t.actions.map((a) => a.kind))).to.deep.equal([
      [
        "drain",
        "waitDrained",
        "setConfig",
        "recreate",
        "waitHealthy",
        "waitBackendUp",
        "ready",
        "retire",
      ],
    ]);
    const drain = w?.tracks[0]?.actions[0];
    expect(drain).to.deep.include({ kind: "drain", backend: "ironic_api_back", server: "node1" });
    expect((drain as unknown as { lbs: string[] }).lbs).to.deep.equal(["node1", "node2", "node3"]);
  });

  it("pins ironic containers to the previous release while mixed, then unpins conductors (in place) before APIs", () => {
    const waves = simulate(d, stable).waves.filter((w) => w.service === "ironic");
    const sets = actionsOf(waves).filter(
      (a): a is Extract<Action, { kind: "setConfig" }> => a.kind === "setConfig",
    );
    expect(sets.slice(0, 6).map((a) => a.value)).to.deep.equal(Array(6).fill("zed"));
    expect(sets.slice(6).map((a) => [a.container, a.value])).to.deep.equal([
      ["ironic_conductor", null],
      ["ironic_conductor", null],
      ["ironic_conductor", null],
      ["ironic_api", null],
      ["ironic_api", null],
      ["ironic_api", null],
    ]);
    const recreates = actionsOf(waves).filter((a) => a.kind === "recreate");
    const pinOf = (a: Action): unknown =>
      (a as { labels: Record<string, unknown> }).labels[PIN_LABEL];
    expect(recreates.slice(0, 6).map(pinOf)).to.deep.equal(Array(6).fill("zed"));
    // Unpin: the conductors are not replaced but reloaded where they run; the APIs are replaced.
    expect(
      recreates.slice(6).map((a) => [(a as { container: string }).container, pinOf(a)]),
    ).to.deep.equal([
      ["ironic_api", null],
      ["ironic_api", null],
      ["ironic_api", null],
    ]);
    const unpin = waves.filter((w) => w.step === "unpin");
    expect(
      unpin.slice(0, 3).map((w) => w.tracks.map((t) => t.actions.map((a) => a.kind))),
    ).to.deep.equal(Array(3).fill([["setConfig", "reload", "waitHealthy"]]));
    expect(unpin.slice(0, 3).map((w) => w.markers)).to.deep.equal([
      ["svc:ironic:unpinned:node1/ironic_conductor", "svc:ironic:started"],
      ["svc:ironic:unpinned:node2/ironic_conductor", "svc:ironic:started"],
      ["svc:ironic:unpinned:node3/ironic_conductor", "svc:ironic:started"],
    ]);
    expect(actionsOf(unpin).filter((a) => a.kind === "reload")).to.deep.equal(
      ["node1", "node2", "node3"].map((node) => ({
        kind: "reload",
        node,
        container: "ironic_conductor",
        signal: "SIGHUP",
      })),
    );
  });

  it("knows a conductor unpinned in place by an earlier run from its config, and one still pinned", () => {
    const sim = simulate(d, stable);
    // A new journal on the upgraded cluster: the conductors' labels still say zed.
    const after: Observed = { ...sim.final, markers: [] };
    expect(
      after.containers.filter((c) => c.labels[PIN_LABEL] !== undefined).map((c) => c.name),
    ).to.have.members(["ironic_conductor", "ironic_conductor", "ironic_conductor"]);
    expect(nextWave(d, after).done).to.equal(true);
    // The same, but node2's config still holds the pin (an earlier run stopped before it).
    const pinned: Observed = {
      ...after,
      containers: after.containers.map((c) =>
        c.node === "node2" && c.name === "ironic_conductor" ? { ...c, pinConfigured: true } : c,
      ),
    };
    // It finishes the recipe from there: that conductor alone is unpinned, in place.
    const unpins = simulate(d, pinned).waves.filter((w) => w.step === "unpin");
    expect(
      unpins.map((w) => w.tracks.map((t) => `${t.node} ${t.actions.map((a) => a.kind).join(",")}`)),
    ).to.deep.equal([["node2 setConfig,reload,waitHealthy"]]);
  });

  it("replaces conductors for the unpin from 2025.2 on (a threading conductor restarts on SIGHUP), ring out first", () => {
    const kolla = {
      release: "2026.2",
      stable: "stable",
      target: "proposed",
      auth: "noauth" as const,
    };
    const d26 = desiredOf({
      network: { internal_vip: "10.0.0.250", enable_keepalived: false },
      kolla,
    });
    const unpin = simulate(d26, assumedStable(d26)).waves.filter(
      (w) => w.service === "ironic" && w.step === "unpin",
    );
    expect(actionsOf(unpin).filter((a) => a.kind === "reload")).to.deep.equal([]);
    const conductor = unpin
      .slice(0, 3)
      .map((w) => w.tracks.map((t) => `${t.node} ${t.actions.map((a) => a.kind).join(",")}`));
    expect(conductor).to.deep.equal(
      ["node1", "node2", "node3"].map((n) => [
        `${n} setConfig,ringOut,recreate,waitHealthy,retire`,
      ]),
    );
    expect(unpin[0]?.why).to.not.include("SIGHUP");
    // The release before 2025.2 still reloads in place.
    const d25 = desiredOf({
      network: { internal_vip: "10.0.0.250", enable_keepalived: false },
      kolla: { ...kolla, release: "2025.1" },
    });
    const reloads = actionsOf(simulate(d25, assumedStable(d25)).waves).filter(
      (a) => a.kind === "reload",
    );
    expect(reloads).to.have.length(3);
  });

  it("takes the pin from upgrade.pins, else the release before kolla.release", () => {
    expect(desiredOf({ upgrade: { pins: { ironic: "2023.1" } } }).pins.ironic).to.equal("2023.1");
    expect(desiredOf().pins.ironic).to.equal("zed");
  });

  it("keeps one old heat-engine until every heat API is new", () => {
    const waves = simulate(d, stable).waves.filter((w) => w.service === "heat");
    const order = actionsOf(waves)
      .filter((a): a is Extract<Action, { kind: "recreate" }> => a.kind === "recreate")
      .map((a) => `${a.container}@${a.node}`);
    expect(order).to.deep.equal([
      "heat_engine@node1",
      "heat_engine@node2",
      "heat_api@node1",
      "heat_api_cfn@node1",
      "heat_api@node2",
      "heat_api_cfn@node2",
      "heat_api@node3",
      "heat_api_cfn@node3",
      "heat_engine@node3",
    ]);
  });

  it("takes each heat-engine off the broker's shared queues right before it stops, and nothing else", () => {
    const acts = actionsOf(simulate(d, stable).waves);
    const drains = acts.filter((a) => a.kind === "rpcDrain");
    expect(drains.map((a) => `${a.container}@${a.node}`)).to.deep.equal([
      "heat_engine@node1",
      "heat_engine@node2",
      "heat_engine@node3",
    ]);
    for (const a of drains) {
      expect(a).to.deep.include({
        process: "heat-engine",
        queues: ["engine", "engine_worker", "heat-engine-listener"],
      });
      const next = acts[acts.indexOf(a) + 1];
      expect(next).to.deep.include({ kind: "recreate", node: a.node, container: a.container });
    }
    expect(drains[0]?.brokers.map((b) => b.node)).to.deep.equal(["node1", "node2", "node3"]);
    const off = desiredOf({ upgrade: { rpc_drain: false } });
    expect(actionsOf(simulate(off, assumedStable(off)).waves).some((a) => a.kind === "rpcDrain")).to
      .be.false;
  });

  it("takes each ironic-conductor out of its hash ring right before it stops (by its registered host), only when rolling", () => {
    const acts = actionsOf(simulate(d, stable).waves);
    const outs = acts.filter((a) => a.kind === "ringOut");
    expect(outs.map((a) => `${a.container}@${a.node}`)).to.deep.equal([
      "ironic_conductor@node1",
      "ironic_conductor@node2",
      "ironic_conductor@node3",
    ]);
    for (const a of outs) {
      const t = d.targets.find((x) => x.node === a.node && x.container === a.container);
      expect(a.host).to.equal(t?.address);
      expect(a.databases.map((b) => b.node)).to.deep.equal(["node1", "node2", "node3"]);
      const next = acts[acts.indexOf(a) + 1];
      expect(next).to.deep.include({ kind: "recreate", node: a.node, container: a.container });
    }
    const off = desiredOf({ upgrade: { rpc_drain: false } });
    expect(actionsOf(simulate(off, assumedStable(off)).waves).some((a) => a.kind === "ringOut")).to
      .be.false;
    const all = desiredOf({ upgrade: { strategy: "kolla-ansible" } });
    expect(actionsOf(simulate(all, assumedStable(all)).waves).some((a) => a.kind === "ringOut")).to
      .be.false;
  });

  it("upgrades Galera backups first and the HAProxy-active member last, each waiting for Synced", () => {
    const waves = simulate(d, stable).waves.filter(
      (w) => w.service === "mariadb" && w.step === "members",
    );
    expect(waves.map((w) => w.tracks.map((t) => t.node))).to.deep.equal([
      ["node2"],
      ["node3"],
      ["node1"],
    ]);
    const t = waves[2]?.tracks[0]?.actions ?? [];
    expect(t.map((a) => a.kind)).to.include.members(["drain", "waitDrained", "waitMember"]);
    expect(t.find((a) => a.kind === "waitDrained")).to.deep.include({ force: true });
    expect(t.find((a) => a.kind === "waitMember")).to.deep.include({ size: 3 });
  });

  it("once the HAProxy-active member is back, moves the clients left on the backups to it (one writer again)", () => {
    const waves = simulate(d, stable).waves.filter(
      (w) => w.service === "mariadb" && w.step === "members",
    );
    const kinds = (w: Wave | undefined): string[] =>
      (w?.tracks[0]?.actions ?? []).map((a) => a.kind);
    // The backups' own tracks: nothing after they are ready but retiring the old container.
    expect(kinds(waves[0]).slice(-2)).to.deep.equal(["ready", "retire"]);
    const active = waves[2]?.tracks[0]?.actions ?? [];
    const ready = active.findIndex((a) => a.kind === "ready");
    expect(active.slice(ready + 1)).to.deep.equal([
      ...["node2", "node3"].map((server) => ({
        kind: "waitDrained",
        lbs: ["node1", "node2", "node3"],
        backend: "mariadb",
        server,
        timeoutMs: 30_000,
        force: true,
        closeIdle: { node: server, container: "mariadb", afterMs: 12_000 },
      })),
      { kind: "retire", node: "node1", container: "mariadb" },
    ]);
    // The baseline never drains, so never moves them either.
    const k = desiredOf({}, "kolla-ansible");
    const base = actionsOf(simulate(k, assumedStable(k)).waves);
    expect(base.filter((a) => a.kind === "waitDrained")).to.deep.equal([]);
  });

  it("leaves the VIP to keepalived when it runs (kolla's default)", () => {
    const k = desiredOf();
    expect(k.vipManaged).to.equal(false);
    const sim = simulate(k, assumedStable(k));
    expect(actionsOf(sim.waves).some((a) => a.kind === "moveVip")).to.equal(false);
    expect(
      sim.waves
        .filter((w) => w.step === "loadbalancers")
        .map((w) =>
          w.tracks[0]?.actions
            .filter((a) => a.kind === "recreate")
            .map((a) => (a as { container: string }).container),
        ),
    ).to.deep.equal([
      ["haproxy", "keepalived"],
      ["haproxy", "keepalived"],
      ["haproxy", "keepalived"],
    ]);
  });

  it("replaces the VIP holder's haproxy last and in place (overlapped, the VIP never moves); kolla-ansible's way moves it first", () => {
    const waves = simulate(d, stable).waves.filter(
      (w) => w.service === "haproxy" && w.step === "loadbalancers",
    );
    expect(waves.map((w) => w.tracks[0]?.node)).to.deep.equal(["node2", "node3", "node1"]);
    expect(actionsOf(waves).some((a) => a.kind === "moveVip")).to.equal(false);
    const haproxies = actionsOf(waves).filter(
      (a) => a.kind === "recreate" && a.container === "haproxy",
    );
    expect(haproxies).to.have.length(3);
    expect(haproxies.every((a) => a.kind === "recreate" && a.overlap === true)).to.equal(true);
    const ka = simulate({ ...d, strategy: "kolla-ansible" }, stable).waves.filter(
      (w) => w.service === "haproxy",
    );
    const moves = actionsOf(ka).filter((a) => a.kind === "moveVip");
    expect(moves).to.deep.equal([
      { kind: "moveVip", from: "node1", to: "node2", vip: "10.0.0.250" },
    ]);
  });

  it("replaces last the haproxy of the node seen holding the VIP, not the first loadbalancer", () => {
    const order = (o: Observed) =>
      simulate(d, o)
        .waves.filter((w) => w.service === "haproxy" && w.step === "loadbalancers")
        .map((w) => w.tracks[0]?.node);
    expect(order({ ...stable, vipHolder: "node2" })).to.deep.equal(["node1", "node3", "node2"]);
    expect(order({ ...stable, vipHolder: "node3" })).to.deep.equal(["node1", "node2", "node3"]);
  });

  it("repairs first: a container left aside is retired when the new one is up, restored otherwise", () => {
    const base = withImages;
    const aside = (healthy: boolean): Observed => ({
      ...base,
      containers: [
        ...base.containers.filter((c) => !(c.node === "node2" && c.name === "ironic_api")),
        {
          node: "node2",
          name: "ironic_api",
          image: d.targets.find((t) => t.container === "ironic_api")!.image,
          status: "running",
          health: healthy ? "healthy" : "unhealthy",
          labels: {},
        },
        {
          node: "node2",
          name: asideName("ironic_api"),
          image: "old",
          status: "exited",
          health: "none",
          labels: {},
        },
      ],
      servers: base.servers.map((s) =>
        s.backend === "ironic_api_back" && s.server === "node2"
          ? { ...s, admin: "drain" as const }
          : s,
      ),
    });
    const ok = nextWave(d, aside(true));
    expect(ok.done).to.equal(false);
    if (!ok.done) {
      expect(ok.wave.step).to.equal("repair");
      expect(ok.wave.tracks[0]?.actions.map((a) => a.kind)).to.deep.equal(["retire", "ready"]);
    }
    const bad = nextWave(d, aside(false));
    if (!bad.done)
      expect(bad.wave.tracks[0]?.actions.map((a) => a.kind)).to.deep.equal([
        "restore",
        "waitHealthy",
        "ready",
      ]);
  });

  it("readies a backend left drained by an interrupted run", () => {
    const o: Observed = {
      ...withImages,
      servers: withImages.servers.map((s) =>
        s.backend === "heat_api_back" && s.server === "node3"
          ? { ...s, admin: "drain" as const }
          : s,
      ),
    };
    const w = nextWave(d, o);
    expect(w.done).to.equal(false);
    if (!w.done)
      expect(w.wave.tracks).to.deep.equal([
        {
          node: "node3",
          actions: [
            {
              kind: "ready",
              lbs: ["node1", "node2", "node3"],
              backend: "heat_api_back",
              server: "node3",
            },
          ],
        },
      ]);
  });

  it("leaves containers that are not deployed alone, and says so", () => {
    const o: Observed = {
      ...withImages,
      containers: withImages.containers.filter((c) => c.name !== "heat_api_cfn"),
    };
    const sim = simulate(d, o);
    expect(
      actionsOf(sim.waves).some((a) => "container" in a && a.container === "heat_api_cfn"),
    ).to.equal(false);
    expect(sim.notes.join("\n")).to.contain("heat_api_cfn@node1");
  });

  it("is done at once on a cluster already on target with no pins", () => {
    const sim = simulate(d, assumedStable(d));
    expect(nextWave(d, { ...sim.final, markers: [] }).done).to.equal(true);
  });

  it("waits for containers already down instead of taking more down (max unavailable 1)", () => {
    const before = stateBefore(d, (w) => w.service === "ironic" && w.step === "conductors");
    const o: Observed = {
      ...before,
      containers: before.containers.map((c) =>
        c.node === "node3" && c.name === "ironic_conductor"
          ? {
              ...c,
              image: d.targets.find((t) => t.container === "ironic_conductor")!.image,
              health: "unhealthy" as const,
              labels: { [PIN_LABEL]: "zed" },
            }
          : c,
      ),
    };
    const w = nextWave(d, o);
    expect(w.done).to.equal(false);
    if (!w.done) {
      expect(w.wave.step).to.equal("conductors (wait)");
      expect(w.wave.tracks[0]?.actions).to.deep.equal([
        {
          kind: "waitHealthy",
          node: "node3",
          container: "ironic_conductor",
          timeoutMs: d.healthyTimeoutMs,
        },
      ]);
    }
  });
});

describe("planner: checkpoints and partial targets", () => {
  it("holds after every ironic-conductor, once", () => {
    const d = desiredOf({
      upgrade: { checkpoints: [{ name: "c", after: "ironic-conductor", hold: "10s" }] },
    });
    const sim = simulate(d, assumedStable(d));
    const i = sim.waves.findIndex((w) => w.step === "checkpoint c");
    expect(sim.waves.filter((w) => w.step === "checkpoint c")).to.have.length(1);
    expect(sim.waves[i - 1]).to.deep.include({ service: "ironic", step: "conductors" });
    expect(sim.waves[i - 1]?.tracks[0]?.node).to.equal("node3");
    expect(sim.waves[i]?.tracks[0]?.actions[0]).to.deep.equal({
      kind: "checkpoint",
      name: "c",
      holdMs: 10_000,
      until: undefined,
    });
  });

  it("holds after heat engines on node2 only", () => {
    const d = desiredOf({
      upgrade: {
        checkpoints: [{ name: "e2", after: "heat-engine", node: "node2", until: "load-settled" }],
      },
    });
    const sim = simulate(d, assumedStable(d));
    const i = sim.waves.findIndex((w) => w.step === "checkpoint e2");
    expect(sim.waves[i - 1]?.tracks[0]?.node).to.equal("node2");
    expect(sim.waves[i - 1]?.step).to.equal("engines");
  });

  it("leaves a host on stable and stops there: new database + new conductor + old conductor on node3", () => {
    const d = desiredOf({ upgrade: { leave_on_stable: { hosts: ["node3"] } } });
    const sim = simulate(d, assumedStable(d));
    const node3 = actionsOf(sim.waves).filter((a) => a.kind === "recreate" && a.node === "node3");
    expect(node3).to.have.length(0);
    expect(
      sim.final.containers
        .filter((c) => c.node === "node3")
        .every((c) => c.image.endsWith(":stable")),
    ).to.equal(true);
    expect(
      sim.final.containers
        .filter((c) => c.node === "node1")
        .every((c) => c.image.endsWith(":proposed")),
    ).to.equal(true);
    // ironic stays pinned (an old conductor still runs) and online migrations wait.
    expect(steps(sim.waves, "ironic")).to.not.include.members(["unpin", "online-migrations"]);
    expect(sim.notes.join("\n")).to.match(/ironic stays pinned to zed/);
    expect(
      sim.final.containers.find((c) => c.node === "node1" && c.name === "ironic_conductor")?.labels[
        PIN_LABEL
      ],
    ).to.equal("zed");
    expect(nextWave(d, sim.final).done).to.equal(true);
  });

  it("leaves chosen components on stable (new database and conductors, old APIs)", () => {
    const d = desiredOf({ upgrade: { leave_on_stable: { services: ["ironic-api"] } } });
    const sim = simulate(d, assumedStable(d));
    expect(
      sim.final.containers
        .filter((c) => c.name === "ironic_api")
        .every((c) => c.image.endsWith(":stable")),
    ).to.equal(true);
    expect(
      sim.final.containers
        .filter((c) => c.name === "ironic_conductor")
        .every((c) => c.image.endsWith(":proposed")),
    ).to.equal(true);
    expect(
      sim.final.containers
        .filter((c) => c.name === "mariadb")
        .every((c) => c.image.endsWith(":proposed")),
    ).to.equal(true);
  });
});

describe("planner: kolla-ansible baseline", () => {
  const d = desiredOf({}, "kolla-ansible");
  const sim = simulate(d, assumedStable(d));

  it("recreates a service's containers on every host at once, without drain, health wait or aside copy", () => {
    const w = sim.waves.find((x) => x.service === "heat" && x.step === "api");
    expect(w?.tracks.map((t) => t.node)).to.deep.equal(["node1", "node2", "node3"]);
    expect(w?.tracks.flatMap((t) => t.actions.map((a) => a.kind))).to.deep.equal([
      "recreate",
      "recreate",
      "recreate",
    ]);
    expect(
      actionsOf(sim.waves).some((a) =>
        ["drain", "rpcDrain", "waitHealthy", "retire"].includes(a.kind),
      ),
    ).to.equal(false);
    expect(
      actionsOf(sim.waves)
        .filter((a) => a.kind === "recreate")
        .every((a) => !(a as { keepAside: boolean }).keepAside),
    ).to.equal(true);
  });

  it("restarts heat in kolla's handler order: APIs before engines", () => {
    expect(steps(sim.waves, "heat")).to.deep.equal(["db-sync", "api", "api-cfn", "engine", "done"]);
  });

  it("restarts ironic pinned, then unpinned, everywhere at once (never a reload in place)", () => {
    const w = sim.waves.filter(
      (x) => x.service === "ironic" && ["conductors", "apis", "unpin"].includes(x.step),
    );
    expect(w.map((x) => x.tracks.length)).to.deep.equal([3, 3, 3, 3]);
    expect(actionsOf(w).filter((a) => a.kind === "recreate")).to.have.length(12);
    expect(actionsOf(sim.waves).filter((a) => a.kind === "reload")).to.deep.equal([]);
  });

  it("keeps kolla's 33% batches for Galera with the Synced wait", () => {
    const w = sim.waves.filter((x) => x.service === "mariadb" && x.step === "members");
    expect(w.map((x) => x.tracks.length)).to.deep.equal([1, 1, 1]);
    expect(w[0]?.tracks[0]?.actions.map((a) => a.kind)).to.deep.equal(["recreate", "waitMember"]);
  });
});
