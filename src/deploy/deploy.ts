/**
 * EFFECT. `kroll deploy`: takes nodes from bare to the rendered plan, the way kolla-ansible
 * would lay it out, in kolla's site order (the loadbalancer first, the database and the broker
 * before the services that use them): images pulled on every node in parallel first; each service's bootstrap one-shot
 * (db sync) run once from its image; containers created, replaced when their rendered config
 * or image changed, left alone otherwise, so a second deploy changes nothing and says so.
 * A pack may bring its containers up its own way (`bringUp`: Galera's new cluster from its first
 * member) and the database pack creates the services' databases.
 */
import { waitHealthy } from "../cluster/wait-healthy.js";
import PQueue from "p-queue";
import type { Cluster } from "../cluster/connect.js";
import type { ContainerState, DockerApi, NodeShell } from "../cluster/ports.js";
import { runOneShot } from "../cluster/one-shot.js";
import type { Clock } from "../core/clock.js";
import { InterruptedError, RunFailedError, UsageError } from "../core/errors.js";
import { pollUntil } from "../core/poll.js";
import type { Logger } from "../core/logger.js";
import { vipPrefix } from "../scenario/derived.js";
import type { Scenario } from "../scenario/schema.js";
import { packOf, packWithRole } from "../services/catalogue.js";
import type { BringUpKit, DeployUnit, MemberWait } from "../services/types.js";
import { LABELS } from "./render.js";
import type { ContainerUnit, DeployPlan, ServicePlan } from "./render.js";

/** adopted: a container kroll did not create, taken over by --adopt and left as it is. */
export type UnitAction = "created" | "replaced" | "started" | "unchanged" | "adopted";

export interface DeployDeps {
  readonly cluster: Cluster;
  readonly dockers: ReadonlyMap<string, DockerApi>;
  readonly logger: Logger;
  readonly clock: Clock;
  /** How many nodes pull images at the same time (default 4). */
  readonly parallelNodes?: number;
  /**
   * Containers kroll did not create (no scenario label) are taken over as they are: never
   * replaced, restarted or given kroll's config. Without it they refuse the deploy.
   */
  readonly adopt?: boolean;
  /**
   * A stop request: the deploy stops before the next service or container (never between a
   * container's removal and its successor's start) and says what it left undeployed.
   */
  readonly stop?: AbortSignal;
}

export interface DeployReport {
  readonly units: { node: string; container: string; image: string; action: UnitAction }[];
  readonly pulled: { node: string; image: string }[];
  readonly changed: boolean;
  /** The loadbalancer host holding the VIP (kroll adds it when no VRRP daemon holds it). */
  readonly vipHolder: string | undefined;
}

/** kolla-ansible's compare_container, in short: same rendered config, same image (by ID). */
function decide(
  have: ContainerState | undefined,
  u: ContainerUnit,
  imageId: string | undefined,
): UnitAction {
  if (!have) return "created";
  if (have.labels[LABELS.scenario] === undefined) return "adopted";
  if (
    have.labels[LABELS.config] !== u.configHash ||
    have.image !== u.image ||
    (imageId !== undefined && have.imageId !== imageId)
  )
    return "replaced";
  return have.status === "running" ? "unchanged" : "started";
}

async function writeFiles(shell: NodeShell, u: ContainerUnit): Promise<void> {
  await shell.run(["mkdir", "-p", "-m", "0750", u.configDir], { timeoutMs: 30_000 });
  for (const f of u.files)
    await shell.putFile(`${u.configDir}${f.name}`, f.content, { mode: f.mode, timeoutMs: 30_000 });
}

