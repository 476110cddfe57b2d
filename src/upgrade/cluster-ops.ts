/**
 * EFFECT. UpgradeOps over the scenario's nodes: Docker through the node's SSH connection
 * (dockerode), HAProxy's runtime socket and config files through the node's shell, Ironic's
 * API over HTTP for the wait-state check. Every call has a deadline.
 */
import PQueue from "p-queue";
import type { Cluster } from "../cluster/connect.js";
import type { DockerApi, NodeShell } from "../cluster/ports.js";
import { RunFailedError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import { lastLogLines, mysqlAsRoot, rabbitmqctl } from "../deploy/deploy.js";
import { KEEPALIVE_CLOSE_VAR, LABELS } from "../deploy/render.js";
import { editIniOption } from "../kolla/ini.js";
import { fetchText } from "../cluster/http.js";
import { askUnlessStopped, haproxyRuntime } from "../services/haproxy/runtime.js";
import { systemClock } from "../core/clock.js";
import { runOneShot } from "../cluster/one-shot.js";
import type { HaproxyRuntime } from "../services/haproxy/runtime.js";
import {
  describeCancelled,
  nodeAddresses,
  parseRpcDrain,
  rpcDrainExpression,
} from "../cluster/rpc-drain.js";
import { SOCKET_DIR, SOCKET_NAME } from "../services/haproxy/runtime.js";
import { connectionPorts, topPids } from "../cluster/procs.js";
import { httpFrontends, parseServersState, parseShowStat } from "../services/haproxy/stats.js";
import type { UpgradeOps } from "./ops.js";
import { recipeFor } from "./recipes/index.js";
import { PIN_LABEL, asideName } from "./types.js";
import type { Desired, ObservedContainer, ServerState } from "./types.js";

export interface ClusterOpsOptions {
  readonly cluster: Cluster;
  readonly dockers: ReadonlyMap<string, DockerApi>;
  readonly logger: Logger;
  /** MariaDB root password (Galera status); from passwords.yml. */
  readonly dbRootPassword: string | undefined;
  /** Where Ironic's API answers (the VIP when HAProxy runs). */
  readonly ironicUrl: string | undefined;
  /** Sent as X-Auth-Token when Ironic wants keystone auth (OS_AUTH_TOKEN). */
  readonly authToken: string | undefined;
  /** Node addresses (MariaDB listens on its node's address). */
  readonly addresses: ReadonlyMap<string, string>;
  /** Nodes running a Galera member (container `mariadb`). */
  readonly dbMembers?: readonly string[];
  /** Interface and prefix length for the VIP on each loadbalancer host. */
  readonly vipInterface: (node: string) => string;
  readonly vipPrefix: number;
  readonly scenario: string;
}

const ONE_SHOT_TIMEOUT_MS = 15 * 60_000;
/** HAProxy's own idle keep-alive timeout in kroll's config (`timeout http-request`) and 2 s. */
const RETIRE_CLIENTS_MS = 12_000;
/**
 * How long a running HAProxy container may refuse its admin socket while it starts. Seen on the
 * lab: kolla-ansible's all-at-once order observed a just-started one refuse for about a second.
 */
const HAPROXY_STARTING_MS = 15_000;

export function createClusterOps(o: ClusterOpsOptions): UpgradeOps {
  const shell = (node: string): NodeShell => o.cluster.shell(node);
  const docker = (node: string): DockerApi => {
    const d = o.dockers.get(node);
    if (!d) throw new RunFailedError(`no Docker connection to ${node}`);
    return d;
  };
  const observeQueue = new PQueue({ concurrency: 8 });
  const runtimes = new Map<string, HaproxyRuntime>();
  /** HAProxy's runtime API on a loadbalancer host (its admin socket over SSH). */
  const haproxy = (lb: string, command: string, timeoutMs = 20_000): Promise<string> => {
    let rt = runtimes.get(lb);
    if (!rt) {
      rt = haproxyRuntime(shell(lb));
      runtimes.set(lb, rt);
    }
    return rt(command, timeoutMs);
  };

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

  /**
   * Closes a database server's idle client connections (asleep between queries for a second or
   * more, no transaction open); how many it closed. `from` keeps those of one client address;
   * `ports` only those from these source ports of it (a retiring HAProxy's own, not the new
   * one's beside it). Never any connection idle for less:
   * closing those (tried on the lab) killed connections a client had just checked out, and a
   * run lost a request to it; busy connections leave by the clients' own recycling instead
   * (oslo.db's connection_recycle_time, 10 s in the lab).
   */
  const closeIdle = async (
    node: string,
    container: string,
    from: string | undefined,
    ports?: readonly number[],
  ): Promise<number | undefined> => {
    const pw = o.dbRootPassword;
    if (pw === undefined) return undefined;
    const fromHost =
      from !== undefined && /^[0-9A-Fa-f.:]+$/.test(from)
        ? ` AND (host LIKE '${from}:%' OR host LIKE '[${from}]:%')`
        : "";
    const onPorts =
      ports === undefined
        ? ""
        : ` AND SUBSTRING_INDEX(host, ':', -1) IN (${ports.map((p) => `'${Math.trunc(p)}'`).join(",") || "''"})`;
    // One block on the server: each connection is checked again right before it is killed
    // (a separate SELECT, then KILLs, left a second in which a pool could check one out and
    // start a query on it: "Lost connection ... during query").
    const out = await mysqlAsRoot(
      shell(node),
      container,
      o.addresses.get(node) ?? node,
      pw,
      [
        "BEGIN NOT ATOMIC",
        "  DECLARE n INT DEFAULT 0;",
        "  FOR c IN (SELECT id FROM information_schema.processlist WHERE command = 'Sleep'",
        "      AND time >= 1 AND user NOT IN ('system user', 'event_scheduler')",
        `      AND id <> CONNECTION_ID()${fromHost}${onPorts}`,
        "      AND id NOT IN (SELECT trx_mysql_thread_id FROM information_schema.innodb_trx)) DO",
        "    BEGIN",
        "      DECLARE CONTINUE HANDLER FOR SQLEXCEPTION BEGIN END;",
        "      IF EXISTS (SELECT 1 FROM information_schema.processlist WHERE id = c.id",
        "          AND command = 'Sleep' AND time >= 1)",
        "          AND c.id NOT IN (SELECT trx_mysql_thread_id FROM information_schema.innodb_trx) THEN",
        "        EXECUTE IMMEDIATE CONCAT('KILL CONNECTION ', c.id);",
        "        SET n = n + 1;",
        "      END IF;",
        "    END;",
        "  END FOR;",
        "  SELECT n;",
        "END",
        "$$",
        "",
      ].join("\n"),
      { delimiter: "$$" },
    );
    return Number(out.trim()) || 0;
  };

  /** The PIDs of a container's processes, as its node sees them (none once it has stopped). */
  const pidsOf = async (node: string, container: string): Promise<Set<number>> => {
    const r = await shell(node).exec(["docker", "top", container, "-eo", "pid"], {
      timeoutMs: 10_000,
    });
    // A retiring HAProxy that ended by itself holds nothing: not an unknown.
    if (r.exitCode !== 0 && /is not running/.test(r.stderr)) return new Set();
    if (r.exitCode !== 0)
      throw new RunFailedError(`docker top ${container} on ${node}: ${r.stderr.trim()}`);
    return topPids(r.stdout);
  };

  /** The source ports of a container's connections to the database (port 3306) on its node. */
  const dbPortsOf = async (node: string, container: string): Promise<number[]> => {
    const pids = await pidsOf(node, container);
    const ss = await shell(node).run(["ss", "-tnpH", "state", "established", "( dport = :3306 )"], {
      timeoutMs: 10_000,
    });
    return connectionPorts(ss, pids, 3306);
  };

  /** Every TCP socket a container's processes hold on its node (`ss -tanpH`), for the log. */
  const socketsOf = async (node: string, container: string): Promise<string[]> => {
    const pids = await pidsOf(node, container);
    const ss = await shell(node).run(["ss", "-tanpH"], { timeoutMs: 10_000 });
    return ss
      .split("\n")
      .filter((l) => [...l.matchAll(/pid=(\d+)/g)].some((m) => pids.has(Number(m[1]))))
      .map((l) => l.trim().split(/\s+/).slice(0, 5).join(" "));
  };

  /** A retiring HAProxy's admin socket, renamed in the shared volume. */
  const retiringSocket = (aside: string): string => `${aside}.sock`;
  const moveSocket = async (node: string, container: string, from: string, to: string) => {
    await shell(node).run(
      [
        "docker",
        "exec",
        "-u",
        "root",
        container,
        "mv",
        "-f",
        `${SOCKET_DIR}/${from}`,
        `${SOCKET_DIR}/${to}`,
      ],
      { timeoutMs: 20_000 },
    );
  };

  /**
   * HAProxy 2.6 closes idle keep-alive client connections the instant it soft-stops, racing a
   * client that is sending a request on one ("other side closed"; 2.7's
   * `idle-close-on-response` waits for the next request instead). So, on the retiring one:
   * every response now closes its connection (KEEPALIVE_CLOSE_VAR), its HTTP frontends stop
   * accepting (the new one takes every new connection), and kroll waits until its HTTP
   * sessions are gone: each ended after a response, or idle past a keep-alive timeout — the
   * client's, or HAProxy's own (`timeout http-request`, 10 s). Bounded; on a config without
   * the variable (not rendered by kroll) only the wait remains.
   */
  const sendClientsAway = async (node: string, aside: string): Promise<void> => {
    const rt = haproxyRuntime(shell(node), { socket: retiringSocket(aside), container: aside });
    const ask = (command: string) => rt(command, 20_000).catch(() => undefined);
    if ((await ask(`experimental-mode on; set var ${KEEPALIVE_CLOSE_VAR} int(1)`)) === undefined) {
      o.logger.warn(`haproxy on ${node}: the retiring one's admin socket did not answer`);
      return;
    }
    const frontends = httpFrontends((await ask("show stat")) ?? "");
    for (const f of frontends) await ask(`disable frontend ${f.name}`);
    const t0 = Date.now();
    const end = t0 + RETIRE_CLIENTS_MS;
    const first = frontends.reduce((n, f) => n + f.sessions, 0);
    let left = first;
    while (left > 0 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 250));
      const stat = await ask("show stat");
      if (stat === undefined) break;
      left = httpFrontends(stat).reduce((n, f) => n + f.sessions, 0);
    }
    const took = `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    if (left > 0)
      o.logger.warn(
        `haproxy on ${node}: ${left} of ${first} client connection(s) still on the retiring one after ${took}`,
        { node },
      );
    else if (first > 0)
      o.logger.info(
        `haproxy on ${node}: the retiring one's ${first} client connection(s) left in ${took}`,
        {
          node,
        },
      );
  };

  const lbState = async (
    lb: string,
    vip: string,
  ): Promise<{ servers: ServerState[]; holdsVip: boolean }> => {
    // No HAProxy running on it (yet): no servers. A running one that does not answer is an
    // error, never "no sessions, every server up": resume must see what it left drained.
    const orNone = (cmd: string): Promise<string> =>
      askUnlessStopped((c, ms) => haproxy(lb, c, ms), cmd, {
        running: async () => (await docker(lb).inspect("haproxy"))?.status === "running",
        clock: systemClock,
        timeoutMs: 30_000,
        startingMs: HAPROXY_STARTING_MS,
      });
    const [addr, state, stat] = await Promise.all([
      shell(lb).exec(["sh", "-c", 'ip -o addr show | grep -qw "$1" && echo VIP-HERE', "vip", vip], {
        timeoutMs: 30_000,
      }),
      orNone("show servers state"),
      orNone("show stat"),
    ]);
    const holdsVip = addr.stdout.startsWith("VIP-HERE");
    return { servers: stat ? parseShowStat(lb, stat, parseServersState(state)) : [], holdsVip };
  };

  return {
    async observe(d: Desired) {
      // Before every wave: each node's containers, their aside copies and target images (one
      // call after another on a node: its Docker calls are few at a time anyway), every node and
      // every load balancer's view at once.
      const byNode = new Map<string, Desired["targets"][number][]>();
      for (const t of d.targets) byNode.set(t.node, [...(byNode.get(t.node) ?? []), t]);
      const containers: ObservedContainer[] = [];
      const images: { node: string; image: string }[] = [];
      const [, lbs] = await Promise.all([
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
        Promise.all(d.loadbalancers.map((lb) => lbState(lb, d.vip))),
      ]);
      const holder = d.loadbalancers.find((_, i) => lbs[i]?.holdsVip);
      return { containers, images, servers: lbs.flatMap((x) => x.servers), vipHolder: holder };
    },

    async pull(node, image) {
      o.logger.info(`pulling ${image}`, { node });
      await docker(node).pull(image);
    },

    oneShot: (a, signal) =>
      runOneShot(
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
        },
        o.logger,
        signal,
      ),

    async serverStats(lb) {
      // An error, not zero sessions: a loadbalancer that does not answer is not drained.
      const stat = await haproxy(lb, "show stat");
      return parseShowStat(lb, stat, new Map());
    },

    async setServer(lb, backend, server, admin) {
      const out = await haproxy(lb, `set server ${backend}/${server} state ${admin}`);
      if (out.trim() !== "")
        throw new RunFailedError(
          `HAProxy on ${lb}: set server ${backend}/${server} state ${admin}: ${out.trim()}`,
        );
    },

    async shutdownSessions(lb, backend, server) {
      await haproxy(lb, `shutdown sessions server ${backend}/${server}`);
    },

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
      else
        await moveSocket(a.node, a.container, SOCKET_NAME, retiringSocket(aside)).catch(
          (e: unknown) =>
            o.logger.warn(`haproxy on ${a.node}: admin socket not moved aside: ${String(e)}`, {
              node: a.node,
            }),
        );
      await dk.rename(a.container, aside);
      try {
        await dk.clone(aside, { name: a.container, image: a.image, labels: a.labels });
        await dk.start(a.container);
      } catch (e: unknown) {
        // Not even started: put the old one back at once, then report.
        await dk.remove(a.container).catch(() => undefined);
        await dk.rename(aside, a.container).catch(() => undefined);
        await dk.start(a.container).catch(() => undefined);
        if (a.overlap)
          await moveSocket(a.node, a.container, retiringSocket(aside), SOCKET_NAME).catch(
            () => undefined,
          );
        throw e;
      }
      if (!a.keepAside) await dk.remove(aside);
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
      await dk.remove(container);
      await dk.rename(aside, container);
      // An overlapped old one never stopped; its admin socket goes back to the usual path.
      if (!wasRunning) await dk.start(container);
      else
        await moveSocket(node, container, retiringSocket(aside), SOCKET_NAME).catch(
          () => undefined,
        );
    },

    async retire(node, container) {
      const aside = asideName(container);
      const old = await docker(node).inspect(aside);
      if (old?.status === "running") {
        // Overlapped: the new one has the listeners too. First the old one's HTTP clients
        // leave it between two requests (below); then SIGUSR1, HAProxy's soft stop (stop
        // listening, finish what is in flight, close idle connections), and it exits.
        await sendClientsAway(node, aside);
        await shell(node)
          .run(["docker", "kill", "--signal", "USR1", aside], { timeoutMs: 20_000 })
          .catch(() => undefined);
        // Idle keep-alive connections close at once; long-lived TCP sessions (database
        // clients through HAProxy) would hold it for ever, and removing it cuts a query in
        // flight ("Lost connection to MySQL server during query": a fresh machine's run failed
        // so). Its own database connections (told from the new one's by their source ports:
        // both connect from this node's address) are closed on the database side once idle a
        // second; busy ones are replaced by the clients themselves when their pool recycles
        // them (the listener is closed, so they reconnect through the new one). Then it has no
        // session left and exits by itself. 30 s at most for that, then it is removed whatever
        // remains (said in the log, with every socket it still held).
        const from = o.addresses.get(node);
        const end = Date.now() + 30_000;
        let left: number[] = [];
        let unknownSaid = false;
        while (Date.now() < end && (await docker(node).inspect(aside))?.status === "running") {
          left = await dbPortsOf(node, aside).catch((e: unknown) => {
            // Said once, not every 200 ms.
            if (!unknownSaid)
              o.logger.warn(`${aside} on ${node}: its database connections unknown: ${String(e)}`, {
                node,
              });
            unknownSaid = true;
            return [];
          });
          if (left.length > 0)
            for (const m of o.dbMembers ?? [])
              await closeIdle(m, "mariadb", from, left).catch(() => undefined);
          await new Promise((r) => setTimeout(r, 200));
        }
        if ((await docker(node).inspect(aside))?.status === "running") {
          // What it still holds, for the log: every socket of its processes.
          const held = await socketsOf(node, aside).catch((e: unknown) => [`(${String(e)})`]);
          o.logger.warn(
            `${aside} on ${node} still ran 30 s after its soft stop${left.length ? ` with ${left.length} database connection(s) busy` : ""}; removing it cuts what it holds: ${held.length} socket(s)${held.length ? `: ${held.slice(0, 6).join("; ")}` : ""}`,
            { node },
          );
        }
      }
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

    async galera(node, container) {
      if (o.dbRootPassword === undefined) return undefined;
      const out = await mysqlAsRoot(
        shell(node),
        container,
        o.addresses.get(node) ?? node,
        o.dbRootPassword,
        "SHOW STATUS WHERE Variable_name IN ('wsrep_local_state_comment','wsrep_cluster_size');",
      );
      const status = new Map(
        out
          .trim()
          .split("\n")
          .map((l) => l.split("\t") as [string, string]),
      );
      return {
        state: status.get("wsrep_local_state_comment") ?? "",
        size: Number(status.get("wsrep_cluster_size") ?? 0),
      };
    },

    closeIdleDbSessions: (node, container) => closeIdle(node, container, undefined),

    async rabbitBooted(node, container) {
      const r = await shell(node).exec(rabbitmqctl(container, "await_startup"), {
        timeoutMs: 60_000,
      });
      return r.exitCode === 0;
    },

    async rpcDrain(a) {
      const log = o.logger.child({ node: a.node });
      const ip = await shell(a.node)
        .exec(["ip", "-o", "addr", "show"], { timeoutMs: 20_000 })
        .catch(() => undefined);
      const addresses = nodeAddresses(ip?.stdout ?? "");
      if (addresses.length === 0) {
        log.warn(`rpc drain: cannot read the addresses of ${a.node}`);
        return undefined;
      }
      const expr = rpcDrainExpression({
        addresses,
        process: a.process,
        queues: a.queues,
        vhost: "/",
      });
      for (const b of a.brokers) {
        // Under load one rabbitmqctl call takes 1–7 s; a broker that is not there (a lab runs
        // one) fails at once and the next is tried.
        const r = await shell(b.node)
          .exec(rabbitmqctl(b.container, "eval", expr), { timeoutMs: 45_000 })
          .catch((e: unknown) => ({
            exitCode: -1,
            stdout: "",
            stderr: e instanceof Error ? e.message : String(e),
          }));
        const got = r.exitCode === 0 ? parseRpcDrain(r.stdout) : undefined;
        if (got === undefined) {
          log.debug(`rpc drain on ${b.node}: ${(r.stderr || r.stdout).trim().slice(0, 300)}`);
          continue;
        }
        if (got.unsupported.length > 0) {
          log.warn(`rpc drain: not a classic queue, left as it is: ${got.unsupported.join(", ")}`);
          return undefined;
        }
        return describeCancelled(got.cancelled);
      }
      return undefined;
    },

    async ringOut(a) {
      const log = o.logger.child({ node: a.node });
      const pw = o.dbRootPassword;
      // The host goes into SQL text: only what a host name or an address can hold.
      if (pw === undefined || !/^[0-9A-Za-z.:_-]+$/.test(a.host)) return undefined;
      const sql = (db: { node: string; container: string }, text: string): Promise<string> =>
        mysqlAsRoot(shell(db.node), db.container, o.addresses.get(db.node) ?? db.node, pw, text);
      let db: { node: string; container: string } | undefined;
      let removed = 0;
      for (const m of a.databases) {
        const out = await sql(
          m,
          // A multi-table DELETE with aliases wants a default database (error 1046 without).
          "USE ironic; DELETE h FROM conductor_hardware_interfaces h JOIN conductors c " +
            `ON c.id = h.conductor_id WHERE c.hostname = '${a.host}'; SELECT ROW_COUNT();`,
        ).catch((e: unknown) => {
          log.debug(`ring out on ${m.node}: ${e instanceof Error ? e.message : String(e)}`);
          return undefined;
        });
        if (out === undefined) continue;
        db = m;
        removed = Number(out.trim().split("\n").pop() ?? 0);
        break;
      }
      if (db === undefined) return undefined;
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, a.settleMs));
      let held = -1;
      while (Date.now() - t0 < a.timeoutMs) {
        const out = await sql(
          db,
          `SELECT COUNT(*) FROM ironic.nodes WHERE reservation = '${a.host}';`,
        ).catch(() => undefined);
        held = out === undefined ? -1 : Number(out.trim());
        if (held === 0) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      const s = ((Date.now() - t0) / 1000).toFixed(1);
      const what = `${removed} hardware type(s) unregistered at ${db.node}`;
      if (held === 0) return `${what}; no node lock held after ${s} s`;
      const text =
        held < 0
          ? `${what}; its node locks could not be read for ${s} s`
          : `${what}; it still held ${held} node lock(s) after ${s} s, which its stop clears`;
      log.warn(`${a.container}: ${text}`);
      return text;
    },

    async ironicBusyNodes() {
      if (o.ironicUrl === undefined) return [];
      const headers: Record<string, string> = { "X-OpenStack-Ironic-API-Version": "1.8" };
      if (o.authToken !== undefined) headers["X-Auth-Token"] = o.authToken;
      const r = await fetchText(
        `${o.ironicUrl}/v1/nodes?fields=uuid,provision_state`,
        { headers },
        20_000,
      );
      if (r.status === 401)
        throw new RunFailedError(
          "Ironic wants a keystone token to list nodes: set OS_AUTH_TOKEN for the wait-state check",
        );
      if (r.status !== 200) throw new RunFailedError(`Ironic node list: HTTP ${r.status}`);
      const body = JSON.parse(r.text) as { nodes?: { uuid: string; provision_state: string }[] };
      return (body.nodes ?? [])
        .filter((n) => /\bwait\b/.test(n.provision_state))
        .map((n) => `${n.uuid} (${n.provision_state})`);
    },

    async moveVip(from, to, vip) {
      const add = [
        "sh",
        "-c",
        `ip -o addr show dev "$1" | grep -qw "$2" || ip addr add "$2/$3" dev "$1"`,
        "vip",
        o.vipInterface(to),
        vip,
        String(o.vipPrefix),
      ];
      await shell(to).run(add, { timeoutMs: 20_000 });
      // Tell the segment at once (gratuitous ARP), rather than wait for caches to expire.
      if (!vip.includes(":"))
        await shell(to).run(["python3", "-c", GARP, o.vipInterface(to), vip], {
          timeoutMs: 20_000,
        });
      if (from !== undefined)
        await shell(from).run(
          [
            "sh",
            "-c",
            `ip -o addr show dev "$1" | grep -qw "$2" && ip addr del "$2/$3" dev "$1" || true`,
            "vip",
            o.vipInterface(from),
            vip,
            String(o.vipPrefix),
          ],
          { timeoutMs: 20_000 },
        );
      o.logger.info(`VIP ${vip} moved${from ? ` from ${from}` : ""} to ${to}`, { node: to });
    },

    logTail: (node, container, lines) => lastLogLines(shell(node), container, lines),
  };
}

/** Gratuitous ARP (request and reply, three times) for an address on an interface. */
const GARP = [
  "import socket, struct, sys, time",
  "iface, ip = sys.argv[1], socket.inet_aton(sys.argv[2])",
  "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)",
  "s.bind((iface, 0))",
  "mac = s.getsockname()[4]",
  "b = b'\\xff' * 6",
  "for _ in range(3):",
  "    for op, tha in ((1, b'\\x00' * 6), (2, b)):",
  "        arp = struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, op, mac, ip, tha, ip)",
  "        s.send(b + mac + b'\\x08\\x06' + arp)",
  "    time.sleep(0.05)",
].join("\n");
