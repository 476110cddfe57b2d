/**
 * EFFECT. The embedded lab on the local Docker engine: a network, a registry (Debian's
 * docker-registry) and N nodes that each run sshd and their own Docker engine. Everything it
 * creates carries the label org.openstack.kroll.lab=<scenario name>, so `down` removes exactly
 * what the lab made and nothing else. `up` is idempotent: what already matches is kept.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join, relative } from "node:path";
import { parseDocument } from "yaml";
import { applySettings } from "../scenario/settings.js";
import { generateEd25519 } from "../cluster/ssh/keygen.js";
import type { Clock } from "../core/clock.js";
import { ConfigError, EnvironmentError } from "../core/errors.js";
import { pollUntil } from "../core/poll.js";
import type { Logger } from "../core/logger.js";
import type { LoadedScenario } from "../scenario/read.js";
import type { DockerCli } from "./docker-cli.js";
import { httpRequest, okJson } from "../cluster/http-client.js";
import { ensureEngine } from "./engine.js";
import { aptMirror, labSuites } from "./mirror.js";
import { buildLabImages, pushLabImages, VERSIONS_LABEL } from "./images.js";
import type { BuildReport } from "./images.js";
import type { Progress } from "./progress.js";
import {
  IMAGE_LABEL,
  LAB_LABEL,
  NODE_IMAGE,
  NODE_REGISTRY_NAME,
  REGISTRY_IMAGE,
} from "./recipes.js";

/**
 * What a node container needs to run its own Docker engine: every capability but
 * SYS_RESOURCE (which this kind of machine cannot grant, so `--privileged` fails here), no
 * seccomp or AppArmor profile, every device, the cgroup tree writable, /run a tmpfs.
 */
export const NODE_PRIVILEGES: readonly string[] = [
  "--cap-add",
  "ALL",
  "--cap-drop",
  "SYS_RESOURCE",
  "--security-opt",
  "seccomp=unconfined",
  "--security-opt",
  "apparmor=unconfined",
  "--security-opt",
  "systempaths=unconfined",
  "--device-cgroup-rule",
  "a *:* rwm",
  "-v",
  "/sys/fs/cgroup:/sys/fs/cgroup:rw",
  "--tmpfs",
  "/run",
];
export const CONFIG_LABEL = "org.openstack.kroll.lab-config";

export interface LabDeps {
  readonly cli: DockerCli;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly progress: Progress;
  /** kroll's installation directory (lab/images lives there). */
  readonly home: string;
}

export interface LabLayout {
  readonly name: string;
  readonly prefix: string;
  readonly network: string;
  readonly subnet: string;
  readonly gateway: string;
  readonly registryAddress: string;
  readonly registryContainer: string;
  readonly nodes: readonly { name: string; address: string; container: string; volume: string }[];
  readonly stateDir: string;
  /**
   * Where `kroll lab up` writes this scenario for the lab's nodes: `scenario.yaml` for the
   * lab's own, `<scenario>.yaml` beside it for another scenario on the same lab.
   */
  readonly scenarioFile: string;
}

export interface LabPaths {
  readonly stateDir: string;
  readonly sshKey: string;
  readonly sshPub: string;
  readonly knownHosts: string;
  readonly registryDir: string;
  readonly scenario: string;
  readonly kollaDir: string;
}

export function labPaths(stateDir: string): LabPaths {
  return {
    stateDir,
    sshKey: join(stateDir, "ssh", "id_ed25519"),
    sshPub: join(stateDir, "ssh", "id_ed25519.pub"),
    knownHosts: join(stateDir, "ssh", "known_hosts"),
    registryDir: join(stateDir, "registry"),
    scenario: join(stateDir, "scenario.yaml"),
    kollaDir: join(stateDir, "kolla"),
  };
}

const ipAt = (subnet: string, host: number): string => {
  const base = (subnet.split("/")[0] ?? "").split(".").map(Number);
  return [base[0], base[1], base[2], (base[3] ?? 0) + host].join(".");
};

export const MAX_NODES = 8;