export async function deploy(
  deps: DeployDeps,
  plan: DeployPlan,
  s: Scenario,
): Promise<DeployReport> {
  const { cluster, dockers, logger, clock } = deps;
  const docker = (node: string): DockerApi => {
    const d = dockers.get(node);
    if (!d) throw new RunFailedError(`no Docker connection to ${node}`);
    return d;
  };
  const units = plan.services.flatMap((sp) => sp.units);

  // Images first, on every node at once. A pull of an image the node already has is a cheap
  // manifest check, and it catches a tag that now points at another image.
  const pulled: DeployReport["pulled"] = [];
  const byNode = new Map<string, Set<string>>();
  for (const u of units) byNode.set(u.node, (byNode.get(u.node) ?? new Set()).add(u.image));
  const imageIds = new Map<string, string | undefined>();
  // At most `parallelNodes` nodes pull at once (each node pulls its images one after another).
  const queue = new PQueue({ concurrency: deps.parallelNodes ?? 4 });
  await queue.addAll(
    [...byNode].map(([node, images]) => async () => {
      for (const image of images) {
        const before = await docker(node).imageId(image);
        if (before === undefined) logger.info(`pulling ${image}`, { node });
        await docker(node).pull(image);
        const after = await docker(node).imageId(image);
        if (after !== before) pulled.push({ node, image });
        imageIds.set(`${node} ${image}`, after);
      }
    }),
  );
  const actions = new Map<ContainerUnit, UnitAction>();
  for (const u of units)
    actions.set(
      u,
      decide(await docker(u.node).inspect(u.container), u, imageIds.get(`${u.node} ${u.image}`)),
    );

  const foreign = units.filter((u) => actions.get(u) === "adopted");
  if (foreign.length > 0 && deps.adopt !== true)
    throw new UsageError(
      `refusing to deploy over containers kroll did not create: ${foreign
        .slice(0, 6)
        .map((u) => `${u.container}@${u.node}`)
        .join(
          ", ",
        )}${foreign.length > 6 ? `, … (${foreign.length})` : ""}; pass --adopt to take them over as they are (their config and passwords kept), or remove them`,
    );
  if (foreign.length > 0)
    logger.info(
      `adopted as they are: ${foreign.map((u) => `${u.container}@${u.node}`).join(", ")}`,
    );

  // The VIP: on the loadbalancer host that holds it when no VRRP daemon does.
  for (const lb of plan.loadbalancers) {
    await cluster
      .shell(lb)
      .run(["sysctl", "-qw", "net.ipv4.ip_nonlocal_bind=1"], { timeoutMs: 10_000 });
  }
  // An upgrade may have moved the VIP to another loadbalancer: leave it where it is.
  let holder = plan.vipHolder;
  if (holder !== undefined) {
    for (const lb of plan.loadbalancers) {
      const r = await cluster
        .shell(lb)
        .exec(["sh", "-c", 'ip -o addr show | grep -qw "$1"', "vip", plan.vip], {
          timeoutMs: 10_000,
        });
      if (r.exitCode === 0) {
        holder = lb;
        break;
      }
    }
  }
  if (holder !== undefined) {
    const iface =
      s.cluster.nodes.find((n) => n.name === holder)?.interfaces?.network ?? s.network.interface;
    const prefix = vipPrefix(s);
    await cluster
      .shell(holder)
      .run(
        [
          "sh",
          "-c",
          `ip -o addr show dev "$1" | grep -qw "$2" || ip addr add "$2/$3" dev "$1"`,
          "vip",
          iface,
          plan.vip,
          String(prefix),
        ],
        { timeoutMs: 10_000 },
      );
  }

  const report: DeployReport["units"] = [];
  const stopHere = (left: readonly ContainerUnit[]): void => {
    if (deps.stop?.aborted !== true) return;
    const done = report.filter((r) => r.action !== "unchanged" && r.action !== "adopted");
    throw new InterruptedError(
      `deploy stopped on request: ${done.length} container(s) deployed; not yet: ${left.map((u) => `${u.container}@${u.node}`).join(", ")}; \`kroll deploy\` again finishes it`,
    );
  };
  for (const [i, sp] of plan.services.entries()) {
    stopHere(
      plan.services.slice(i).flatMap((x) => x.units.filter((u) => actions.get(u) !== "unchanged")),
    );
    // A service with a container kroll did not create is the operator's: kroll writes none of
    // its files, starts none of its containers and runs none of its SQL or bootstrap.
    const adoptedHere = sp.units.some((u) => actions.get(u) === "adopted");
    const missing = adoptedHere ? sp.units.filter((u) => actions.get(u) === "created") : [];
    if (missing.length > 0)
      logger.warn(
        `${sp.service} is adopted: kroll leaves it as it is and does not create ${missing.map((u) => `${u.container}@${u.node}`).join(", ")}`,
        { service: sp.service },
      );
    const changed = adoptedHere ? [] : sp.units.filter((u) => actions.get(u) !== "unchanged");
    if (changed.length === 0) {
      for (const u of sp.units.filter((x) => !missing.includes(x)))
        report.push({
          node: u.node,
          container: u.container,
          image: u.image,
          action: adoptedHere ? "adopted" : (actions.get(u) ?? "unchanged"),
        });
      continue;
    }
    logger.info(
      `deploying ${sp.service}: ${changed.map((u) => `${u.container}@${u.node}`).join(", ")}`,
      { service: sp.service },
    );
    for (const u of changed) await writeFiles(cluster.shell(u.node), u);
    const pack = packOf(sp.service);
    if (pack.bringUp || pack.createDatabases) {
      const kit = bringUpKit(deps, sp, plan);
      const units: DeployUnit[] = sp.units.map((u) => ({
        node: u.node,
        address: u.address,
        container: u.container,
        action: actions.get(u) ?? "unchanged",
      }));
      if (pack.bringUp) await pack.bringUp(units, kit);
      else for (const u of units) if (u.action !== "unchanged") await kit.apply(u);
      if (pack.createDatabases && units[0])
        await pack.createDatabases(units[0], kit, plan.databases);
    } else {
      if (packOf(sp.service).database === true) {
        // kolla runs the bootstrap (db sync) once, from the first API host, with the new image.
        const api = sp.units.find((u) => u.component.endsWith("-api")) ?? sp.units[0];
        if (api) await oneShot(cluster.shell(api.node), api, "KOLLA_BOOTSTRAP", logger);
      }
      for (const [j, u] of changed.entries()) {
        stopHere([
          ...changed.slice(j),
          ...plan.services
            .slice(i + 1)
            .flatMap((x) => x.units.filter((v) => actions.get(v) !== "unchanged")),
        ]);
        await replace(docker(u.node), u, actions.get(u));
      }
    }
    await Promise.all(
      changed.map((u) =>
        waitHealthy({
          node: u.node,
          container: u.container,
          inspect: () => docker(u.node).inspect(u.container),
          logTail: () => lastLogLines(cluster.shell(u.node), u.container, 4),
          clock,
          timeoutMs: s.upgrade.healthy_timeout,
          pollMs: 1_000,
        }),
      ),
    );
    const member = pack.bringUp ? undefined : pack.member;
    if (member !== undefined)
      for (const u of sp.units)
        await waitMemberBack(deps, plan, member, u, sp.units.length, {
          what: `${sp.service} on ${u.node} ${member.what}`,
          timeoutMs: 120_000,
        });
    for (const u of sp.units)
      report.push({
        node: u.node,
        container: u.container,
        image: u.image,
        action: actions.get(u) ?? "unchanged",
      });
  }

  if (
    plan.loadbalancers.length > 0 &&
    report.some((u) => u.action !== "unchanged" && u.action !== "adopted")
  ) {
    const readServers = packWithRole("loadbalancer")?.pack.readServers;
    if (readServers)
      await waitFor(clock, "every loadbalancer backend server UP", 120_000, async () => {
        for (const lb of plan.loadbalancers) {
          const servers = await readServers(cluster.shell(lb), 20_000);
          if (servers.some((r) => !r.status.startsWith("UP"))) return false;
        }
        return true;
      });
  }
  return {
    units: report,
    pulled,
    changed: report.some((r) => r.action !== "unchanged" && r.action !== "adopted"),
    vipHolder: holder,
  };
}

