import { expect } from "chai";
import { aScenario, load } from "../../builders.js";
import { desiredState } from "../../../src/upgrade/desired.js";
import { maxUnavailableOf } from "../../../src/upgrade/fenceposts.js";
import { assumedStable, simulate } from "../../../src/upgrade/planner.js";
import type { Desired, Wave } from "../../../src/upgrade/types.js";

/** A small deterministic PRNG (mulberry32), so a failing topology can be replayed by seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROLES = ["control", "network", "compute", "monitoring", "storage"] as const;

function randomDesired(seed: number): Desired | undefined {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const n = 1 + Math.floor(r() * 8);
  const nodes = Array.from({ length: n }, (_, i) => ({
    name: `n${i + 1}`,
    address: `10.1.0.${i + 10}`,
    // Every node has a role; the first is always a controller so every group has a host.
    roles: i === 0 ? [...ROLES] : ROLES.filter((x) => x === "compute" || r() < 0.5),
  }));
  const keepalived = r() < 0.5;
  const held = nodes.filter(() => r() < 0.15).map((x) => x.name);
  try {
    const s = load(
      aScenario({
        cluster: { nodes },
        network: { internal_vip: "10.1.0.250", enable_keepalived: keepalived },
        upgrade: {
          max_unavailable: pick([1, 2, "33%", "50%", "100%"]),
          max_unavailable_per_group: r() < 0.5 ? { "ironic-conductor": pick([1, 2, "50%"]) } : {},
          leave_on_stable: { hosts: held },
          strategy: "rolling",
        },
      }),
    ).scenario;
    return desiredState(s);
  } catch (e: unknown) {
    if (process.env.DEBUG_SEEDS) console.log(seed, String(e).replace(/\n/g, " ").slice(0, 400));
    return undefined; // a topology the rules reject (e.g. a group left empty)
  }
}

const groupLimit = (d: Desired, group: string, size: number): number =>
  maxUnavailableOf(d.maxUnavailablePerGroup[group] ?? d.maxUnavailable, size);

function checkInvariants(d: Desired, waves: readonly Wave[], seed: number): void {
  const tag = `seed ${seed}`;
  const targetOf = new Map(d.targets.map((t) => [`${t.node}/${t.container}`, t]));
  const recreated = new Map<string, number>();
  for (const w of waves) {
    // No wave touches a node twice (one track per node).
    const nodes = w.tracks.map((t) => t.node).filter((x) => x !== undefined);
    expect(new Set(nodes).size, `${tag}: ${w.service} ${w.step} touches a node twice`).to.equal(
      nodes.length,
    );
    // Never more than max-unavailable of a group down in one wave.
    const down = new Map<string, Set<string>>();
    for (const a of w.tracks.flatMap((t) => t.actions)) {
      if (a.kind !== "recreate" && a.kind !== "restart") continue;
      const t = targetOf.get(`${a.node}/${a.container}`);
      if (!t) continue;
      down.set(t.group, (down.get(t.group) ?? new Set()).add(a.node));
      if (a.kind === "recreate")
        recreated.set(
          `${a.node}/${a.container}`,
          (recreated.get(`${a.node}/${a.container}`) ?? 0) + 1,
        );
    }
    for (const [group, set] of down) {
      const size = new Set(d.targets.filter((t) => t.group === group).map((t) => t.node)).size;
      const limit =
        w.service === "mariadb"
          ? Math.min(groupLimit(d, group, size), Math.max(1, Math.floor((size - 1) / 2)))
          : groupLimit(d, group, size);
      expect(
        set.size,
        `${tag}: ${w.service} ${w.step} takes ${set.size} of ${group} down (limit ${limit})`,
      ).to.be.at.most(limit);
    }
    // Every drain is undone in the same track.
    for (const t of w.tracks) {
      const drains = t.actions.filter((a) => a.kind === "drain").length;
      const readies = t.actions.filter((a) => a.kind === "ready").length;
      expect(readies, `${tag}: ${w.service} ${w.step} leaves a backend drained`).to.equal(drains);
    }
  }
  // Each container replaced once per pass (ironic: the pinned pass and the unpin pass).
  for (const [k, count] of recreated) {
    const t = targetOf.get(k);
    expect(count, `${tag}: ${k} replaced ${count} times`).to.be.at.most(
      t?.service === "ironic" ? 2 : 1,
    );
  }
  // The wave each container is first replaced in.
  const first = new Map<string, number>();
  waves.forEach((w, i) => {
    for (const a of w.tracks.flatMap((t) => t.actions))
      if (a.kind === "recreate" && !first.has(`${a.node}/${a.container}`))
        first.set(`${a.node}/${a.container}`, i);
  });
  const firsts = (suffix: string): number[] =>
    [...first].filter(([k]) => k.endsWith(suffix)).map(([, i]) => i);
  // Recipe order: every ironic conductor before any ironic API (both pinned).
  const conductors = firsts("/ironic_conductor");
  const apis = firsts("/ironic_api");
  if (apis.length > 0 && conductors.length > 0)
    expect(Math.max(...conductors), `${tag}: an ironic API before the last conductor`).to.be.below(
      Math.min(...apis),
    );
  // All heat APIs before the last heat engine.
  const heatApis = firsts("/heat_api");
  const engines = firsts("/heat_engine");
  if (heatApis.length > 0 && engines.length > 0)
    expect(Math.max(...heatApis), `${tag}: the last heat engine before an API`).to.be.below(
      Math.max(...engines),
    );
}

describe("planner: invariants over simulate() for random topologies", () => {
  it("hold for 300 seeded topologies (nodes 1–8, random roles, max-unavailable, keepalived, hosts left on stable)", function () {
    // CPU-bound, a few seconds alone; a busy machine (a lab running beside it) can take 30.
    this.timeout(60_000);
    let checked = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const d = randomDesired(seed);
      if (!d) continue;
      const sim = simulate(d, assumedStable(d));
      checkInvariants(d, sim.waves, seed);
      // Every container ends on its target (stable for the ones held back), unpinned unless held.
      for (const t of d.targets) {
        const c = sim.final.containers.find((x) => x.node === t.node && x.name === t.container);
        expect(c?.image, `seed ${seed}: ${t.container}@${t.node}`).to.equal(t.image);
      }
      expect(
        sim.final.containers.filter((c) => c.name.endsWith("_kroll_old")),
        `seed ${seed}`,
      ).to.deep.equal([]);
      expect(
        sim.final.servers.filter((s) => s.admin !== "ready"),
        `seed ${seed}`,
      ).to.deep.equal([]);
      checked++;
    }
    expect(checked).to.be.above(150);
  });
});