/** PURE. Names and addresses of a lab of `count` nodes from its scenario. */
export function labLayout(loaded: LoadedScenario, count: number): LabLayout {
  const s = loaded.scenario;
  const lab = s.cluster.lab;
  if (!lab) {
    throw new ConfigError([
      {
        file: loaded.file,
        line: 0,
        column: 0,
        path: "cluster.lab",
        message: "not a lab scenario: cluster.lab (subnet, state_dir) is missing",
      },
    ]);
  }
  const name = lab.name ?? s.name;
  const prefix = `kroll-${name}`;
  return {
    name,
    prefix,
    network: prefix,
    subnet: lab.subnet,
    gateway: ipAt(lab.subnet, 1),
    registryAddress: ipAt(lab.subnet, 2),
    registryContainer: `${prefix}-registry`,
    nodes: Array.from({ length: count }, (_, i) => ({
      name: `node${i + 1}`,
      address: ipAt(lab.subnet, 11 + i),
      container: `${prefix}-node${i + 1}`,
      volume: `${prefix}-node${i + 1}-docker`,
    })),
    stateDir: lab.state_dir,
    scenarioFile: join(lab.state_dir, name === s.name ? "scenario.yaml" : `${s.name}.yaml`),
  };
}

const configHash = (args: readonly string[]): string =>
  createHash("sha256").update(args.join("\0")).digest("hex").slice(0, 16);

interface ContainerState {
  readonly running: boolean;
  readonly image: string;
  readonly config: string;
}

async function containerState(cli: DockerCli, name: string): Promise<ContainerState | undefined> {
  const r = await cli.run(
    [
      "container",
      "inspect",
      "--format",
      `{{.State.Running}}|{{.Image}}|{{index .Config.Labels "${CONFIG_LABEL}"}}`,
      name,
    ],
    { timeoutMs: 20_000 },
  );
  if (r.code !== 0) return undefined;
  const [running = "", image = "", config = ""] = r.stdout.trim().split("|");
  return { running: running === "true", image, config };
}

async function imageId(cli: DockerCli, ref: string): Promise<string> {
  return (
    await cli.ok(["image", "inspect", "--format", "{{.Id}}", ref], { timeoutMs: 20_000 })
  ).trim();
}

/** Runs a container from `runArgs` unless one with the same image and arguments exists; starts it if stopped. */
async function ensureContainer(
  deps: LabDeps,
  name: string,
  image: string,
  runArgs: readonly string[],
): Promise<"kept" | "started" | "created"> {
  const { cli } = deps;
  const wantImage = await imageId(cli, image);
  const config = configHash([image, wantImage, ...runArgs]);
  const have = await containerState(cli, name);
  if (have && have.image === wantImage && have.config === config) {
    if (have.running) return "kept";
    await cli.ok(["start", name], { timeoutMs: 60_000 });
    return "started";
  }
  if (have) await cli.ok(["rm", "-f", name], { timeoutMs: 60_000 });
  await cli.ok(
    ["run", "-d", "--name", name, "--label", `${CONFIG_LABEL}=${config}`, ...runArgs, image],
    { timeoutMs: 120_000, what: `starting ${name}` },
  );
  return "created";
}

function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port, timeout: 1_000 });
    sock.once("connect", () => (sock.destroy(), resolve(true)));
    sock.once("error", () => resolve(false));
    sock.once("timeout", () => (sock.destroy(), resolve(false)));
  });
}

function ensureKeyPair(paths: LabPaths, name: string): string {
  mkdirSync(join(paths.stateDir, "ssh"), { recursive: true, mode: 0o700 });
  if (!existsSync(paths.sshKey) || !existsSync(paths.sshPub)) {
    const pair = generateEd25519(`kroll-${name}`);
    writeFileSync(paths.sshKey, pair.privateKey, { mode: 0o600 });
    writeFileSync(paths.sshPub, `${pair.publicKey}\n`, { mode: 0o600 });
  }
  return readFileSync(paths.sshPub, "utf8").trim();
}

export interface LabUpReport {
  readonly layout: LabLayout;
  readonly paths: LabPaths;
  readonly images: BuildReport;
  readonly pushed: readonly string[];
  readonly nodes: { name: string; address: string; action: string; engine: string }[];
  readonly registry: string;
  readonly engineStarted: boolean;
}

