/**
 * The lab for real, on this machine's Docker engine (the suite's setup makes sure one runs):
 * `kroll lab up --nodes 2`, SSH to every node with host keys checked against the lab's
 * known_hosts, Docker over SSH, pulls from the lab registry, the two tags' package versions,
 * the smoke of real Ironic and Heat, and a `lab down` that leaves nothing labelled behind.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { applyFile, parseGitPatch } from "../../src/change/patch.js";
import { connectCluster } from "../../src/cluster/connect.js";
import { SshError } from "../../src/core/errors.js";
import { silentLogger } from "../../src/core/logger.js";
import { readScenario } from "../../src/scenario/read.js";
import type { Scenario } from "../../src/scenario/schema.js";
import { REPO } from "../builders.js";
import { runKroll } from "../support/run-kroll.js";

const STATE = join(REPO, "inventories", "lab");
const LABEL = "org.openstack.kroll.lab=lab";
const docker = (...args: string[]): string =>
  execFileSync("docker", args, { encoding: "utf8" }).trim();

describe("integration: the lab (kroll lab up --nodes 2)", function () {
  this.timeout(60 * 60_000);
  let scenario: Scenario;

  before(async () => {
    const up = await runKroll(["lab", "up", "--nodes", "2", "--verbose"], {
      timeoutMs: 50 * 60_000,
    });
    expect(up.code, `lab up failed:\n${up.stdout}\n${up.stderr}`).to.equal(0);
    expect(up.stdout).to.match(/lab "lab" is up in \d+ s: 2 nodes on 172\.30\.92\.0\/24/);
    scenario = (await readScenario(join(STATE, "scenario.yaml"))).scenario;
  });

  it("writes a lab scenario that kroll validate accepts, with its kolla inputs", async () => {
    expect(scenario.cluster.nodes.map((n) => [n.name, n.address])).to.deep.equal([
      ["node1", "172.30.92.11"],
      ["node2", "172.30.92.12"],
    ]);
    const v = await runKroll(["validate", join(STATE, "scenario.yaml")]);
    expect(v.code, v.stderr).to.equal(0);
    expect(readFileSync(join(STATE, "kolla", "multinode"), "utf8")).to.match(
      /^node1 ansible_host=172\.30\.92\.11 /m,
    );
    for (const f of ["ssh/id_ed25519", "ssh/known_hosts", "kolla/passwords.yml"]) {
      expect(statSync(join(STATE, f)).mode & 0o777, f).to.equal(0o600);
    }
  });

  it("logs in to every node over SSH with host keys checked, and reaches each node's Docker engine", async () => {
    const cluster = await connectCluster(scenario, silentLogger);
    try {
      for (const n of scenario.cluster.nodes) {
        const sh = cluster.shell(n.name);
        expect((await sh.run(["hostname"], { timeoutMs: 10_000 })).trim()).to.equal(n.name);
        const version = await sh.run(["docker", "version", "--format", "{{.Server.Version}}"], {
          timeoutMs: 20_000,
        });
        expect(version.trim()).to.match(/^\d+\.\d+\.\d+/);
      }
    } finally {
      cluster.close();
    }
  });

  it("uploads files over SFTP with their mode, atomically", async () => {
    const cluster = await connectCluster(scenario, silentLogger);
    try {
      const sh = cluster.shell("node1");
      await sh.run(["mkdir", "-p", "/etc/kroll-test"], { timeoutMs: 10_000 });
      await sh.putFile("/etc/kroll-test/secret.conf", "[DEFAULT]\npassword = x\n", {
        mode: 0o600,
        timeoutMs: 10_000,
      });
      await sh.putFile("/etc/kroll-test/secret.conf", "[DEFAULT]\npassword = y\n", {
        mode: 0o600,
        timeoutMs: 10_000,
      });
      expect(
        await sh.run(["stat", "-c", "%a %U", "/etc/kroll-test/secret.conf"], { timeoutMs: 10_000 }),
      ).to.equal("600 root\n");
      expect(await sh.run(["cat", "/etc/kroll-test/secret.conf"], { timeoutMs: 10_000 })).to.equal(
        "[DEFAULT]\npassword = y\n",
      );
      expect(await sh.run(["ls", "/etc/kroll-test"], { timeoutMs: 10_000 })).to.equal(
        "secret.conf\n",
      );
    } finally {
      cluster.close();
    }
  });

  it("re-establishes a node's SSH connection after the node dropped it", async () => {
    const cluster = await connectCluster(scenario, silentLogger);
    try {
      const sh = cluster.shell("node2");
      const before = await sh.run(["sh", "-c", "echo $PPID"], { timeoutMs: 10_000 });
      // The node kills the sshd process serving kroll's connection.
      docker("exec", "kroll-lab-node2", "pkill", "-f", "sshd: root");
      await new Promise((r) => setTimeout(r, 1_000));
      expect((await sh.run(["hostname"], { timeoutMs: 20_000 })).trim()).to.equal("node2");
      const after = await sh.run(["sh", "-c", "echo $PPID"], { timeoutMs: 10_000 });
      expect(after, "a new sshd session serves the reconnected shell").to.not.equal(before);
    } finally {
      cluster.close();
    }
  });

  it("lets every node pull from the lab registry", async () => {
    // The version the host's image says it holds (its label), as every node must see it.
    const haproxyStable = docker(
      "image",
      "inspect",
      "--format",
      '{{index .Config.Labels "org.openstack.kroll.versions"}}',
      "localhost:5000/kolla/haproxy:stable",
    ).split(" ")[1];
    expect(haproxyStable).to.match(/^\d+\.\d+\.\d+-\S+$/);
    const cluster = await connectCluster(scenario, silentLogger);
    try {
      await Promise.all(
        scenario.cluster.nodes.map(async (n) => {
          const sh = cluster.shell(n.name);
          await sh.run(["docker", "pull", "-q", "kroll-registry:5000/kolla/haproxy:stable"], {
            timeoutMs: 300_000,
          });
          const out = await sh.run(
            [
              "docker",
              "run",
              "--rm",
              "kroll-registry:5000/kolla/haproxy:stable",
              "dpkg-query",
              "-W",
              "-f",
              "${Version}",
              "haproxy",
            ],
            { timeoutMs: 60_000 },
          );
          expect(out, n.name).to.equal(haproxyStable);
        }),
      );
    } finally {
      cluster.close();
    }
  });

  it("refuses a node whose host key does not match known_hosts, and an unknown host, naming the node", async () => {
    const known = readFileSync(join(STATE, "ssh", "known_hosts"), "utf8");
    const tampered = join(STATE, "ssh", "known_hosts.tampered");
    // node1 gets node2's keys, every type of them: a host presenting any key but its own.
    const node2Lines = known.split("\n").filter((l) => l.startsWith("172.30.92.12 "));
    const swapped = [
      ...known.split("\n").filter((l) => l !== "" && !l.startsWith("172.30.92.11 ")),
      ...node2Lines.map((l) => l.replace("172.30.92.12", "172.30.92.11")),
    ];
    writeFileSync(tampered, `${swapped.join("\n")}\n`, { mode: 0o600 });
    const one = (kh: string): Scenario => ({
      ...scenario,
      cluster: {
        ...scenario.cluster,
        nodes: [
          {
            ...scenario.cluster.nodes[0]!,
            ssh: { ...scenario.cluster.nodes[0]!.ssh, known_hosts: kh },
          },
        ],
      },
    });
    let err: unknown;
    try {
      (await connectCluster(one(tampered), silentLogger)).close();
    } catch (e: unknown) {
      err = e;
    }
    expect(err).to.be.instanceOf(SshError);
    expect((err as SshError).message).to.match(
      /^node node1: HOST KEY MISMATCH for root@172\.30\.92\.11:22: it presented \S+ SHA256:\S+, which is not the key .*known_hosts\.tampered has for it; refusing to connect/,
    );
    writeFileSync(tampered, "");
    err = undefined;
    try {
      (await connectCluster(one(tampered), silentLogger)).close();
    } catch (e: unknown) {
      err = e;
    }
    expect((err as Error).message).to.match(
      /^node node1: unknown host key \S+ SHA256:\S+ for root@172\.30\.92\.11:22: it is not in .*known_hosts\.tampered; add it, or pass --accept-new-host-keys/,
    );
  });

  it("builds two real tags, each from its own suite, with the releases the archive serves today", async () => {
    const r = await runKroll(["lab", "versions", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const res = JSON.parse(r.stdout) as {
      suites: { stable: string; proposed: string };
      services: {
        service: string;
        stable: { version: string; suite: string; series?: string };
        proposed: { version: string; suite: string; series?: string };
        unchanged: boolean;
      }[];
    };
    expect(res.suites).to.deep.equal({ stable: "forky", proposed: "sid" });
    const ironic = res.services.find((x) => x.service === "ironic");
    expect(ironic?.stable.suite).to.equal("forky");
    expect(ironic?.proposed.suite).to.equal("sid");
    // Every OpenStack service moves one release (N → N+1), whatever versions the archive has.
    for (const svc of ["ironic", "heat"]) {
      const x = res.services.find((s) => s.service === svc);
      expect([x?.stable.series, x?.proposed.series], svc).to.deep.equal(["2026.1", "2026.2"]);
    }
    const v = (tag: string): string =>
      docker(
        "run",
        "--rm",
        `localhost:5000/kolla/ironic-api:${tag}`,
        "dpkg-query",
        "-W",
        "-f",
        "${Version}",
        "ironic-common",
      );
    expect(v("stable")).to.equal(ironic?.stable.version);
    expect(v("proposed")).to.equal(ironic?.proposed.version);
    const label = (ref: string, key: string): string =>
      docker("image", "inspect", "--format", `{{index .Config.Labels "${key}"}}`, ref);
    const mariadb = res.services.find((x) => x.service === "mariadb-server");
    // The pinned package first, then the unversioned tools the image's scripts use.
    expect(
      label("localhost:5000/kolla/mariadb-server:proposed", "org.openstack.kroll.packages").split(
        " ",
      )[0],
    ).to.equal(`mariadb-server=${mariadb?.proposed.version}`);
    expect(
      label("localhost:5000/kolla/ironic-conductor:proposed", "org.openstack.kroll.versions"),
    ).to.equal(`ironic ${ironic?.proposed.version} (${ironic?.proposed.suite})`);
    // The base image of each tag is built from its suite (testing and unstable both call
    // themselves "forky/sid" in os-release: the suite is what apt reads).
    const suite = (tag: string): string =>
      docker(
        "run",
        "--rm",
        `localhost:5000/kolla/base:${tag}`,
        "sh",
        "-c",
        "awk '{print $3}' /etc/apt/sources.list | sort -u",
      );
    expect([suite("stable"), suite("proposed")]).to.deep.equal(["forky", "sid"]);
  });

  it("applies every case of the catalogue (changes/) to the proposed release's code, as --change does", () => {
    // The files each patch touches, read from the proposed image, then every hunk applied by
    // kroll's own applier: a case that no longer applies to today's code fails here, by name.
    const applied: string[] = [];
    for (const svc of ["ironic", "heat"]) {
      const image = svc === "ironic" ? "ironic-conductor" : "heat-engine";
      for (const f of readdirSync(join(REPO, "changes", svc)).filter((x) => x.endsWith(".patch"))) {
        const parsed = parseGitPatch(readFileSync(join(REPO, "changes", svc, f), "utf8"));
        for (const file of parsed.files) {
          const source =
            file.from === undefined
              ? undefined
              : docker(
                  "run",
                  "--rm",
                  `localhost:5000/kolla/${image}:proposed`,
                  "cat",
                  `/usr/lib/python3/dist-packages/${file.from}`,
                ) + "\n";
          expect(
            () => applyFile(file, source),
            `${svc}/${f}: ${file.from ?? file.to}`,
          ).to.not.throw();
        }
        applied.push(`${svc}/${f}`);
      }
    }
    expect(applied).to.include.members([
      "ironic/rpc-renamed-argument.patch",
      "ironic/clean-log-line.patch",
      "ironic/release-mapping-alias-dropped.patch",
      "ironic/release-migration-not-null.patch",
      "heat/clean-log-line.patch",
    ]);
  });

  it("refuses, before any build, suites in the wrong order (exit 3, naming the service and both releases)", async () => {
    const text = readFileSync(join(REPO, "scenarios", "lab.yaml"), "utf8").replace(
      "suites: { stable: forky, proposed: sid }",
      "suites: { stable: sid, proposed: forky }",
    );
    expect(text).to.include("stable: sid");
    writeFileSync(join(REPO, "scenarios", ".backwards.yaml"), text);
    try {
      const r = await runKroll(["lab", "versions", "scenarios/.backwards.yaml"], {
        timeoutMs: 120_000,
      });
      expect(r.code, r.stderr).to.equal(3);
      expect(r.stderr)
        .to.match(/ironic: proposed 1:3\d\.\S+ \(forky\) is older than stable 1:3\d\.\S+ \(sid\)/)
        .and.include("swap cluster.lab.suites.stable and .proposed");
      expect(r.stderr).to.not.match(/^\s+at /m);
    } finally {
      rmSync(join(REPO, "scenarios", ".backwards.yaml"), { force: true });
    }
  });

  it("refuses, before any build and within 30 s, a pinned version the archive lacks (exit 3, naming what it offers)", async () => {
    // The lab's own template (same name, network and state) with one exact version the
    // archive never had: lab up gets as far as resolving, and no further.
    const text = readFileSync(join(REPO, "scenarios", "lab.yaml"), "utf8").replace(
      "    state_dir: ../inventories/lab\n",
      '    state_dir: ../inventories/lab\n    versions: { proposed: { ironic: "1:39.0.0-99" } }\n',
    );
    expect(text).to.include("39.0.0-99");
    writeFileSync(join(REPO, "scenarios", ".pinned-gone.yaml"), text);
    try {
      const t0 = Date.now();
      const r = await runKroll(["lab", "up", "scenarios/.pinned-gone.yaml"], {
        timeoutMs: 120_000,
      });
      const took = Date.now() - t0;
      expect(r.code, r.stderr).to.equal(3);
      expect(r.stderr)
        .to.include("python3-ironic 1:39.0.0-99")
        .and.include("cluster.lab.versions.proposed.ironic")
        .and.match(/the archive offers .*\(sid\)/);
      expect(r.stderr).to.not.match(/^\s+at /m);
      expect(r.stderr).to.not.include("docker build");
      expect(took, `took ${took} ms`).to.be.below(30_000);
      // Nothing was built for it.
      expect(r.stderr).to.not.match(/building |built /);
    } finally {
      rmSync(join(REPO, "scenarios", ".pinned-gone.yaml"), { force: true });
    }
  });

  it("runs real Ironic and Heat from the stable images: a node reaches active, a stack CREATE_COMPLETE", async () => {
    const r = await runKroll(["lab", "smoke"], { timeoutMs: 20 * 60_000 });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^smoke passed on the stable images/);
    expect(r.stdout)
      .to.match(/ironic node \w+ → active/)
      .and.match(/heat stack \w+ → CREATE_COMPLETE/);
    // It deployed as kroll deploy does (HAProxy and the VIP included) and took it all away.
    expect(r.stdout).to.match(
      /containers of haproxy, mariadb, .*; proofs of ironic, heat through the VIP/,
    );
    for (const node of ["node1", "node2"]) {
      const left = docker(
        "exec",
        `kroll-lab-${node}`,
        "sh",
        "-c",
        "docker ps -aq; docker volume ls -q; ls -A /etc/kolla 2>/dev/null; ip -o addr | grep -w 172.30.92.250 || true",
      );
      expect(left, `left on ${node}`).to.equal("");
    }
  });

  it("refuses to smoke nodes that run one of the lab scenario's containers, naming it, and changes nothing", async () => {
    // A container with the scenario's label, as kroll deploy leaves them (the image the smoke pulled).
    const node1 = (...args: string[]): string => docker("exec", "kroll-lab-node1", ...args);
    node1(
      "docker",
      "run",
      "-d",
      "--name",
      "memcached",
      "--label",
      "org.openstack.kroll.scenario=lab",
      "--entrypoint",
      "sleep",
      "kroll-registry:5000/kolla/memcached:stable",
      "600",
    );
    try {
      const r = await runKroll(["lab", "smoke"], { timeoutMs: 120_000 });
      expect(r.code).to.equal(3);
      expect(r.stderr).to.match(
        /^error: the lab's nodes already run scenario "lab" \(memcached@node1\)/m,
      );
      expect(r.stderr).to.not.match(/^\s+at /m);
      expect(node1("docker", "ps", "-a", "--format", "{{.Names}}")).to.equal("memcached");
      expect(node1("sh", "-c", "ls -A /etc/kolla 2>/dev/null || true")).to.equal("");
    } finally {
      node1("docker", "rm", "-f", "memcached");
    }
  });

  it("is idempotent: a second up builds, pushes and recreates nothing", async () => {
    const r = await runKroll(["lab", "up", "--nodes", "2"], { timeoutMs: 10 * 60_000 });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/images: 0 built, \d+ up to date, 0 pushed/);
    expect(r.stdout)
      .to.match(/node1\s+172\.30\.92\.11\s+kept/)
      .and.match(/node2\s+172\.30\.92\.12\s+kept/);
  });

  it("shows nodes, engines and registry in status", async () => {
    const r = await runKroll(["lab", "status", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const st = JSON.parse(r.stdout) as {
      nodes: { name: string; state: string; engine: string }[];
      registry: { state: string; repositories: string[] };
      images: { ref: string; versions: string }[];
    };
    // Each service image: its service's version and the suite it came from.
    expect(
      st.images.find((i) => i.ref === "localhost:5000/kolla/ironic-api:stable")?.versions,
    ).to.match(/^ironic 1:\d+\.\d+\.\d+-\S+ \(forky\)$/);
    expect(st.nodes.map((n) => [n.name, n.state])).to.deep.equal([
      ["node1", "running"],
      ["node2", "running"],
    ]);
    expect(st.registry.state).to.equal("running");
    expect(st.registry.repositories).to.include.members([
      "kolla/ironic-api",
      "kolla/heat-engine",
      "kolla/mariadb-server",
    ]);
  });

  it("down removes every container, network and volume with the lab's label, and nothing else", async () => {
    const sentinel = "kroll-test-sentinel";
    docker("volume", "create", sentinel);
    try {
      const r = await runKroll(["lab", "down", "--keep-images"], { timeoutMs: 10 * 60_000 });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(
        /removed 3 containers, 2 volumes, 1 networks, 0 images \(images kept\)/,
      );
      expect(docker("ps", "-a", "--filter", `label=${LABEL}`, "-q")).to.equal("");
      expect(docker("network", "ls", "--filter", `label=${LABEL}`, "-q")).to.equal("");
      expect(docker("volume", "ls", "--filter", `label=${LABEL}`, "-q")).to.equal("");
      expect(docker("volume", "ls", "-q").split("\n")).to.include(sentinel);
    } finally {
      docker("volume", "rm", sentinel);
    }
  });
});
