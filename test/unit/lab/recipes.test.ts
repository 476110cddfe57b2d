import { expect } from "chai";
import { labLayout, labPaths, writeLabScenario } from "../../../src/lab/lab.js";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readScenario } from "../../../src/scenario/read.js";
import { parseSetting } from "../../../src/scenario/settings.js";
import { aptMirror } from "../../../src/lab/mirror.js";
import { recipeHash } from "../../../src/lab/read.js";
import {
  debianImage,
  kollaRef,
  labImagePlan,
  SERVICE_IMAGES,
  SERVICE_RECIPE,
} from "../../../src/lab/recipes.js";
import { LAB_PACKS } from "../../../src/services/catalogue.js";
import { parseMadison, resolveVersions } from "../../../src/lab/versions.js";
import { aScenario, load, REPO } from "../../builders.js";

const IMAGES = join(REPO, "lab", "images");
const madison = (day: string): string =>
  readFileSync(join(REPO, "test", "fixtures", "apt", `madison-${day}.txt`), "utf8");
const resolution = resolveVersions(parseMadison(madison("2026-12-07")));
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
    const seen = new Set<string>(["bookworm", "forky", "sid"].map(debianImage));
    for (const b of plan) {
      expect(seen.has(b.parent ?? ""), `${b.ref} before its parent ${b.parent}`).to.equal(true);
      seen.add(b.ref);
    }
  });
  it("builds each tag whole from its own suite, base image included", () => {
    const base = (tag: string) => plan.find((b) => b.ref === kollaRef("base", tag));
    expect(base("stable")).to.deep.include({
      parent: debianImage("forky"),
      args: {
        DEBIAN_IMAGE: debianImage("forky"),
        APT_SOURCES: "deb http://deb.debian.org/debian forky main",
      },
    });
    expect(base("proposed")?.parent).to.equal(debianImage("sid"));
    const p = plan.find((b) => b.ref === kollaRef("ironic-api", "proposed"));
    expect(p).to.include({
      dockerfile: SERVICE_RECIPE,
      parent: kollaRef("ironic-base", "proposed"),
    });
    expect(plan.find((b) => b.ref === kollaRef("ironic-base", "proposed"))?.args).to.deep.include({
      PACKAGES: "python3-ironic=1:39.0.0-6 ironic-common=1:39.0.0-6",
      CLOSURE: "python3-ironic=1:39.0.0-6 ironic-common=1:39.0.0-6",
      OWN: "python3-ironic ironic-common",
      BASE_IMAGE: kollaRef("base", "proposed"),
    });
    // The node and the registry stay on this machine's own Debian.
    expect(plan.find((b) => b.ref === "kroll-lab/node:latest")?.parent).to.equal(
      debianImage("bookworm"),
    );
  });
  it("passes a pack's image setup and extras to the one service recipe", () => {
    const db = plan.find((b) => b.ref === kollaRef("mariadb-server", "stable"));
    expect(db).to.include({ dir: "mariadb-server", dockerfile: SERVICE_RECIPE });
    expect(db?.args).to.deep.include({
      PACKAGES: "mariadb-server=1:11.8.9+ds-2 galera-4 mariadb-client rsync lsof",
      EMPTY: "/var/lib/mysql",
      DIRS: "/var/lib/mysql /run/mysqld /var/log/kolla/mariadb",
      OWNER: "mysql:mysql",
      IMAGE: "mariadb-server",
    });
    expect(db?.packages).to.equal("mariadb-server=1:11.8.9+ds-2");
    // An image that adds nothing to its pack's base takes no PACKAGES, and no pack files.
    const conductor = plan.find((b) => b.ref === kollaRef("ironic-conductor", "stable"));
    expect(conductor?.args.PACKAGES).to.equal(undefined);
    expect(conductor?.dir).to.equal("service");
    // The API adds uWSGI, unversioned, to the pinned packages it shares with its base.
    expect(plan.find((b) => b.ref === kollaRef("ironic-api", "stable"))?.args.PACKAGES).to.equal(
      "python3-ironic=1:35.0.1-10 ironic-common=1:35.0.1-10 uwsgi uwsgi-plugin-python3",
    );
    expect(plan.find((b) => b.ref === kollaRef("ironic-base", "stable"))?.dir).to.equal("ironic");
  });
  it("labels each image with its version and suite", () => {
    expect(plan.find((b) => b.ref === kollaRef("ironic-conductor", "proposed"))?.versions).to.equal(
      "ironic 1:39.0.0-6 (sid)",
    );
    expect(plan.find((b) => b.ref === kollaRef("heat-api", "stable"))?.versions).to.equal(
      "heat 1:26.0.1-1 (forky)",
    );
  });
  it("builds every image from the mirror it was given, so a change of mirror or resolution rebuilds", () => {
    const other = labImagePlan(versions, aptMirror({ apt_mirror: "http://m.ci/debian" }, {}));
    const base = other.find((b) => b.ref === kollaRef("base", "stable"));
    expect(base?.args.APT_SOURCES).to.equal("deb http://m.ci/debian forky main");
    const node = other.find((b) => b.ref === "kroll-lab/node:latest");
    expect(node?.args.APT_SOURCES).to.include(
      "deb http://m.ci/debian-security bookworm-security main",
    );
    const moved = resolveVersions(
      parseMadison(madison("2026-12-07").replaceAll("1:39.0.0-6", "1:39.0.1-1")),
    );
    if (Array.isArray(moved)) throw new Error("the edited archive does not resolve");
    const ref = kollaRef("ironic-base", "proposed");
    const a = plan.find((b) => b.ref === ref);
    const b = labImagePlan(moved, mirror).find((x) => x.ref === ref);
    if (!a || !b) throw new Error("no ironic-base:proposed");
    expect(recipeHash(IMAGES, a, "p")).to.not.equal(recipeHash(IMAGES, b, "p"));
  });
  it("hashes recipes by content, arguments, the shared recipe and parent", () => {
    const b = plan.find((x) => x.ref === kollaRef("haproxy", "stable"));
    if (!b) throw new Error("no haproxy");
    const h = recipeHash(IMAGES, b, "parent-1");
    expect(h).to.match(/^[0-9a-f]{16}$/);
    expect(recipeHash(IMAGES, b, "parent-1")).to.equal(h);
    expect(recipeHash(IMAGES, b, "parent-2")).to.not.equal(h);
    expect(
      recipeHash(IMAGES, { ...b, args: { ...b.args, PACKAGES: "haproxy=other" } }, "parent-1"),
    ).to.not.equal(h);
    const { dockerfile: _shared, ...own } = b;
    expect(recipeHash(IMAGES, own, "parent-1")).to.not.equal(h);
  });
  it("ships a kolla_start that honours both config strategies", () => {
    const setConfigs = readFileSync(join(IMAGES, "base", "kolla_set_configs"), "utf8");
    expect(setConfigs)
      .to.include("COPY_ALWAYS")
      .and.include("COPY_ONCE")
      .and.include("/run_command");
  });
  it("has every one-shot mode a recipe calls in its image's start script", () => {
    // The modes each pack's recipes (rolling and kolla-ansible) run as one-shots, against the
    // kolla_extend_start its images carry (the pack's `lab.files`, else the base image's).
    const checked: string[] = [];
    for (const pack of LAB_PACKS) {
      const recipes = [pack.recipe, pack.kollaRecipe].filter((r) => r !== undefined);
      const modes = new Set(
        recipes.flatMap((r) => r.stages.flatMap((st) => (st.kind === "oneShot" ? [st.mode] : []))),
      );
      if (pack.spec.name === "mariadb") modes.add("KOLLA_BOOTSTRAP"); // its deploy's bring-up
      if (modes.size === 0) continue;
      const dir = pack.lab.files;
      expect(dir, `${pack.spec.name}: one-shot modes but no lab.files`).to.not.equal(undefined);
      const script = readFileSync(join(IMAGES, dir ?? "", "kolla_extend_start"), "utf8");
      for (const m of modes) {
        expect(script, `${pack.spec.name}: ${m} in lab/images/${dir}/kolla_extend_start`).to.match(
          new RegExp(`\\b${m}\\b(?!_)`),
        );
        checked.push(`${pack.spec.name} ${m}`);
      }
    }
    expect(checked).to.include.members([
      "ironic KOLLA_UPGRADE_CHECK",
      "ironic KOLLA_UPGRADE",
      "ironic KOLLA_OSM",
      "heat KOLLA_UPGRADE_CHECK",
      "heat KOLLA_UPGRADE",
      "mariadb KOLLA_BOOTSTRAP",
    ]);
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