export async function labUp(
  deps: LabDeps,
  loaded: LoadedScenario,
  count: number,
): Promise<LabUpReport> {
  const { cli, logger } = deps;
  const layout = labLayout(loaded, count);
  const paths = labPaths(layout.stateDir);
  const label = `${LAB_LABEL}=${layout.name}`;
  logger.debug("lab up: checking the Docker engine");
  const engine = await ensureEngine(cli, logger, deps.clock);
  logger.debug("lab up: SSH key pair and network");
  const pub = ensureKeyPair(paths, layout.name);

  // Network.
  const net = await cli.run(
    ["network", "inspect", "--format", "{{range .IPAM.Config}}{{.Subnet}}{{end}}", layout.network],
    { timeoutMs: 20_000 },
  );
  if (net.code !== 0) {
    await cli.ok(
      [
        "network",
        "create",
        "--driver",
        "bridge",
        "--subnet",
        layout.subnet,
        "--gateway",
        layout.gateway,
        "--label",
        label,
        layout.network,
      ],
      {
        timeoutMs: 60_000,
        what: `creating network ${layout.network} (${layout.subnet}); if the subnet overlaps another network, change cluster.lab.subnet`,
      },
    );
  } else if (net.stdout.trim() !== layout.subnet) {
    throw new EnvironmentError(
      `network ${layout.network} exists with subnet ${net.stdout.trim()}, not ${layout.subnet}; run \`kroll lab down\` first`,
    );
  }

  logger.debug("lab up: images");
  // Images, then the registry, then the pushes.
  const imagesDir = join(deps.home, "lab", "images");
  const lab = loaded.scenario.cluster.lab;
  const images = await buildLabImages({
    cli,
    imagesDir,
    logger,
    clock: deps.clock,
    progress: deps.progress,
    mirror: aptMirror(lab),
    pins: lab?.versions ?? {},
    suites: labSuites(lab),
  });
  logger.debug("lab up: registry");
  mkdirSync(paths.registryDir, { recursive: true });
  const registry = await ensureContainer(deps, layout.registryContainer, REGISTRY_IMAGE, [
    "--restart",
    "unless-stopped",
    "--label",
    label,
    "--network",
    layout.network,
    "--ip",
    layout.registryAddress,
    "-p",
    "127.0.0.1:5000:5000",
    "-v",
    `${paths.registryDir}:/var/lib/docker-registry`,
  ]);
  await pollUntil(deps.clock, "the lab registry to answer on 127.0.0.1:5000", 30_000, async () => {
    return (
      (await httpRequest({ method: "GET", url: "http://127.0.0.1:5000/v2/", timeoutMs: 2_000 }))
        .status === 200
    );
  });
  logger.debug("lab up: pushing to the registry");
  const pushed = await pushLabImages(cli, images.plan, deps.progress);
  logger.debug("lab up: nodes");

  const nodes: LabUpReport["nodes"] = [];
  for (const n of layout.nodes) {
    const action = await ensureContainer(deps, n.container, NODE_IMAGE, [
      "--restart",
      "unless-stopped",
      "--hostname",
      n.name,
      "--label",
      label,
      ...NODE_PRIVILEGES,
      "--mount",
      `type=volume,source=${n.volume},target=/var/lib/docker,volume-label=${label}`,
      "--network",
      layout.network,
      "--ip",
      n.address,
      "--add-host",
      `${NODE_REGISTRY_NAME}:${layout.registryAddress}`,
      "-e",
      `KROLL_AUTHORIZED_KEY=${pub}`,
      "-e",
      `KROLL_REGISTRY=${NODE_REGISTRY_NAME}:5000`,
    ]);
    nodes.push({ name: n.name, address: n.address, action, engine: "" });
  }
  // Nodes beyond the requested count go.
  const extra = (
    await cli.ok(["ps", "-a", "--filter", `label=${label}`, "--format", "{{.Names}}"], {
      timeoutMs: 20_000,
    })
  )
    .split("\n")
    .filter((c) => /-node\d+$/.test(c) && !layout.nodes.some((n) => n.container === c));
  for (const c of extra) {
    await cli.ok(["rm", "-f", "-v", c], { timeoutMs: 60_000 });
    await cli.run(["volume", "rm", "-f", `${c}-docker`], { timeoutMs: 60_000 });
  }

  const known: string[] = [];
  for (const [i, n] of layout.nodes.entries()) {
    await pollUntil(deps.clock, `sshd on ${n.name} (${n.address}:22)`, 60_000, () =>
      tcpOpen(n.address, 22),
    );
    let version = "";
    await pollUntil(deps.clock, `the Docker engine inside ${n.name}`, 90_000, async () => {
      const r = await cli.run(
        ["exec", n.container, "docker", "version", "--format", "{{.Server.Version}}"],
        { timeoutMs: 15_000 },
      );
      version = r.stdout.trim();
      return r.code === 0 && version !== "";
    });
    const node = nodes[i];
    if (node) node.engine = version;
    const keys = await cli.ok(
      ["exec", n.container, "sh", "-c", "cat /etc/ssh/ssh_host_*_key.pub"],
      { timeoutMs: 15_000 },
    );
    for (const line of keys.split("\n").filter((l) => l.trim() !== "")) {
      const [type, key] = line.trim().split(/\s+/);
      known.push(`${n.address} ${type} ${key}`);
    }
  }
  writeFileSync(paths.knownHosts, `${known.join("\n")}\n`, { mode: 0o600 });
  writeLabScenario(loaded, layout, paths);
  return {
    layout,
    paths,
    images,
    pushed,
    nodes,
    registry,
    engineStarted: engine.started,
  };
}

