/**
 * EFFECT. UpgradeOps over the scenario's nodes: containers through Docker on each node (over
 * its SSH connection), config files through the node's shell; the service chores (the
 * loadbalancer and the VIP, the database and the broker, a hash ring, member and idle checks)
 * are the packs' own, found by role or by service. Every call has a deadline.
 */
import PQueue from "p-queue";
import type { Cluster } from "../cluster/connect.js";
import { runOneShot } from "../cluster/one-shot.js";
import type { DockerApi, NodeShell } from "../cluster/ports.js";
import { RunFailedError } from "../core/errors.js";
import { systemClock } from "../core/clock.js";
import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import { lastLogLines } from "../deploy/deploy.js";
import { LABELS } from "../deploy/render.js";
import { editIniOption } from "../kolla/ini.js";
import { sendTo } from "../cluster/http-client.js";
import type { ServiceName } from "../services/types.js";
import type { UpgradeOps } from "./ops.js";
import { packOf, packWithRole, recipeFor } from "../services/catalogue.js";
import { PIN_LABEL, asideName } from "./types.js";
import type { Desired, ObservedContainer } from "./types.js";

export interface ClusterOpsOptions {
  readonly cluster: Cluster;
  readonly dockers: ReadonlyMap<string, DockerApi>;
  readonly logger: Logger;
  /** Every wait's time (default: the system's). */
  readonly clock?: Clock;
  /** The database's root password (member checks, SQL chores); from passwords.yml. */
  readonly dbRootPassword: string | undefined;
  /** Where a service's API component answers (through the VIP when HAProxy runs). */
  readonly apiUrl: (service: ServiceName, component: string) => string | undefined;
  /** Sent as X-Auth-Token when an API wants a token from the identity service (OS_AUTH_TOKEN). */
  readonly authToken: string | undefined;
  /** Node addresses (the database listens on its node's address). */
  readonly addresses: ReadonlyMap<string, string>;
  /** Nodes running a database member. */
  readonly dbMembers?: readonly string[];
  /** Interface and prefix length for the VIP on each loadbalancer host. */
  readonly vipInterface: (node: string) => string;
  readonly vipPrefix: number;
  readonly scenario: string;
  /**
   * Told before kroll removes a container it replaced (`as`: the name its log is kept under):
   * the run directory keeps its log. Never throws.
   */
  readonly beforeRemove?: (node: string, name: string, as: string) => Promise<void>;
}

const ONE_SHOT_TIMEOUT_MS = 15 * 60_000;

