import { expect } from "chai";
import { labLayout, labPaths, writeLabScenario } from "../../../src/lab/lab.js";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readScenario } from "../../../src/scenario/read.js";
import { parseSetting } from "../../../src/scenario/settings.js";
import { aptMirror } from "../../../src/lab/mirror.js";
import { recipeHash } from "../../../src/lab/read.js";
import { kollaRef, labImagePlan, SERVICE_IMAGES } from "../../../src/lab/recipes.js";
import { parseMadison, resolveVersions } from "../../../src/lab/versions.js";
import { aScenario, load, REPO } from "../../builders.js";

const IMAGES = join(REPO, "lab", "images");
const resolution = resolveVersions(
  parseMadison(
    readFileSync(join(REPO, "test", "fixtures", "apt", "madison-2026-11-21.txt"), "utf8"),
  ),
);
if (Array.isArray(resolution)) throw new Error("the recorded archive does not resolve");
const versions = resolution;
const mirror = aptMirror(undefined, {});

describe("lab/recipes", () => {
  const plan = labImagePlan(versions, mirror);
  it("builds every kolla service image in both tags, named as kolla names them", () => {
    for (const img of SERVICE_IMAGES) {
      for (const tag of ["stable", "proposed"])
        expect(
          plan.map((b) => b.ref),
          `${img}:${tag}`,
        ).to.include(`localhost:5000/kolla/${img}:${tag}`);
    }
    expect(plan.filter((b) => b.push)).to.have.length(SERVICE_IMAGES.length * 2);
  });
  it("orders builds so every parent comes first", () => {
    const seen = new Set<string>(["kroll-lab/debian:bookworm"]);
    for (const b of plan) {
      expect(seen.has(b.parent ?? ""), `${b.ref} before its parent ${b.parent}`).to.equal(true);
      seen.add(b.ref);
    }
  });
  it("builds proposed as one layer on top of stable, with the proposed pins", () => {
    const p = plan.find((b) => b.ref === kollaRef("ironic-api", "proposed"));
    expect(p).to.include({ dir: "proposed", parent: kollaRef("ironic-api", "stable") });
    expect(p?.args.PACKAGES).to.equal(
      "python3-ironic=1:21.4.4-0+deb12u2 ironic-common=1:21.4.4-0+deb12u2",
    );
    expect(
      plan.find((b) => b.ref === kollaRef("mariadb-server", "stable"))?.args.PACKAGES,
    ).to.equal("mariadb-server=1:10.11.18-0+deb12u1");
    expect(plan.find((b) => b.ref === kollaRef("haproxy", "proposed"))?.args.PACKAGES).to.equal(
      "haproxy=2.6.12-1+deb12u4",
    );
  });
  it("builds with the versions resolved from the archive, labelled with their suite", () => {
    expect(versions.stable).to.include({
      ironic: "1:21.4.4-0+deb12u1",
      "mariadb-server": "1:10.11.18-0+deb12u1",
      haproxy: "2.6.12-1+deb12u3",
      heat: "1:19.0.0-3",
    });
    expect(versions.proposed).to.include({
      ironic: "1:21.4.4-0+deb12u2",
      "mariadb-server": "1:10.11.19-0+deb12u1",
      haproxy: "2.6.12-1+deb12u4",
    });
    expect(plan.find((b) => b.ref === kollaRef("ironic-conductor", "proposed"))?.versions).to.equal(
      "ironic 1:21.4.4-0+deb12u2 (bookworm-security)",
    );
    expect(plan.find((b) => b.ref === kollaRef("heat-api", "stable"))?.versions).to.equal(
      "heat 1:19.0.0-3 (bookworm)",
    );
  });
  it("builds every image from the mirror it was given, so a change of mirror or resolution rebuilds", () => {
    const other = labImagePlan(versions, aptMirror({ apt_mirror: "http://m.ci/debian" }, {}));
    const base = other.find((b) => b.ref === kollaRef("base", "stable"));
    expect(base?.args.APT_SOURCES).to.equal("deb http://m.ci/debian bookworm main");
    const prop = other.find((b) => b.ref === kollaRef("haproxy", "proposed"));
    expect(prop?.args.APT_SOURCES).to.include(
      "deb http://m.ci/debian-security bookworm-security main",
    );
    const today = resolveVersions(
      parseMadison(
        readFileSync(join(REPO, "test", "fixtures", "apt", "madison-2026-12-05.txt"), "utf8"),
      ),
    );
    if (Array.isArray(today)) throw new Error("the recorded archive does not resolve");
    const ref = kollaRef("ironic-api", "proposed");
    const a = plan.find((b) => b.ref === ref);
    const b = labImagePlan(today, mirror).find((x) => x.ref === ref);
    if (!a || !b) throw new Error("no ironic-api:proposed");
    expect(recipeHash(IMAGES, a, "p")).to.not.equal(recipeHash(IMAGES, b, "p"));
  });
  it("hashes recipes by content, arguments and parent", () => {
    const b = plan.find((x) => x.ref === kollaRef("haproxy", "stable"));
    if (!b) throw new Error("no haproxy");
    const h = recipeHash(IMAGES, b, "parent-1");
    expect(h).to.match(/^[0-9a-f]{16}$/);
    expect(recipeHash(IMAGES, b, "parent-1")).to.equal(h);
    expect(recipeHash(IMAGES, b, "parent-2")).to.not.equal(h);
    expect(
      recipeHash(IMAGES, { ...b, args: { ...b.args, PACKAGES: "haproxy=other" } }, "parent-1"),
    ).to.not.equal(h);
  });
  it("ships a kolla_start that honours the one-shot modes and both config strategies", () => {
    const setConfigs = readFileSync(join(IMAGES, "base", "kolla_set_configs"), "utf8");
    expect(setConfigs)
      .to.include("COPY_ALWAYS")
      .and.include("COPY_ONCE")
      .and.include("/run_command");
    for (const img of ["ironic-base", "heat-base", "mariadb-server"]) {
      expect(readFileSync(join(IMAGES, img, "kolla_extend_start"), "utf8"), img).to.include(
        "KOLLA_BOOTSTRAP",
      );
    }
    expect(readFileSync(join(IMAGES, "ironic-base", "kolla_extend_start"), "utf8"))
      .to.include("online_data_migrations")
      .and.include("KOLLA_OSM");
  });
});