/**
 * The lab's own scenario: the template with its nodes replaced by the lab's, and every path
 * relative to the state directory, so `kroll validate/inventory/deploy` work on it unchanged.
 */
export function writeLabScenario(loaded: LoadedScenario, layout: LabLayout, paths: LabPaths): void {
  const doc = parseDocument(
    readFileSync(join(loaded.dir, loaded.file.split("/").pop() ?? ""), "utf8"),
  );
  const rel = (abs: string): string => relative(paths.stateDir, abs) || ".";
  // `--set` values given with the template hold in the lab's scenario too.
  applySettings(doc, loaded.sets);
  doc.setIn(["cluster", "lab", "state_dir"], ".");
  doc.setIn(
    ["cluster", "nodes"],
    doc.createNode(
      layout.nodes.map((n) => ({
        name: n.name,
        address: n.address,
        ssh: { private_key: rel(paths.sshKey), known_hosts: rel(paths.knownHosts) },
        roles: ["control", "network", "compute", "monitoring", "storage"],
      })),
    ),
  );
  doc.setIn(["kolla", "config_dirs"], doc.createNode(loaded.scenario.kolla.config_dirs.map(rel)));
  doc.commentBefore = ` Written by \`kroll lab up\` from ${loaded.file}: the lab's ${layout.nodes.length} nodes. Edit the template, not this file.${loaded.sets.length > 0 ? `\n With --set ${loaded.sets.map((x) => x.text).join(" --set ")}` : ""}\n${doc.commentBefore ?? ""}`;
  writeFileSync(layout.scenarioFile, doc.toString({ lineWidth: 0 }));
}

/**
 * Empties the lab's nodes of what was deployed on them: every container and volume in each
 * node's engine, `/etc/kolla`, and any address on eth0 but the node's own (a VIP). The nodes,
 * their pulled images, the registry and the keys stay, so the next deploy starts from nothing
 * in seconds — the gate's efficacy cases each start this way (a case's schema migration must
 * not meet the next case). Everything in a node's engine is the lab's: kroll made the node.
 */
export async function labReset(
  deps: Pick<LabDeps, "cli">,
  layout: LabLayout,
): Promise<{ node: string; containers: number; volumes: number }[]> {
  const out: { node: string; containers: number; volumes: number }[] = [];
  for (const n of layout.nodes) {
    const st = await containerState(deps.cli, n.container);
    if (!st?.running) continue;
    const r = await deps.cli.ok(
      [
        "exec",
        n.container,
        "sh",
        "-c",
        [
          "set -e",
          'ids=$(docker ps -aq); echo "containers $(echo $ids | wc -w)"',
          '[ -z "$ids" ] || docker rm -f -v $ids >/dev/null',
          'vols=$(docker volume ls -q); echo "volumes $(echo $vols | wc -w)"',
          '[ -z "$vols" ] || docker volume rm -f $vols >/dev/null',
          "rm -rf /etc/kolla",
          "for a in $(ip -o -4 addr show dev eth0 | awk '{print $4}'); do",
          '  [ "${a%/*}" = "$1" ] || ip addr del "$a" dev eth0; done',
        ].join("\n"),
        "reset",
        n.address,
      ],
      { timeoutMs: 180_000, what: `emptying lab node ${n.name}` },
    );
    const count = (what: string): number =>
      Number(new RegExp(`^${what} (\\d+)$`, "m").exec(r)?.[1] ?? 0);
    out.push({ node: n.name, containers: count("containers"), volumes: count("volumes") });
  }
  return out;
}

export interface LabDownReport {
  readonly containers: number;
  readonly volumes: number;
  readonly networks: number;
  readonly images: number;
}