async function replace(
  docker: DockerApi,
  u: ContainerUnit,
  action: UnitAction | undefined,
): Promise<void> {
  if (action === "replaced") {
    await docker.stop(u.container, u.spec.stopTimeoutS ?? 60);
    await docker.remove(u.container);
  }
  if (action === "created" || action === "replaced") await docker.create(u.spec);
  await docker.start(u.container);
}

async function oneShot(
  shell: NodeShell,
  u: ContainerUnit | undefined,
  mode: string,
  logger: Logger,
  /** Secret variables: named in argv, their values passed on stdin (withSecretEnv). */
  secretEnv: Record<string, string> = {},
  volumes: string[] = [],
): Promise<void> {
  if (!u) return;
  logger.info(`${mode} one-shot from ${u.image}`, { node: shell.node, service: u.service });
  await runOneShot(
    shell,
    {
      name: `${u.service}_${mode.toLowerCase()}`,
      image: u.image,
      options: [
        "--network",
        "host",
        "-e",
        `KOLLA_CONFIG_STRATEGY=COPY_ALWAYS`,
        "-e",
        `${mode}=`,
        "-v",
        `${u.configDir}:/var/lib/kolla/config_files/:ro`,
        "-v",
        "kolla_logs:/var/log/kolla/",
        "--label",
        `${LABELS.scenario}=${u.spec.labels[LABELS.scenario] ?? ""}`,
        ...Object.keys(secretEnv).flatMap((k) => ["-e", k]),
        ...volumes.flatMap((v) => ["-v", v]),
      ],
      secretEnv,
      what: `${mode} one-shot of ${u.service}`,
      timeoutMs: 600_000,
    },
    logger,
  );
}

