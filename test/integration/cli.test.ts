/** The CLI as a user runs it: a subprocess, real files, real exit codes. */
import { expect } from "chai";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { FIXTURES, REPO } from "../builders.js";
import { limited, runKroll } from "../support/run-kroll.js";

const INVALID = join(FIXTURES, "scenarios", "invalid");

describe("integration: kroll validate", function () {
  this.timeout(120_000);
  const files = readdirSync(INVALID)
    .filter((f) => f.endsWith(".yaml"))
    .sort();
  const results = new Map<string, Awaited<ReturnType<typeof runKroll>>>();
  before(async () => {
    await limited(files, 3, async (f) =>
      results.set(f, await runKroll(["validate", f], { cwd: INVALID })),
    );
  });
  for (const f of files) {
    it(`exits 2 on ${f}, naming file, line, field and message, with no stack trace`, () => {
      const r = results.get(f);
      const want = readFileSync(join(INVALID, f.replace(/\.yaml$/, ".expect")), "utf8")
        .trimEnd()
        .split("\n");
      expect(r?.code).to.equal(2);
      expect(r?.stdout).to.equal("");
      const n = want.length;
      expect(r?.stderr).to.equal(
        `error: ${n} problem${n === 1 ? "" : "s"} found:\n${want.map((l) => `  ${l}`).join("\n")}\n`,
      );
      expect(r?.stderr).to.not.match(/^\s+at /m);
    });
  }
  it("refuses a 2 MB scenario without echoing it, and cuts a long value it quotes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kroll-big-"));
    try {
      writeFileSync(join(dir, "huge.yaml"), `name: ${"x".repeat(2 * 1024 * 1024)}\n`);
      const huge = await runKroll(["validate", "huge.yaml"], { cwd: dir });
      expect(huge.code).to.equal(2);
      expect(huge.stderr).to.equal(
        "error: 1 problem found:\n  huge.yaml: is 2097159 bytes; expected a YAML scenario of at most 1048576 bytes\n",
      );
      const long = readFileSync(join(INVALID, "bad-duration.yaml"), "utf8").replace(
        "name: bad",
        `name: ${"Y".repeat(500_000)}`,
      );
      writeFileSync(join(dir, "long.yaml"), long);
      const r = await runKroll(["validate", "long.yaml"], { cwd: dir });
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/long\.yaml:1:7: name: .*"Y{60}"… \(500000 characters\)/);
      expect(r.stderr.length).to.be.below(2_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("prints the same problems as JSON with --json", async () => {
    const r = await runKroll(["validate", "many-problems.yaml", "--json"], { cwd: INVALID });
    expect(r.code).to.equal(2);
    const j = JSON.parse(r.stdout) as { valid: boolean; errors: { path: string; line: number }[] };
    expect(j.valid).to.equal(false);
    expect(j.errors.map((e) => e.path)).to.deep.equal([
      "name",
      "cluster.nodes[0].roles",
      "cluster.nodes[1].colour",
      "kolla.stable",
      "network.internal_vip",
      "services[2]",
    ]);
  });
  it("accepts the example scenarios", async () => {
    for (const f of ["scenarios/lab.yaml", "scenarios/site-large.yaml"]) {
      const r = await runKroll(["validate", f]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/: valid — scenario "/);
    }
  });
});

describe("integration: kroll inventory", function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "kroll-inv-"));
    cpSync(join(REPO, "scenarios"), join(dir, "scenarios"), { recursive: true });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const snapshot = (out: string): Record<string, string> => {
    const files: Record<string, string> = {};
    const walk = (d: string, prefix: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
        else files[`${prefix}${e.name}`] = readFileSync(join(d, e.name), "utf8");
      }
    };
    walk(out, "");
    return files;
  };

  it("writes multinode, globals.yml, passwords.yml (0600) and config/, then keeps everything on a re-run", async () => {
    const r1 = await runKroll(["inventory", "scenarios/lab.yaml", "-o", "out"], { cwd: dir });
    expect(r1.code, r1.stderr).to.equal(0);
    expect(r1.stdout).to.match(/passwords\.yml\s+\d+ generated, 0 kept \(mode 0600\)/);
    const out = join(dir, "out");
    const first = snapshot(out);
    expect(Object.keys(first).sort()).to.deep.equal([
      ".kroll-files.json",
      "config/global.conf",
      "config/heat.conf",
      "config/heat/heat-engine.conf",
      "config/ironic.conf",
      "config/ironic/ironic-api.conf",
      "globals.yml",
      "multinode",
      "passwords.yml",
    ]);
    expect(statSync(join(out, "passwords.yml")).mode & 0o777).to.equal(0o600);
    const pw = parse(first["passwords.yml"] ?? "") as Record<string, unknown>;
    expect(pw.ironic_database_password).to.match(/^[A-Za-z0-9]{40}$/);
    // Secrets never reach stdout or stderr.
    expect(r1.stdout + r1.stderr).to.not.include(pw.ironic_database_password);

    const r2 = await runKroll(["inventory", "scenarios/lab.yaml", "-o", "out"], { cwd: dir });
    expect(r2.code, r2.stderr).to.equal(0);
    expect(r2.stdout).to.match(/passwords\.yml\s+0 generated, \d+ kept/);
    expect(snapshot(out)).to.deep.equal(first);
  });
  it("refuses an operator's kolla directory (exit 2, nothing written); --adopt adds only what it lacks", async () => {
    const site = join(dir, "site");
    mkdirSync(site);
    writeFileSync(join(site, "globals.yml"), "kolla_base_distro: ubuntu\n");
    const r1 = await runKroll(["inventory", "scenarios/lab.yaml", "-o", "site"], { cwd: dir });
    expect(r1.code, r1.stderr).to.equal(2);
    expect(r1.stderr).to.match(
      /refusing to write into .*site: it holds files kroll did not write \(globals\.yml\); pass --adopt/,
    );
    expect(r1.stderr).to.not.match(/\n\s+at /);
    expect(readdirSync(site)).to.deep.equal(["globals.yml"]);
    const r2 = await runKroll(["inventory", "scenarios/lab.yaml", "-o", "site", "--adopt"], {
      cwd: dir,
    });
    expect(r2.code, r2.stderr).to.equal(0);
    expect(r2.stdout).to.match(/kept the operator's 1 file\(s\) as they are: globals\.yml/);
    expect(readFileSync(join(site, "globals.yml"), "utf8")).to.equal("kolla_base_distro: ubuntu\n");
    expect(readdirSync(site)).to.include("multinode");
  });
  it("writes the target phase's tags and pins", async () => {
    const r = await runKroll(
      ["inventory", "scenarios/lab.yaml", "-o", "target", "--phase", "target"],
      { cwd: dir },
    );
    expect(r.code, r.stderr).to.equal(0);
    const g = parse(readFileSync(join(dir, "target", "globals.yml"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(g).to.include({
      openstack_tag: "proposed",
      // 2026.2: Ironic's own pin key, YAML booleans (kolla-ansible's samples from 2026.1).
      ironic_pin_release_version: "2026.1",
      enable_ironic: true,
      haproxy_socket_level_admin: true,
    });
  });
  it("explains which override file sets an option", async () => {
    writeFileSync(
      join(dir, "scenarios", "lab", "kolla-config", "ironic.conf"),
      "[DEFAULT]\ndebug = True\n",
      { flag: "a" },
    );
    const r = await runKroll(
      [
        "inventory",
        "scenarios/lab.yaml",
        "--explain",
        "ironic-conductor:DEFAULT.graceful_shutdown_timeout",
        "--host",
        "node2",
      ],
      { cwd: dir },
    );
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(
      /^\[DEFAULT\] graceful_shutdown_timeout for ironic-conductor on node2/,
    );
    expect(r.stdout).to.match(
      /\/etc\/kolla\/config\/global\.conf\s+graceful_shutdown_timeout = 60\s+from kolla-overrides\/global\.conf\s+<- wins/,
    );
    expect(r.stdout).to.match(/Effective: graceful_shutdown_timeout = 60/);
  });
  it("fails with exit 2 on usage errors, naming what was expected", async () => {
    const r = await runKroll(["inventory", "scenarios/lab.yaml"], { cwd: dir });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal(
      "error: inventory needs -o DIR (or --explain)\nusage: kroll inventory SCENARIO -o DIR\n",
    );
    const p = await runKroll(["inventory", "scenarios/lab.yaml", "-o", "x", "--phase", "canary"], {
      cwd: dir,
    });
    expect(p.code).to.equal(2);
    expect(p.stderr).to.equal('error: --phase takes stable or target, got "canary"\n');
  });
  it("refuses to deploy what it cannot lay out yet, before touching any node", async () => {
    const lab = readFileSync(join(dir, "scenarios", "lab.yaml"), "utf8");
    writeFileSync(
      join(dir, "scenarios", "keepalived.yaml"),
      lab.replace("enable_keepalived: false", "enable_keepalived: true"),
    );
    const r = await runKroll(["deploy", "scenarios/keepalived.yaml"], { cwd: dir });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal(
      "error: 1 problem found:\n  scenarios/keepalived.yaml: network.enable_keepalived: kroll deploy does not run keepalived yet: set network.enable_keepalived: false, and kroll adds the VIP on the first loadbalancer host itself\n",
    );
  });
  it("fails with exit 2 on a broken override file, naming it and the line", async () => {
    writeFileSync(
      join(dir, "scenarios", "lab", "kolla-config", "heat.conf"),
      "[DEFAULT]\nnot an option\n",
    );
    const r = await runKroll(["inventory", "scenarios/lab.yaml", "-o", "broken"], { cwd: dir });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal(
      'error: 1 problem found:\n  scenarios/lab/kolla-config/heat.conf:2:1: line 2: expected "[section]" or "key = value"\n',
    );
  });
});

describe("integration: kroll import", function () {
  this.timeout(120_000);
  const SAMPLE = join(REPO, "..", "shared", "reference", "kolla-ansible-inventories", "2025.1");

  it("imports kolla-ansible's 2025.1 sample multinode and globals.yml with generated passwords; validate and plan --offline take the result; the operator's files are untouched", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kroll-import-"));
    // The operator's files: the upstream samples, passwords filled as kolla-genpwd would.
    cpSync(join(SAMPLE, "multinode"), join(dir, "multinode"));
    cpSync(join(SAMPLE, "globals.yml"), join(dir, "globals.yml"));
    const pw = parse(readFileSync(join(SAMPLE, "passwords.yml"), "utf8")) as Record<
      string,
      unknown
    >;
    for (const k of Object.keys(pw)) if (pw[k] === null) pw[k] = `pw-${k}-${k.length}x7Qz`;
    writeFileSync(join(dir, "passwords.yml"), stringify(pw));
    const before = ["multinode", "globals.yml", "passwords.yml"].map((f) =>
      readFileSync(join(dir, f), "utf8"),
    );
    const args = [
      "--inventory",
      "multinode",
      "--globals",
      "globals.yml",
      "--passwords",
      "passwords.yml",
    ];
    // The sample sets neither the VIP nor the release: exit 2, naming globals.yml and the keys.
    const lacking = await runKroll(["import", ...args, "-o", "site.yaml"], { cwd: dir });
    expect(lacking.code).to.equal(2);
    expect(lacking.stderr).to.match(/globals\.yml: openstack_release: not set/);
    expect(lacking.stderr).to.match(/globals\.yml: kolla_internal_vip_address: not set/);
    expect(existsSync(join(dir, "site.yaml"))).to.equal(false);
    const named = [
      "--name",
      "site",
      "--set",
      "kolla.release=2025.1",
      "--set",
      "network.internal_vip=10.10.10.254",
      "--set",
      "network.neutron_external_interface=eth1",
      "--set",
      "kolla.target=2025.2-rocky-9",
    ];
    const r = await runKroll(["import", ...args, "-o", "site.yaml", ...named], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/site\.yaml: scenario "site", kolla 2025\.1, 8 nodes/);
    const v = await runKroll(["validate", "site.yaml"], { cwd: dir });
    expect(v.code, v.stderr).to.equal(0);
    const s = parse(readFileSync(join(dir, "site.yaml"), "utf8")) as {
      cluster: { nodes: { name: string; roles: string[] }[] };
      kolla: { stable: string; target: string };
    };
    expect(s.cluster.nodes.map((n) => `${n.name}:${n.roles.join("+")}`)).to.deep.equal([
      "control01:control",
      "control02:control",
      "control03:control",
      "network01:network",
      "network02:network",
      "compute01:compute",
      "monitoring01:monitoring",
      "storage01:storage",
    ]);
    expect(s.kolla).to.deep.include({ stable: "2025.1-rocky-9", target: "2025.2-rocky-9" });
    const plan = await runKroll(["plan", "site.yaml", "--offline", "--json"], { cwd: dir });
    expect(plan.code, plan.stderr).to.equal(0);
    const waves = (JSON.parse(plan.stdout) as { waves: { service: string }[] }).waves;
    expect(new Set(waves.map((w) => w.service))).to.include.members([
      "keystone",
      "nova",
      "neutron",
    ]);
    // Their secrets kept where kroll keeps this scenario's kolla inputs, 0600; their files untouched.
    const kept = join(dir, "inventories", "site", "kolla", "passwords.yml");
    expect(statSync(kept).mode & 0o777).to.equal(0o600);
    expect(
      (parse(readFileSync(kept, "utf8")) as Record<string, unknown>).database_password,
    ).to.equal(pw.database_password);
    expect(
      ["multinode", "globals.yml", "passwords.yml"].map((f) => readFileSync(join(dir, f), "utf8")),
    ).to.deep.equal(before);
    // Never over an existing scenario.
    const again = await runKroll(["import", ...args, "-o", "site.yaml"], { cwd: dir });
    expect(again.code).to.equal(2);
    expect(again.stderr).to.match(/the file exists/);
    // Nor over an earlier import's secrets: a second scenario file with the same --name.
    const over = await runKroll(["import", ...args, "-o", "other.yaml", ...named], { cwd: dir });
    expect(over.code, over.stderr).to.equal(2);
    expect(over.stderr).to.match(
      /--name site: inventories\/site\/kolla already holds a scenario's kolla inputs/,
    );
    expect(existsSync(join(dir, "other.yaml"))).to.equal(false);
    expect(
      (parse(readFileSync(kept, "utf8")) as Record<string, unknown>).database_password,
    ).to.equal(pw.database_password);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("integration: kroll import reads inventories as Ansible does", function () {
  this.timeout(300_000);
  const SAMPLES = join(REPO, "..", "shared", "reference", "kolla-ansible-inventories");
  const ROLES = ["control", "network", "compute", "monitoring", "storage"];
  const ansibleEnv = {
    ...process.env,
    ANSIBLE_INVENTORY_UNPARSED_FAILED: "true",
    ANSIBLE_NOCOLOR: "1",
    ANSIBLE_LOCALHOST_WARNING: "false",
  };

  /** name:role+role of every host in a role group, as `ansible-inventory --list` puts them. */
  function ansibleNodes(dir: string, inventory: string): string[] {
    const r = spawnSync("ansible-inventory", ["-i", inventory, "--list"], {
      cwd: dir,
      encoding: "utf8",
      env: ansibleEnv,
      maxBuffer: 32 << 20,
    });
    expect(r.status, r.stderr).to.equal(0);
    const list = JSON.parse(r.stdout) as Record<string, { hosts?: string[]; children?: string[] }>;
    const hostsOf = (g: string, seen = new Set<string>()): string[] => {
      if (seen.has(g)) return [];
      seen.add(g);
      return [
        ...(list[g]?.hosts ?? []),
        ...(list[g]?.children ?? []).flatMap((c) => hostsOf(c, seen)),
      ];
    };
    const roles = new Map<string, string[]>();
    for (const role of ROLES)
      for (const h of new Set(hostsOf(role))) roles.set(h, [...(roles.get(h) ?? []), role]);
    return [...roles].map(([h, rs]) => `${h}:${rs.join("+")}`).sort();
  }

  async function importInto(
    dir: string,
    name: string,
    inventory: string,
    release: string,
    extra: string[] = [],
  ): Promise<{
    code: number | null;
    stderr: string;
    nodes: string[];
    scenario: {
      cluster: { nodes: { name: string; address: string; roles: string[]; ssh: object }[] };
      kolla: { stable: string };
    };
    notes: string[];
  }> {
    const r = await runKroll(
      [
        "import",
        "--inventory",
        inventory,
        "--globals",
        "globals.yml",
        "--passwords",
        "passwords.yml",
        "-o",
        `${name}.yaml`,
        "--name",
        name,
        "--json",
        "--set",
        `kolla.release=${release}`,
        "--set",
        "network.internal_vip=10.10.10.254",
        "--set",
        "network.neutron_external_interface=eth1",
        ...extra,
      ],
      { cwd: dir },
    );
    if (r.code !== 0)
      return {
        code: r.code,
        stderr: r.stderr,
        nodes: [],
        scenario: { cluster: { nodes: [] }, kolla: { stable: "" } },
        notes: [],
      };
    const scenario = parse(readFileSync(join(dir, `${name}.yaml`), "utf8")) as {
      cluster: { nodes: { name: string; address: string; roles: string[]; ssh: object }[] };
      kolla: { stable: string };
    };
    return {
      code: r.code,
      stderr: r.stderr,
      nodes: scenario.cluster.nodes.map((n) => `${n.name}:${n.roles.join("+")}`).sort(),
      scenario,
      notes: (JSON.parse(r.stdout) as { notes: string[] }).notes,
    };
  }

  function withPasswords(dir: string, sample: string): void {
    const pw = parse(readFileSync(join(sample, "passwords.yml"), "utf8")) as Record<
      string,
      unknown
    >;
    for (const k of Object.keys(pw)) if (pw[k] === null) pw[k] = `pw-${k}-${k.length}x7Qz`;
    writeFileSync(join(dir, "passwords.yml"), stringify(pw));
  }

  for (const [release, tag] of [
    ["2023.1", "2023.1-rocky-9"],
    ["2024.2", "2024.2-rocky-9"],
    ["2025.2", "2025.2-rocky-10"],
    ["2026.1", "2026.1-rocky-10"],
  ] as const)
    it(`${release}: kolla-ansible's own multinode gives the nodes and roles ansible-inventory gives, and the release's default tag`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "kroll-import-"));
      const sample = join(SAMPLES, release);
      cpSync(join(sample, "multinode"), join(dir, "multinode"));
      cpSync(join(sample, "globals.yml"), join(dir, "globals.yml"));
      withPasswords(dir, sample);
      const r = await importInto(dir, "site", "multinode", release);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.nodes).to.deep.equal(ansibleNodes(dir, "multinode"));
      expect(r.nodes.length).to.be.above(3);
      expect(r.scenario.kolla.stable).to.equal(tag);
      rmSync(dir, { recursive: true, force: true });
    });

  it("an operator's edited inventory: :children, ranges, group and host vars, group_vars/ and host_vars/, quoted SSH args; a YAML one; a vaulted passwords.yml", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kroll-import-"));
    const sample = join(SAMPLES, "2025.1");
    cpSync(join(sample, "globals.yml"), join(dir, "globals.yml"));
    withPasswords(dir, sample);
    writeFileSync(
      join(dir, "multinode"),
      [
        "[control]",
        "ctl[01:03] ansible_user=kolla",
        "",
        "[network:children]",
        "control",
        "",
        "[compute]",
        "cmp01 ansible_host=10.0.0.31",
        "",
        "[compute-gpu]",
        "gpu[1:2]",
        "",
        "[compute:children]",
        "compute-gpu",
        "",
        "[monitoring]",
        "ctl01",
        "",
        "[storage:children]",
        "compute-gpu",
        "",
        "[compute-gpu:vars]",
        "ansible_user=gpuadmin",
        "",
        "[all:vars]",
        "ansible_become=true",
        "ansible_ssh_common_args='-o ProxyJump=bastion.example -o ServerAliveInterval=30'",
        "",
        "[deployment]",
        "localhost ansible_connection=local",
        "",
      ].join("\n"),
    );
    mkdirSync(join(dir, "host_vars"));
    writeFileSync(join(dir, "host_vars", "gpu1.yml"), "ansible_host: 10.0.0.41\n");
    mkdirSync(join(dir, "group_vars"));
    writeFileSync(join(dir, "group_vars", "compute.yml"), "ansible_port: 2222\n");
    const r = await importInto(dir, "edited", "multinode", "2025.1");
    expect(r.code, r.stderr).to.equal(0);
    expect(r.nodes).to.deep.equal(ansibleNodes(dir, "multinode"));
    expect(r.nodes).to.deep.equal([
      "cmp01:compute",
      "ctl01:control+network+monitoring",
      "ctl02:control+network",
      "ctl03:control+network",
      "gpu1:compute+storage",
      "gpu2:compute+storage",
    ]);
    const gpu1 = r.scenario.cluster.nodes.find((n) => n.name === "gpu1");
    expect(gpu1).to.deep.include({ address: "10.0.0.41", ssh: { user: "gpuadmin", port: 2222 } });
    expect(r.notes.join("\n")).to.match(/ansible_become is set/);
    expect(r.notes.join("\n")).to.match(/through a jump host/);

    // A YAML inventory: Ansible reads it, kroll takes what it says.
    writeFileSync(
      join(dir, "hosts.yml"),
      stringify({
        all: {
          children: {
            control: { hosts: { y1: { ansible_host: "10.1.0.1" }, y2: null } },
            network: { children: { control: null } },
            compute: { hosts: { y3: null } },
          },
        },
      }),
    );
    const y = await importInto(dir, "yaml", "hosts.yml", "2025.1");
    expect(y.code, y.stderr).to.equal(0);
    expect(y.nodes).to.deep.equal(ansibleNodes(dir, "hosts.yml"));
    expect(y.nodes).to.deep.equal(["y1:control+network", "y2:control+network", "y3:compute"]);

    // A vaulted passwords.yml: refused without the vault's password file, opened with it.
    const plain = readFileSync(join(dir, "passwords.yml"), "utf8");
    writeFileSync(join(dir, "vault-pass"), "kroll-test-vault\n", { mode: 0o600 });
    const enc = spawnSync(
      "ansible-vault",
      ["encrypt", "--vault-password-file", "vault-pass", "passwords.yml"],
      { cwd: dir, encoding: "utf8", env: ansibleEnv },
    );
    expect(enc.status, enc.stderr).to.equal(0);
    const refused = await importInto(dir, "vaulted", "multinode", "2025.1");
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.match(
      /passwords\.yml: encrypted with ansible-vault; pass --vault-password-file FILE/,
    );
    const opened = await importInto(dir, "vaulted", "multinode", "2025.1", [
      "--vault-password-file",
      "vault-pass",
    ]);
    expect(opened.code, opened.stderr).to.equal(0);
    const kept = join(dir, "inventories", "vaulted", "kolla", "passwords.yml");
    expect(statSync(kept).mode & 0o777).to.equal(0o600);
    expect(parse(readFileSync(kept, "utf8"))).to.deep.equal(parse(plain));
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("integration: kroll as a program", function () {
  this.timeout(120_000);
  it("runs from src/cli/main.ts through tsx as from bin/kroll.js", () => {
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx/esm", join(REPO, "src", "cli", "main.ts"), "--version"],
      { cwd: REPO, encoding: "utf8" },
    );
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^kroll \d+\.\d+\.\d+\n$/);
  });
  it("runs the build made at install (dist/), and the sources through tsx once they are newer", function () {
    this.timeout(180_000);
    const dir = mkdtempSync(join(tmpdir(), "kroll-dist-"));
    try {
      for (const d of ["bin", "src", "scripts", "scenarios", "kolla-overrides", "lab"])
        cpSync(join(REPO, d), join(dir, d), { recursive: true });
      for (const f of ["package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json"])
        cpSync(join(REPO, f), join(dir, f));
      symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
      const build = spawnSync(process.execPath, ["scripts/build.mjs"], {
        cwd: dir,
        encoding: "utf8",
      });
      expect(build.status, build.stderr).to.equal(0);
      // Without its sources, the build alone validates a scenario (kolla layouts included).
      cpSync(join(dir, "src"), join(dir, "src.away"), { recursive: true });
      rmSync(join(dir, "src"), { recursive: true });
      const kroll = (...args: string[]) =>
        spawnSync(process.execPath, ["bin/kroll.js", ...args], { cwd: dir, encoding: "utf8" });
      const v = kroll("validate", "scenarios/lab.yaml");
      expect(v.status, v.stderr).to.equal(0);
      expect(v.stdout).to.match(/valid/);
      expect(v.stderr).to.equal("");
      // Sources edited after the build win: a broken build is not run.
      cpSync(join(dir, "src.away"), join(dir, "src"), { recursive: true });
      writeFileSync(join(dir, "dist", "cli", "main.js"), "throw new Error('stale build ran');\n");
      const later = new Date(Date.now() + 5_000);
      utimesSync(join(dir, "src", "core", "version.ts"), later, later);
      const s = kroll("--version");
      expect(s.status, s.stderr).to.equal(0);
      expect(s.stdout).to.match(/^kroll \d+\.\d+\.\d+\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("stamps its log lines with the time when stderr is not a terminal", async () => {
    const r = await runKroll(["lab", "engine", "--verbose"]);
    expect(r.code, r.stderr).to.equal(0);
    const logs = r.stderr.split("\n").filter((l) => l !== "");
    expect(logs.length).to.be.greaterThan(0);
    for (const l of logs) expect(l).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /);
  });
});

describe("integration: kroll plan --offline", function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "kroll-plan-"));
    cpSync(join(REPO, "scenarios"), join(dir, "scenarios"), { recursive: true });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("prints every wave of the lab's upgrade without connecting, as JSON and as a table", async () => {
    const j = await runKroll(["plan", "scenarios/lab.yaml", "--offline", "--json"], { cwd: dir });
    expect(j.code, j.stderr).to.equal(0);
    const plan = JSON.parse(j.stdout) as {
      source: string;
      strategy: string;
      waves: { service: string; step: string }[];
    };
    expect(plan).to.deep.include({ source: "assumed-stable", strategy: "rolling" });
    expect(plan.waves[0]).to.deep.include({ service: "cluster", step: "pull" });
    expect(plan.waves.filter((w) => w.service === "ironic" && w.step === "apis")).to.have.length(3);
    const t = await runKroll(["plan", "scenarios/lab.yaml", "--offline"], { cwd: dir });
    expect(t.code, t.stderr).to.equal(0);
    expect(t.stdout).to.match(/^plan for scenario "lab" \(rolling, .*\): \d+ waves$/m);
    expect(t.stdout).to.match(
      /ironic\s+apis\s+node2\s+drain waitDrained setConfig recreate waitHealthy waitBackendUp ready retire/,
    );
    const k = await runKroll(
      ["plan", "scenarios/lab.yaml", "--offline", "--strategy", "kolla-ansible", "--json"],
      { cwd: dir },
    );
    const base = JSON.parse(k.stdout) as { waves: { step: string; tracks: unknown[] }[] };
    expect(base.waves.find((w) => w.step === "api-cfn") ?? base.waves.find((w) => w.step === "api"))
      .to.have.property("tracks")
      .with.length(3);
    // A plan reads and prints: the lab's kolla directory was never written, and with no
    // passwords.yml it generated no secret (RSA-4096 pairs cost seconds) but used placeholders.
    expect(existsSync(join(dir, "inventories")), "plan wrote kolla inputs").to.equal(false);
    expect(t.stderr).to.match(/passwords\.yml lacks \d+ secrets; the plan uses placeholders/);
  });

  it("takes --set KEY.PATH=VALUE over the scenario, checked like the file (exit 2 naming file, field and the --set)", async () => {
    const j = await runKroll(
      [
        "plan",
        "scenarios/lab.yaml",
        "--offline",
        "--json",
        "--set",
        "upgrade.strategy=kolla-ansible",
      ],
      { cwd: dir },
    );
    expect(j.code, j.stderr).to.equal(0);
    expect((JSON.parse(j.stdout) as { strategy: string }).strategy).to.equal("kolla-ansible");
    const bad = await runKroll(
      ["validate", "scenarios/lab.yaml", "--set", "load.max_duration=soon"],
      { cwd: dir },
    );
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(
      /^ {2}scenarios\/lab\.yaml:\d+:\d+: load\.max_duration: .*\(from --set load\.max_duration=soon\)/m,
    );
    expect(bad.stderr).to.not.match(/at .*\.ts:\d+/);
    const usage = await runKroll(["validate", "scenarios/lab.yaml", "--set", "oops"], { cwd: dir });
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.match(/--set takes KEY\.PATH=VALUE/);
  });

  it("takes global options before the command, and its own --verbose after it", async () => {
    const j = await runKroll(
      ["--log-format", "json", "plan", "scenarios/lab.yaml", "--offline", "--verbose"],
      { cwd: dir },
    );
    expect(j.code, j.stderr).to.equal(0);
    // plan --verbose lists every action of every track under its wave.
    expect(j.stdout).to.match(/^\s+node2\s+drain mariadb\/node2 on node1, node2, node3$/m);
  });

  it("fails with exit 2 on a bad strategy or a missing scenario", async () => {
    const r = await runKroll(["plan", "scenarios/lab.yaml", "--offline", "--strategy", "yolo"], {
      cwd: dir,
    });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/--strategy: expected "rolling" or "kolla-ansible", got "yolo"/);
    const u = await runKroll(["upgrade"], { cwd: dir });
    expect(u.code).to.equal(2);
    expect(u.stderr).to.match(/a SCENARIO or --resume RUN_DIR/);
    const n = await runKroll(["upgrade", "--resume", "nowhere"], { cwd: dir });
    expect(n.code).to.equal(2);
    expect(n.stderr).to.match(/nowhere is not an upgrade run directory/);
  });

  it("kroll run: exit 2 on a bad strategy or scenario, before touching anything", async () => {
    const r = await runKroll(["run", "scenarios/lab.yaml", "--strategy", "yolo"], { cwd: dir });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/--strategy: expected "rolling" or "kolla-ansible", got "yolo"/);
    expect(r.stderr).to.not.match(/\n\s+at /);
    const m = await runKroll(["run", "nowhere.yaml"], { cwd: dir });
    expect(m.code).to.equal(2);
    expect(m.stderr).to.match(/nowhere\.yaml/);
  });

  it("kroll history: past runs and OpenShift's allowed disruption from 5 passing runs", async () => {
    const runs = mkdtempSync(join(tmpdir(), "kroll-history-"));
    const put = (name: string, disruption: number, verdict: string, strategy = "rolling"): void => {
      mkdirSync(join(runs, name));
      writeFileSync(
        join(runs, name, "summary.json"),
        JSON.stringify({
          scenario: "lab",
          strategy,
          startedAt: Date.parse("2026-11-01T00:00:00Z") + name.length * 1000,
          endedAt: Date.parse("2026-11-01T00:10:00Z"),
          verdict,
          load: { requests: 1000, failed: 0 },
          disruption: [{ via: "vip", unavailableMs: disruption }],
        }),
      );
    };
    put("a", 0, "pass");
    put("bb", 100, "pass");
    put("ccc", 300, "pass");
    put("dddd", 200, "pass");
    const few = await runKroll(["history", "--dir", runs]);
    expect(few.code, few.stderr).to.equal(0);
    expect(few.stdout).to.match(
      /lab \(rolling\): 4 passing run\(s\); the allowed disruption is derived from 5/,
    );
    put("eeeee", 2_000, "pass");
    put("ffffff", 90_000, "fail");
    put("g", 50_000, "fail", "kolla-ansible");
    writeFileSync(join(runs, "not-a-run.txt"), "x");
    const h = await runKroll(["history", "--dir", runs, "--json"]);
    expect(h.code, h.stderr).to.equal(0);
    const out = JSON.parse(h.stdout) as {
      entries: unknown[];
      bounds: { strategy: string; allowed?: { allowedMs: number; p99Ms: number; runs: number } }[];
    };
    expect(out.entries).to.have.length(7);
    // The failing run is not history to learn from: P99 of 0, 100, 200, 300, 2000 is 2000.
    expect(out.bounds.find((b) => b.strategy === "rolling")?.allowed).to.deep.equal({
      allowedMs: 7_000,
      p99Ms: 2_000,
      runs: 5,
    });
    expect(out.bounds.find((b) => b.strategy === "kolla-ansible")?.allowed).to.equal(undefined);
    rmSync(runs, { recursive: true, force: true });
  });
});