export async function labDown(
  deps: LabDeps,
  layout: LabLayout,
  keepImages: boolean,
): Promise<LabDownReport> {
  const { cli } = deps;
  const label = `${LAB_LABEL}=${layout.name}`;
  const list = async (args: string[]): Promise<string[]> =>
    (await cli.ok(args, { timeoutMs: 30_000 }))
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "");
  const containers = await list([
    "ps",
    "-a",
    "--filter",
    `label=${label}`,
    "--format",
    "{{.Names}}",
  ]);
  if (containers.length > 0)
    await cli.ok(["rm", "-f", "-v", ...containers], { timeoutMs: 120_000 });
  const volumes = await list([
    "volume",
    "ls",
    "--filter",
    `label=${label}`,
    "--format",
    "{{.Name}}",
  ]);
  if (volumes.length > 0) await cli.ok(["volume", "rm", "-f", ...volumes], { timeoutMs: 120_000 });
  const networks = await list([
    "network",
    "ls",
    "--filter",
    `label=${label}`,
    "--format",
    "{{.Name}}",
  ]);
  if (networks.length > 0) await cli.ok(["network", "rm", ...networks], { timeoutMs: 60_000 });
  let images = 0;
  if (!keepImages) {
    const ids = [
      ...new Set(
        await list(["images", "--filter", `label=${IMAGE_LABEL}=true`, "--format", "{{.ID}}"]),
      ),
    ];
    if (ids.length > 0) await cli.run(["rmi", "-f", ...ids], { timeoutMs: 300_000 });
    images = ids.length;
    rmSync(labPaths(layout.stateDir).registryDir, { recursive: true, force: true });
  }
  return {
    containers: containers.length,
    volumes: volumes.length,
    networks: networks.length,
    images,
  };
}

export interface LabStatus {
  readonly engine: string | undefined;
  readonly network: string | undefined;
  readonly registry: { state: string; repositories: string[] };
  readonly nodes: { name: string; address: string; state: string; engine: string }[];
  readonly images: { ref: string; size: string; created: string; versions: string }[];
}

export async function labStatus(deps: LabDeps, layout: LabLayout): Promise<LabStatus> {
  const { cli } = deps;
  const engineR = await cli
    .run(["version", "--format", "{{.Server.Version}}"], { timeoutMs: 10_000 })
    .catch(() => undefined);
  const engine = engineR?.code === 0 ? engineR.stdout.trim() : undefined;
  if (engine === undefined)
    return {
      engine,
      network: undefined,
      registry: { state: "no engine", repositories: [] },
      nodes: [],
      images: [],
    };
  const net = await cli.run(
    ["network", "inspect", "--format", "{{range .IPAM.Config}}{{.Subnet}}{{end}}", layout.network],
    { timeoutMs: 10_000 },
  );
  const state = async (name: string): Promise<string> => {
    const r = await cli.run(["container", "inspect", "--format", "{{.State.Status}}", name], {
      timeoutMs: 10_000,
    });
    return r.code === 0 ? r.stdout.trim() : "absent";
  };
  const catalog = await httpRequest({
    method: "GET",
    url: "http://127.0.0.1:5000/v2/_catalog",
    timeoutMs: 2_000,
  });
  const repositories = okJson<{ repositories: string[] }>(catalog)?.repositories ?? [];
  const nodes: LabStatus["nodes"] = [];
  for (const n of layout.nodes) {
    const st = await state(n.container);
    let ver = "";
    if (st === "running") {
      const r = await cli.run(
        ["exec", n.container, "docker", "version", "--format", "{{.Server.Version}}"],
        { timeoutMs: 10_000 },
      );
      ver = r.code === 0 ? r.stdout.trim() : "not answering";
    }
    nodes.push({ name: n.name, address: n.address, state: st, engine: ver });
  }
  const images = (
    await cli.ok(
      [
        "images",
        "--filter",
        `label=${IMAGE_LABEL}=true`,
        "--format",
        "{{.Repository}}:{{.Tag}}|{{.Size}}|{{.CreatedSince}}",
      ],
      { timeoutMs: 20_000 },
    )
  )
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const [ref = "", size = "", created = ""] = l.split("|");
      return { ref, size, created, versions: "" };
    })
    // A rebuilt image's old self keeps its repository but no tag: it has no name to inspect.
    .filter((i) => !i.ref.endsWith(":<none>"))
    .sort((a, b) => (a.ref < b.ref ? -1 : 1));
  // Each service image's version and suite, as resolved when it was built.
  if (images.length > 0) {
    const labels = await cli.run(
      [
        "image",
        "inspect",
        "--format",
        `{{index .Config.Labels "${VERSIONS_LABEL}"}}`,
        ...images.map((i) => i.ref),
      ],
      { timeoutMs: 20_000 },
    );
    if (labels.code === 0)
      labels.stdout
        .split("\n")
        .slice(0, images.length)
        .forEach((v, i) => {
          const img = images[i];
          if (img) img.versions = v.trim() === "<no value>" ? "" : v.trim();
        });
  }
  return {
    engine,
    network: net.code === 0 ? net.stdout.trim() : undefined,
    registry: { state: await state(layout.registryContainer), repositories },
    nodes,
    images,
  };
}