/**
 * What the deploy lends a pack that brings its containers up its own way (`bringUp`) and the
 * database pack's `createDatabases`.
 */
function bringUpKit(deps: DeployDeps, sp: ServicePlan, plan: DeployPlan): BringUpKit {
  const { cluster, dockers, logger } = deps;
  const docker = (node: string): DockerApi => {
    const d = dockers.get(node);
    if (!d) throw new RunFailedError(`no Docker connection to ${node}`);
    return d;
  };
  const unitOf = (u: DeployUnit): ContainerUnit => {
    const c = sp.units.find((x) => x.node === u.node && x.container === u.container);
    if (!c) throw new RunFailedError(`${u.container}@${u.node} is not in the plan`);
    return c;
  };
  const member = packOf(sp.service).member;
  return {
    shell: (node) => cluster.shell(node),
    dbRootPassword: plan.secrets.dbRoot,
    oneShot: (u, mode, secretEnv = {}, binds = []) =>
      oneShot(cluster.shell(u.node), unitOf(u), mode, logger, { ...secretEnv }, [...binds]),
    async start(u, env = {}) {
      const c = unitOf(u);
      await docker(u.node).create({ ...c.spec, env: { ...c.spec.env, ...env } });
      await docker(u.node).start(u.container);
    },
    apply: (u) => replace(docker(u.node), unitOf(u), u.action),
    async waitMember(u, size) {
      if (!member) return;
      await waitMemberBack(deps, plan, member, u, size, {
        what: `${sp.service} on ${u.node} ${member.what} (${size})`,
        timeoutMs: 180_000,
      });
    },
  };
}

/** Waits until a member is back as its pack says, in a cluster of `size` members. */
function waitMemberBack(
  deps: DeployDeps,
  plan: DeployPlan,
  member: MemberWait,
  u: { readonly node: string; readonly container: string; readonly address: string },
  size: number,
  o: { readonly what: string; readonly timeoutMs: number },
): Promise<void> {
  return waitFor(deps.clock, o.what, o.timeoutMs, async () => {
    const r = await member.check({
      shell: deps.cluster.shell(u.node),
      container: u.container,
      address: u.address,
      size,
      dbRootPassword: plan.secrets.dbRoot,
    });
    return r.ok;
  });
}

/** The last lines a container wrote (Docker keeps them on stderr here), joined for a message. */
export async function lastLogLines(
  shell: NodeShell,
  container: string,
  lines: number,
): Promise<string> {
  const r = await shell.exec(["docker", "logs", "--tail", String(lines * 2), container], {
    timeoutMs: 20_000,
  });
  return `${r.stdout}${r.stderr}`.trim().split("\n").slice(-lines).join(" | ");
}

/** pollUntil, where a probe that throws counts as "not yet" (a service still starting). */
export function waitFor(
  clock: Clock,
  what: string,
  timeoutMs: number,
  probe: () => Promise<boolean>,
): Promise<void> {
  return pollUntil(clock, what, timeoutMs, () => probe().catch(() => false), 1_000);
}