describe("lab/lab.labLayout", () => {
  it("lays out names and addresses inside the lab subnet", () => {
    const loaded = load(
      aScenario({
        name: "lab",
        cluster: {
          lab: { subnet: "172.30.92.0/24" },
          nodes: [
            { name: "node1", address: "172.30.92.11", roles: ["control", "network", "compute"] },
          ],
        },
        network: { internal_vip: "172.30.92.250" },
      }),
    );
    const l = labLayout(loaded, 3);
    expect(l).to.include({
      network: "kroll-lab",
      gateway: "172.30.92.1",
      registryAddress: "172.30.92.2",
      registryContainer: "kroll-lab-registry",
      stateDir: "/inventories/lab",
    });
    expect(l.nodes.map((n) => [n.name, n.address, n.container, n.volume])).to.deep.equal([
      ["node1", "172.30.92.11", "kroll-lab-node1", "kroll-lab-node1-docker"],
      ["node2", "172.30.92.12", "kroll-lab-node2", "kroll-lab-node2-docker"],
      ["node3", "172.30.92.13", "kroll-lab-node3", "kroll-lab-node3-docker"],
    ]);
  });
  it("puts a scenario naming another lab (cluster.lab.name) on that lab's nodes, its own scenario file beside the lab's", () => {
    const cluster = (lab: object) => ({
      lab: { subnet: "172.30.92.0/24", ...lab },
      nodes: [
        {
          name: "node1",
          address: "172.30.92.11",
          roles: ["control", "network", "compute"] as ("control" | "network" | "compute")[],
        },
      ],
    });
    const net = { internal_vip: "172.30.92.250" };
    const own = labLayout(load(aScenario({ name: "lab", cluster: cluster({}), network: net })), 2);
    const gate = labLayout(
      load(aScenario({ name: "ironic-gate", cluster: cluster({ name: "lab" }), network: net })),
      2,
    );
    expect([own.name, own.prefix, own.scenarioFile]).to.deep.equal([
      "lab",
      "kroll-lab",
      "/inventories/lab/scenario.yaml",
    ]);
    expect([
      gate.name,
      gate.registryContainer,
      gate.nodes[1]?.container,
      gate.scenarioFile,
    ]).to.deep.equal([
      "lab",
      "kroll-lab-registry",
      "kroll-lab-node2",
      "/inventories/lab/ironic-gate.yaml",
    ]);
    const alone = labLayout(
      load(aScenario({ name: "ironic-gate", cluster: cluster({}), network: net })),
      1,
    );
    expect([alone.name, alone.scenarioFile]).to.deep.equal([
      "ironic-gate",
      "/inventories/lab/scenario.yaml",
    ]);
  });
  it("refuses a scenario that is not a lab", () => {
    expect(() => labLayout(load(aScenario()), 2)).to.throw(/not a lab scenario: cluster.lab/);
  });
});

describe("lab/lab.writeLabScenario", () => {
  it("keeps --set values given with the template in the lab's scenario it writes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kroll-labscn-"));
    cpSync(join(REPO, "scenarios"), join(dir, "scenarios"), { recursive: true });
    const template = await readScenario(join(dir, "scenarios", "lab.yaml"), dir, [
      parseSetting("load.max_duration=7m"),
      parseSetting("slo.max_failed_requests=2"),
    ]);
    const layout = labLayout(template, 3);
    const paths = labPaths(layout.stateDir);
    mkdirSync(layout.stateDir, { recursive: true });
    writeLabScenario(template, layout, paths);
    const written = await readScenario(layout.scenarioFile, dir);
    expect(written.scenario.load.max_duration).to.equal(7 * 60_000);
    expect(written.scenario.slo.max_failed_requests).to.equal(2);
    expect(readFileSync(layout.scenarioFile, "utf8")).to.include(
      "With --set load.max_duration=7m --set slo.max_failed_requests=2",
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