export function createClusterOps(o: ClusterOpsOptions): UpgradeOps {
  const clock = o.clock ?? systemClock;
  const shell = (node: string): NodeShell => o.cluster.shell(node);
  const docker = (node: string): DockerApi => {
    const d = o.dockers.get(node);
    if (!d) throw new RunFailedError(`no Docker connection to ${node}`);
    return d;
  };
  const observeQueue = new PQueue({ concurrency: 8 });
  const toObserved = async (node: string, name: string): Promise<ObservedContainer | undefined> => {
    const c = await docker(node).inspect(name);
    return c
      ? { node, name: c.name, image: c.image, status: c.status, health: c.health, labels: c.labels }
      : undefined;
  };

  /**
   * A container started pinned: does the config its process last read (kolla's copy inside the
   * container, laid out again by a reload) still hold the pin? Its label cannot say: an
   * earlier run may have unpinned it in place. Read only for containers labelled pinned.
   */
  const withPinConfigured = async (
    c: ObservedContainer,
    t: Desired["targets"][number],
    d: Desired,
  ): Promise<ObservedContainer> => {
    const pin = recipeFor(t.service, d.strategy).pin;
    if (c.labels[PIN_LABEL] === undefined || c.status !== "running" || pin === undefined) return c;
    const text = await shell(t.node)
      .run(["docker", "exec", "-u", "root", t.container, "cat", pin.inside], { timeoutMs: 20_000 })
      .catch(() => undefined);
    if (text === undefined) return c;
    const { previous } = editIniOption(text, pin.section, pin.key, null);
    return { ...c, pinConfigured: previous !== null && previous !== "" };
  };

  const addressOf = (node: string): string => o.addresses.get(node) ?? node;
  // The services that hold the roles: their packs' chores.
  const lbRole = packWithRole("loadbalancer");
  const dbRole = packWithRole("database");
  const brokerRole = packWithRole("broker");
  const db = dbRole?.pack.databaseServer;
  /** SQL as root at a database member; undefined when kroll has no root password. */
  const pw = o.dbRootPassword;
  const sqlAsRoot =
    pw === undefined || db === undefined
      ? undefined
      : (at: { node: string; container: string }, text: string): Promise<string> =>
          db.sql(shell(at.node), at.container, addressOf(at.node), pw, text);
  const closeIdle = (
    node: string,
    container: string,
    only: { from?: string | undefined; ports?: readonly number[] } = {},
  ): Promise<number | undefined> =>
    pw === undefined || db === undefined
      ? Promise.resolve(undefined)
      : db.closeIdle(shell(node), container, addressOf(node), pw, only);
  const makeLbs = lbRole?.pack.loadbalancer;
  if (!makeLbs) throw new RunFailedError("no service pack holds the loadbalancer role");
  const dbContainer = dbRole?.component.container ?? "";
  const lbs = makeLbs({
    shell,
    docker,
    logger: o.logger,
    clock,
    addresses: o.addresses,
    dbMembers: o.dbMembers ?? [],
    closeIdle: (member, from, ports) => closeIdle(member, dbContainer, { from, ports }),
    vipInterface: o.vipInterface,
    vipPrefix: o.vipPrefix,
  });

  return {
    async observe(d: Desired) {
      // Before every wave: each node's containers, their aside copies and target images (one
      // call after another on a node: its Docker calls are few at a time anyway), every node and
      // every load balancer's view at once.
      const byNode = new Map<string, Desired["targets"][number][]>();
      for (const t of d.targets) byNode.set(t.node, [...(byNode.get(t.node) ?? []), t]);
      const containers: ObservedContainer[] = [];
      const images: { node: string; image: string }[] = [];
      const [, views] = await Promise.all([
        observeQueue.addAll(
          [...byNode].map(([node, ts]) => async () => {
            for (const t of ts) {
              const seen = await toObserved(node, t.container);
              const cur = seen && (await withPinConfigured(seen, t, d));
              const aside = await toObserved(node, asideName(t.container));
              if (cur) containers.push(cur);
              if (aside) containers.push(aside);
              if (cur && cur.image !== t.image && (await docker(node).hasImage(t.image)))
                images.push({ node, image: t.image });
            }
          }),
        ),
        Promise.all(d.loadbalancers.map((lb) => lbs.state(lb, d.vip))),
      ]);
      const holder = d.loadbalancers.find((_, i) => views[i]?.holdsVip);
      return { containers, images, servers: views.flatMap((x) => x.servers), vipHolder: holder };
    },

    async pull(node, image) {
      o.logger.info(`pulling ${image}`, { node });
      await docker(node).pull(image);
    },

    oneShot: async (a, signal) => {
      let output: string | undefined;
      const r = await runOneShot(
        shell(a.node),
        {
          name: `${a.component.replaceAll("-", "_")}_${a.mode.toLowerCase()}`,
          image: a.image,
          options: [
            "--network",
            "host",
            "-e",
            "KOLLA_CONFIG_STRATEGY=COPY_ALWAYS",
            "-e",
            `${a.mode}=`,
            "-v",
            `${a.configDir}:/var/lib/kolla/config_files/:ro`,
            "-v",
            "kolla_logs:/var/log/kolla/",
            "--label",
            `${LABELS.scenario}=${o.scenario}`,
          ],
          what: `${a.what} (${a.mode})`,
          timeoutMs: ONE_SHOT_TIMEOUT_MS,
          // An upgrade's migration that ended while kroll was away (stopped, resumed) counts.
          takeEarlierResult: true,
          onOutput: (text) => (output = text),
        },
        o.logger,
        signal,
      );
      return r === "done" && output !== undefined ? { output } : r;
    },

    serverStats: lbs.serverStats,
    setServer: lbs.setServer,
    shutdownSessions: lbs.shutdownSessions,

    inspect: toObserved,

    async replace(a) {
      const dk = docker(a.node);
      const aside = asideName(a.container);
      // A stale copy from an earlier run would block the rename.
      await dk.remove(aside);
      // Overlap: the old one keeps serving (renamed) while the new one starts beside it. Its
      // admin socket moves aside too, so that the new one binds the usual path and kroll can
      // still reach the old one when it retires it.
      if (!a.overlap) await dk.stop(a.container, a.stopGraceS);
      else await lbs.socketAside(a.node, a.container, aside);
      await dk.rename(a.container, aside);
      try {
        await dk.clone(aside, { name: a.container, image: a.image, labels: a.labels });
        await dk.start(a.container);
      } catch (e: unknown) {
        // Not even started: put the old one back at once, then report.
        await dk.remove(a.container).catch(() => undefined);
        await dk.rename(aside, a.container).catch(() => undefined);
        await dk.start(a.container).catch(() => undefined);
        if (a.overlap) await lbs.socketBack(a.node, a.container, aside);
        throw e;
      }
      if (!a.keepAside) {
        await o.beforeRemove?.(a.node, aside, a.container);
        await dk.remove(aside);
      }
    },

    async restore(node, container) {
      const dk = docker(node);
      const aside = asideName(container);
      if ((await dk.inspect(aside)) === undefined)
        throw new RunFailedError(
          `cannot roll back ${container} on ${node}: no ${aside} kept aside`,
        );
      const wasRunning = (await dk.inspect(aside))?.status === "running";
      await dk.stop(container, 10);
      await o.beforeRemove?.(node, container, `${container}.rolled-back`);
      await dk.remove(container);
      await dk.rename(aside, container);
      // An overlapped old one never stopped; its admin socket goes back to the usual path.
      if (!wasRunning) await dk.start(container);
      else await lbs.socketBack(node, container, aside);
    },

    async retire(node, container) {
      const aside = asideName(container);
      const old = await docker(node).inspect(aside);
      // Overlapped (HAProxy): its clients leave it first, then it exits by itself.
      if (old?.status === "running") await lbs.retireOverlapped(node, aside);
      if (old !== undefined) await o.beforeRemove?.(node, aside, container);
      await docker(node).remove(aside);
    },

    async restart(node, container, stopGraceS) {
      await docker(node).stop(container, stopGraceS);
      await docker(node).start(container);
    },

    async reload(a) {
      const sh = shell(a.node);
      // COPY_ALWAYS whatever the container was started with: COPY_ONCE would keep the old file.
      await sh.run(
        [
          "docker",
          "exec",
          "-u",
          "root",
          "-e",
          "KOLLA_CONFIG_STRATEGY=COPY_ALWAYS",
          a.container,
          "kolla_set_configs",
        ],
        { timeoutMs: 60_000 },
      );
      await sh.run(["docker", "kill", "--signal", a.signal, a.container], { timeoutMs: 20_000 });
    },

    async setConfig(a) {
      const sh = shell(a.node);
      const mode = (await sh.run(["stat", "-c", "%a", a.path], { timeoutMs: 20_000 })).trim();
      const text = await sh.run(["cat", a.path], { timeoutMs: 20_000 });
      const edited = editIniOption(text, a.section, a.key, a.value);
      if (edited.text !== text)
        await sh.putFile(a.path, edited.text, {
          mode: parseInt(mode, 8) || 0o600,
          timeoutMs: 30_000,
        });
      return edited.previous;
    },

    memberBack: async (a) => {
      const wait = packOf(a.service).member;
      if (!wait) throw new RunFailedError(`${a.service} has no member wait`);
      return wait.check({
        shell: shell(a.node),
        container: a.container,
        address: addressOf(a.node),
        size: a.size,
        dbRootPassword: pw,
      });
    },

    closeIdleDbSessions: (node, container) => closeIdle(node, container),

    rpcDrain: (a) =>
      brokerRole?.pack.broker?.rpcDrain(a, { shell, logger: o.logger }) ??
      Promise.resolve(undefined),

    ringOut: (a) =>
      packOf(a.service).ringOut?.(a, { sql: sqlAsRoot, logger: o.logger, clock }) ??
      Promise.resolve(undefined),

    busy: async (service) => {
      const idle = packOf(service).idle;
      const url = idle ? o.apiUrl(service, idle.api) : undefined;
      if (!idle || url === undefined) return [];
      const send = sendTo(url, 20_000);
      return idle.busy((route, method, path, opts = {}) =>
        send(route, method, path, {
          ...opts,
          headers: {
            ...opts.headers,
            ...(o.authToken !== undefined ? { "X-Auth-Token": o.authToken } : {}),
          },
        }),
      );
    },

    moveVip: lbs.moveVip,

    logTail: (node, container, lines) => lastLogLines(shell(node), container, lines),
  };
}
