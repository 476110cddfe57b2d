import { expect } from "chai";
import { mkdirSync, mkdtempSync, readFileSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExecResult, NodeShell } from "../../../src/cluster/ports.js";
import { createCollector, isSecretPath, tailBytes } from "../../../src/run/collect.js";
import { scrubber } from "../../../src/run/scrub.js";

const SECRET = "Zq8s0dLk2wPq9xY7";

/** A node shell answering from `answer` (argv → stdout; undefined: exit 1). */
function shellOf(node: string, answer: (argv: readonly string[]) => string | undefined): NodeShell {
  const exec = (argv: readonly string[]): Promise<ExecResult> => {
    const out = answer(argv);
    return Promise.resolve(
      out === undefined
        ? { exitCode: 1, stdout: "", stderr: "no such thing" }
        : { exitCode: 0, stdout: out, stderr: "" },
    );
  };
  return {
    node,
    exec,
    run: async (argv) => (await exec(argv)).stdout,
    openUnixSocket: () => Promise.reject(new Error("no")),
    putFile: () => Promise.reject(new Error("read-only: the collector never writes")),
    close: () => undefined,
  };
}

describe("run/collect", () => {
  const made: string[] = [];
  const dir = (): string => {
    const d = mkdtempSync(join(tmpdir(), "kroll-collect-"));
    made.push(d);
    return d;
  };
  after(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });

  it("keeps a file's last bytes from a whole line, and says how many it left out", () => {
    expect(tailBytes("a\nb\n", 10)).to.deep.equal({ text: "a\nb\n", cut: 0 });
    const t = tailBytes("first line\nsecond\nthird\n", 10);
    expect(t.text).to.equal("third\n");
    expect(t.cut).to.equal("first line\nsecond\n".length);
  });

  it("never reads key material or passwords.yml", () => {
    for (const p of [
      "passwords.yml",
      "config/haproxy/haproxy.pem",
      "certificates/ca/root.crt",
      "x/server.key",
      "ssh/id_ed25519",
    ])
      expect(isSecretPath(p), p).to.equal(true);
    for (const p of ["globals.yml", "multinode", "config/ironic.conf", "ironic-api/config.json"])
      expect(isSecretPath(p), p).to.equal(false);
  });

  it("collects every container's log and inspect, /etc/kolla and the role's state, scrubbed", async () => {
    const runDir = dir();
    const c = createCollector(runDir, {
      scenario: "lab",
      scenarioLabel: "org.openstack.kroll.scenario",
      scrub: scrubber([SECRET]),
    });
    const shell = shellOf("node1", (argv) => {
      const a = argv.join(" ");
      if (a.startsWith("docker ps -a --no-trunc"))
        return "CONTAINER ID   IMAGE\nabc   ironic-api\n";
      if (a.startsWith("docker ps -a --filter")) return "ironic_api\nironic_api_kroll_old\n";
      if (a.startsWith("docker ps -a --format"))
        return "ironic_api\nironic_api_kroll_old\nhaproxy\n";
      if (a.includes("docker logs")) return `log of ${argv[4]} password=${SECRET}\n`;
      if (argv[0] === "docker" && argv[1] === "inspect") return `[{"Name":"/${argv[2]}"}]`;
      if (argv[3] === "kolla-config") {
        const m = argv[4];
        return `${m} /etc/kolla/ironic-api/ironic.conf\n[database]\nconnection = mysql://ironic:${SECRET}@db\n\n${m} /etc/kolla/ironic-api/config.json\n{}\n\n`;
      }
      return undefined;
    });
    await c.retired(shell, "ironic_conductor_kroll_old", "ironic_conductor");
    await c.retired(shell, "ironic_conductor_kroll_old", "ironic_conductor");
    await c.final([
      {
        shell,
        names: ["haproxy"],
        extras: () => Promise.resolve({ "haproxy-show-stat.csv": "# pxname\n" }),
      },
    ]);
    const idx = c.close();
    const logs = join(runDir, "logs");
    const read = (p: string): string => readFileSync(join(logs, p), "utf8");
    expect(read("node1/retired/ironic_conductor.log")).to.include(
      "log of ironic_conductor_kroll_old",
    );
    // A second retirement of the same container is numbered, not written over.
    expect(existsSync(join(logs, "node1/retired/ironic_conductor.2.log"))).to.equal(true);
    expect(read("node1/containers/ironic_api.log")).to.include("log of ironic_api");
    expect(read("node1/containers/ironic_api_kroll_old.log")).to.include(
      "log of ironic_api_kroll_old",
    );
    // An adopted container (not labelled) named by the scenario is collected too.
    expect(read("node1/containers/haproxy.log")).to.include("log of haproxy");
    expect(read("node1/inspect/ironic_api.json")).to.include('"/ironic_api"');
    expect(read("node1/retired/ironic_conductor.json")).to.include("_kroll_old");
    // A name of the scenario's that is not on this node is no problem.
    expect(existsSync(join(logs, "node1/containers/rabbitmq.log"))).to.equal(false);
    expect(idx.problems).to.deep.equal([]);
    expect(read("node1/docker-ps.txt")).to.include("ironic-api");
    expect(read("node1/etc-kolla/ironic-api/ironic.conf")).to.include("[database]");
    expect(read("node1/etc-kolla/ironic-api/config.json")).to.equal("{}\n");
    expect(read("node1/haproxy-show-stat.csv")).to.equal("# pxname\n");
    for (const f of idx.files) expect(read(f.path), f.path).to.not.include(SECRET);
    expect(read("node1/containers/ironic_api.log")).to.include("<secret>");
    const index = JSON.parse(read("index.json")) as { files: unknown[]; bytes: number };
    expect(index.files).to.have.length(idx.files.length);
    expect(index.bytes).to.equal(idx.bytes);
  });

  it("never writes a path a node names outside logs/ (a container or config named with ..)", () => {
    const runDir = dir();
    const c = createCollector(runDir, { scenario: "lab", scenarioLabel: "l", scrub: (t) => t });
    c.put("node1/etc-kolla/../../../../escaped.txt", "x");
    c.put("node1/containers/ok.log", "y");
    const idx = c.close();
    expect(existsSync(join(runDir, "..", "escaped.txt"))).to.equal(false);
    expect(existsSync(join(runDir, "escaped.txt"))).to.equal(false);
    expect(idx.files.map((f) => f.path)).to.deep.equal(["node1/containers/ok.log"]);
    expect(idx.problems.join("\n")).to.include("outside logs/: not written");
  });

  it("bounds each file and the whole, listing what it left out", () => {
    const runDir = dir();
    const c = createCollector(runDir, {
      scenario: "lab",
      scenarioLabel: "l",
      scrub: (t) => t,
      maxFileBytes: 100,
      maxTotalBytes: 250,
    });
    const line = "x".repeat(39) + "\n";
    c.put("a.log", line.repeat(10));
    c.put("b.log", line.repeat(2));
    c.put("c.log", line.repeat(4));
    const idx = c.close();
    expect(idx.files.map((f) => f.path)).to.deep.equal(["a.log", "b.log"]);
    expect(idx.files[0]?.cut).to.equal(320);
    expect(readFileSync(join(runDir, "logs/a.log"), "utf8")).to.match(
      /^\[kroll: the first 320 bytes/,
    );
    expect(idx.leftOut).to.deep.equal(["c.log"]);
    expect(idx.bytes).to.be.at.most(250);
  });

  it("keeps more of the loadbalancer's log (the request log) than of any other container's", async () => {
    const runDir = dir();
    const c = createCollector(runDir, {
      scenario: "lab",
      scenarioLabel: "l",
      scrub: (t) => t,
      maxFileBytes: 100,
      roomy: { containers: ["haproxy"], maxFileBytes: 400 },
    });
    const line = "x".repeat(39) + "\n";
    const tails: string[] = [];
    const shell = shellOf("node1", (argv) => {
      if (argv.join(" ").startsWith("docker ps -a --format")) return "haproxy\nironic_api\n";
      if (argv.join(" ").includes("docker logs")) {
        tails.push(`${argv[4]} ${argv[5]}`);
        return line.repeat(20);
      }
      return argv[0] === "docker" && argv[1] === "ps" ? "" : undefined;
    });
    await c.final([{ shell, names: ["haproxy", "ironic_api"], extras: () => Promise.resolve({}) }]);
    const idx = c.close();
    // Each read asks the node for its own bound's worth, and each file keeps it.
    expect(tails.sort()).to.deep.equal(["haproxy 400", "ironic_api 100"]);
    // Whole lines of 40 bytes within each bound: 9 or 10 of haproxy's, 2 of the API's.
    const kept = Object.fromEntries(idx.files.map((f) => [f.path, 800 - (f.cut ?? 0)]));
    expect(kept["node1/containers/haproxy.log"]).to.be.within(360, 400);
    expect(kept["node1/containers/ironic_api.log"]).to.be.within(40, 100);
  });

  it("copies the kolla inputs without passwords.yml or keys", () => {
    const runDir = dir();
    const kolla = dir();
    writeFileSync(join(kolla, "globals.yml"), `kolla_base_distro: debian\nx: ${SECRET}\n`);
    writeFileSync(join(kolla, "passwords.yml"), `database_password: ${SECRET}\n`);
    mkdirSync(join(kolla, "config/haproxy"), { recursive: true });
    writeFileSync(join(kolla, "config/haproxy/haproxy.pem"), "-----BEGIN PRIVATE KEY-----\n");
    writeFileSync(join(kolla, "config/ironic.conf"), "[DEFAULT]\n");
    const c = createCollector(runDir, {
      scenario: "s",
      scenarioLabel: "l",
      scrub: scrubber([SECRET]),
    });
    c.inputs(kolla);
    const idx = c.close();
    expect(idx.files.map((f) => f.path)).to.deep.equal([
      "kolla-inputs/config/ironic.conf",
      "kolla-inputs/globals.yml",
    ]);
    expect(readFileSync(join(runDir, "logs/kolla-inputs/globals.yml"), "utf8")).to.include(
      "<secret>",
    );
  });

  it("writes down a node that does not answer, and goes on", async () => {
    const runDir = dir();
    const c = createCollector(runDir, { scenario: "s", scenarioLabel: "l", scrub: (t) => t });
    await c.final([{ shell: shellOf("node2", () => undefined), names: ["x"] }]);
    const idx = c.close();
    expect(idx.files).to.deep.equal([]);
    expect(idx.problems.join("\n")).to.include("node2: docker ps -a");
  });
});
