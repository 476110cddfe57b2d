/**
 * The command table. Each command's module is imported only when it runs, so `kroll --help`
 * and `kroll validate` start fast and never load ssh2 or dockerode.
 */
import type { ParseArgsConfig } from "node:util";
import type { CommandContext } from "./context.js";

export type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CommandModule {
  run(ctx: CommandContext<OptionValues>): Promise<number>;
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /** Longer help: what the command does, its options, an example. */
  readonly help: string;
  readonly options: OptionsConfig;
  readonly positionals: { readonly min: number; readonly max: number };
  readonly load: () => Promise<CommandModule>;
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "validate",
    summary: "check a scenario file and report every problem at once",
    usage: "kroll validate SCENARIO [--json]",
    help: [
      "Parses SCENARIO, checks its shape and the rules across fields (roles that leave a group",
      "empty, a VIP equal to a node address, a service whose dependencies are off, a checkpoint",
      "naming no step, ...) and prints every problem as file:line:column: field: message.",
      "",
      "Options:",
      "  --json    print the result as JSON on stdout",
      "",
      "Exit: 0 valid (warnings may be printed), 2 invalid.",
    ].join("\n"),
    options: { json: { type: "boolean" } },
    positionals: { min: 1, max: 1 },
    load: () => import("./commands/validate.js"),
  },
  {
    name: "inventory",
    summary: "generate kolla-ansible inputs: multinode, globals.yml, passwords.yml, config/",
    usage:
      "kroll inventory SCENARIO -o DIR [--phase stable|target] [--explain COMPONENT:SECTION.OPTION --host NODE]",
    help: [
      "Writes the kolla-ansible inputs of SCENARIO's multinode deployment into DIR:",
      "  multinode       the inventory, with the exact group layout of the scenario's release",
      "  globals.yml     kolla settings derived from the scenario",
      "  passwords.yml   every key of the release, generated once and kept on re-runs (mode 0600)",
      "  config/         the /etc/kolla/config override tree (kolla-overrides/ + the scenario's)",
      "Output is deterministic (passwords aside) and each file is replaced atomically.",
      "",
      "Options:",
      "  -o, --out DIR       output directory (required unless --explain)",
      "  --phase PHASE       stable (default): the tags to deploy; target: the tags after the upgrade",
      "  --explain SPEC      which override file sets an option for a component on a host,",
      "                      e.g. --explain ironic-conductor:DEFAULT.debug --host node1",
      "  --host NODE         the host for --explain (default: the first node running it)",
      "",
      "Example: kroll inventory scenarios/lab.yaml -o inventories/lab/kolla",
    ].join("\n"),
    options: {
      out: { type: "string", short: "o" },
      phase: { type: "string" },
      explain: { type: "string" },
      host: { type: "string" },
    },
    positionals: { min: 1, max: 1 },
    load: () => import("./commands/inventory.js"),
  },
  {
    name: "lab",
    summary:
      "the embedded lab on the local Docker engine: up, down, status, smoke, engine, versions",
    usage:
      "kroll lab up|down|status|smoke|engine|versions [SCENARIO] [--nodes N] [--keep-images] [--json]",
    help: [
      "Builds and runs kroll's lab on this machine's Docker engine: a registry (Debian's",
      "docker-registry) and N nodes that each run sshd and their own Docker engine, with kolla",
      "images of real OpenStack services built from Debian packages in two tags (stable,",
      "proposed). SCENARIO is a lab scenario (cluster.lab set); default scenarios/lab.yaml.",
      "",
      "  up       build what is missing (unchanged recipes are never rebuilt), start the registry",
      "           and nodes, write <state_dir>/scenario.yaml and <state_dir>/kolla/",
      "  down     remove every container, network and volume the lab made (by label), and its",
      "           images unless --keep-images",
      "  status   nodes, addresses, engine versions, registry, image tags",
      "  smoke    run MariaDB, RabbitMQ, Ironic and Heat from the stable images on the nodes and",
      "           drive a fake-hardware node to active and a stack to CREATE_COMPLETE",
      "  engine   make sure a Docker engine answers (installs docker.io and starts dockerd as root)",
      "  versions the Debian versions the images get, resolved from the archive today (stable:",
      "           bookworm's release pool; proposed: the newest of bookworm, bookworm-updates and",
      "           bookworm-security), without building anything; exit 3 naming a package the",
      "           archive lacks. cluster.lab.versions pins exact versions; cluster.lab.apt_mirror",
      "           or KROLL_APT_MIRROR (and KROLL_APT_SECURITY_MIRROR) choose the mirror",
      "",
      "Options:",
      "  --nodes N         number of nodes for up (1 to 8; default: the scenario's)",
      "  --keep-images     down: keep the built images for a fast next up",
      "  --json            status, versions: JSON on stdout",
    ].join("\n"),
    options: {
      nodes: { type: "string" },
      "keep-images": { type: "boolean" },
      json: { type: "boolean" },
    },
    positionals: { min: 1, max: 2 },
    load: () => import("./commands/lab.js"),
  },
  {
    name: "deploy",
    summary: "deploy the stable images on every node, as kolla-ansible lays them out",
    usage: "kroll deploy SCENARIO [--accept-new-host-keys] [--kolla-dir DIR]",
    help: [
      "Writes the scenario's kolla inputs (keeping its passwords), then over one SSH connection",
      "per node: pulls the stable images in parallel, renders /etc/kolla/<component>/ on each",
      "node, runs each service's bootstrap one-shot once, and creates the containers with",
      "kolla's names, host networking, healthchecks and labels; MariaDB as a Galera cluster",
      "behind HAProxy on the VIP. A second deploy changes nothing and says so.",
      "",
      "Options:",
      "  --accept-new-host-keys  trust hosts not yet in known_hosts (never a changed key)",
      "  --kolla-dir DIR         where the kolla inputs live (default: the lab's state dir, or",
      "                          inventories/<scenario name>/kolla)",
      "",
      "Exit: 0 deployed, 2 bad scenario, 3 a node, its SSH or Docker failed (named).",
    ].join("\n"),
    options: { "accept-new-host-keys": { type: "boolean" }, "kolla-dir": { type: "string" } },
    positionals: { min: 1, max: 1 },
    load: () => import("./commands/deploy.js"),
  },
  {
    name: "plan",
    summary: "print every wave of the upgrade, as `kroll upgrade` would run it",
    usage:
      "kroll plan SCENARIO [--offline] [--strategy rolling|kolla-ansible] [--json] [--verbose]",
    help: [
      "Observes the cluster (read-only) and prints the waves the upgrade would run from its",
      "current state: the same planner and the same actions as `kroll upgrade`, played against",
      "a model in which every action succeeds. It writes nothing: the kolla inputs are read",
      "(their passwords) and generated in memory.",
      "",
      "Options:",
      "  --offline               do not connect: assume every container runs its stable image",
      "  --strategy S            rolling (kroll's recipes) or kolla-ansible (the baseline)",
      "  --verbose               every action of every wave",
      "  --json                  the plan as JSON on stdout",
      "  --kolla-dir DIR         where the kolla inputs live (as for deploy)",
      "  --accept-new-host-keys  trust hosts not yet in known_hosts",
    ].join("\n"),
    options: {
      offline: { type: "boolean" },
      strategy: { type: "string" },
      verbose: { type: "boolean", short: "v" },
      json: { type: "boolean" },
      "kolla-dir": { type: "string" },
      "accept-new-host-keys": { type: "boolean" },
    },
    positionals: { min: 1, max: 1 },
    load: () => import("./commands/plan.js"),
  },
  {
    name: "run",
    summary: "the gate job: deploy stable, keep resources, upgrade under load, verify, verdict",
    usage:
      "kroll run SCENARIO [--strategy rolling|kolla-ansible] [--run-dir DIR] [--json] [--accept-new-host-keys]",
    help: [
      "One command for a gate job or a rehearsal: (lab scenario: the lab is brought up first)",
      "deploy the stable images → create resources that must survive (Ironic nodes in active,",
      "Heat stacks in CREATE_COMPLETE) → start the load and the watchers → rolling upgrade (an",
      "SLO breach stops it and rolls the node back) → drain the load, follow every accepted",
      "operation to its end → check the resources (there, same state and data, still usable)",
      "and every container (target image, healthy) → verdict.",
      "",
      "Reports in the run directory: summary.json, events.jsonl (the timeline), junit.xml (a",
      "testcase per upgrade step, SLO and resource check) and report.html (one self-contained",
      "page). Each run's summary stays under report.dir for `kroll history`.",
      "",
      "Options:",
      "  --strategy S            rolling (default: the scenario's) or kolla-ansible (baseline)",
      "  --run-dir DIR           where the reports go (default: <report.dir>/<name>-<strategy>-<time>)",
      "  --json                  print the verdict and checks as JSON",
      "  --kolla-dir DIR         where the kolla inputs live (as for deploy)",
      "  --accept-new-host-keys  trust hosts not yet in known_hosts",
      "",
      "Exit: 0 pass, 1 fail (the report says which step, node and container), 2 bad input,",
      "3 environment (Docker, SSH, registry unreachable).",
      "",
      "Example: kroll run scenarios/lab.yaml",
    ].join("\n"),
    options: {
      strategy: { type: "string" },
      "run-dir": { type: "string" },
      json: { type: "boolean" },
      "kolla-dir": { type: "string" },
      "accept-new-host-keys": { type: "boolean" },
    },
    positionals: { min: 1, max: 1 },
    load: () => import("./commands/run.js"),
  },
  {
    name: "history",
    summary: "past runs per scenario, and the disruption they allow (OpenShift's rule)",
    usage: "kroll history [SCENARIO] [--dir DIR] [--json]",
    help: [
      "Reads the summary.json of every run under DIR (default: the scenario's report.dir, else",
      "runs/) and lists them per scenario and strategy, with the allowed disruption derived from",
      "the passing ones once there are at least 5: max(P99 + 5 s, P99 × 1.2) of each run's worst",
      "disruption through the VIP. A scenario uses it with slo.disruption_from_history: true.",
      "",
      "Options:",
      "  --dir DIR   the runs directory",
      "  --json      print the entries and the derived bounds as JSON",
    ].join("\n"),
    options: { dir: { type: "string" }, json: { type: "boolean" } },
    positionals: { min: 0, max: 1 },
    load: () => import("./commands/history.js"),
  },
  {
    name: "upgrade",
    summary: "upgrade a deployed cluster to the target images, node by node, by recipe",
    usage:
      "kroll upgrade SCENARIO [--load] [--strategy rolling|kolla-ansible] [--run-dir DIR] | kroll upgrade --resume RUN_DIR",
    help: [
      "Takes the cluster from the stable to the target tag wave by wave: observe, plan the next",
      "wave (each service's documented recipe, max-unavailable per group), act, verify, observe",
      "again. API nodes are drained on every loadbalancer before their container is replaced and",
      "made ready once the new one is healthy; the old container is kept aside until then and",
      "put back if the new one fails. Every action is journaled in RUN_DIR/journal.jsonl.",
      "SIGINT/SIGTERM finish or undo the current step, leave nothing drained, and exit 130.",
      "",
      "Options:",
      "  --load                  run the scenario's load and pollers through the upgrade; an SLO",
      "                          breach stops it (slo.on_breach) and failures are tied to steps",
      "  --strategy S            rolling (default: the scenario's) or kolla-ansible: every",
      "                          host of a service at once, no drain, no health wait (baseline)",
      "  --run-dir DIR           where the journal goes (default: <report.dir>/<name>-upgrade-<time>)",
      "  --resume RUN_DIR        continue an interrupted or failed run from the cluster's state",
      "  --kolla-dir DIR         where the kolla inputs live (as for deploy)",
      "  --accept-new-host-keys  trust hosts not yet in known_hosts",
      "",
      "Exit: 0 upgraded, 1 failed (rolled back) or interrupted, 2 bad input, 3 environment.",
    ].join("\n"),
    options: {
      load: { type: "boolean" },
      strategy: { type: "string" },
      resume: { type: "string" },
      "run-dir": { type: "string" },
      "kolla-dir": { type: "string" },
      "accept-new-host-keys": { type: "boolean" },
    },
    positionals: { min: 0, max: 1 },
    load: () => import("./commands/upgrade.js"),
  },
  {
    name: "load",
    summary: "run the scenario's load and disruption pollers alone, then summarise",
    usage: "kroll load SCENARIO [--duration 60s] [--json] [--accept-new-host-keys]",
    help: [
      "Against a deployed cluster: the scenario's load profiles through the VIP (open loop, every",
      "accepted operation followed to its goal) and the disruption pollers (each API through the",
      "VIP and at each backend, new and reused connections, every probe_interval), for DURATION;",
      "then per-route latency, operations done/failed/stuck, unavailability per backend, and the",
      "SLO verdict. Watchers on every node record Docker events (die, kill, oom, health), log",
      "lines with tracebacks, ERROR or RPC/versioning errors, and HAProxy server state changes.",
      "Useful to rehearse and to tune rates before an upgrade.",
      "",
      "Options:",
      "  --duration D  how long the load runs (default 60s; bounded by load.max_duration)",
      "  --json        the summary as JSON on stdout",
      "",
      "Exit: 0 within the SLOs, 1 an SLO breached, 2 bad input.",
    ].join("\n"),
    options: {
      duration: { type: "string" },
      json: { type: "boolean" },
      "accept-new-host-keys": { type: "boolean" },
    },
    positionals: { min: 1, max: 1 },
    load: () => import("./commands/load.js"),
  },
  {
    name: "status",
    summary: "node × container table: image tag, state, health, restarts",
    usage: "kroll status SCENARIO [--json] [--accept-new-host-keys]",
    help: [
      "Lists the scenario's containers on every node (by label) with their image tag, state,",
      "Docker health and restart count.",
      "",
      "Options:",
      "  --json                  JSON on stdout",
      "  --accept-new-host-keys  trust hosts not yet in known_hosts",
    ].join("\n"),
    options: { json: { type: "boolean" }, "accept-new-host-keys": { type: "boolean" } },
    positionals: { min: 1, max: 1 },
    load: () => import("./commands/status.js"),
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}
