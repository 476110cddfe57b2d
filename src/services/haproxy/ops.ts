/**
 * EFFECT. HAProxy's chores on a live cluster (kolla's loadbalancer hosts): its servers as each
 * loadbalancer sees them and drains through the runtime API, the VIP kroll holds when no
 * keepalived runs, and the overlap that replaces an HAProxy without a listener gap: the old one
 * keeps serving beside the new one (SO_REUSEPORT), its admin socket moved aside, until its
 * clients have left it.
 */
import { connectionPorts, topPids } from "../../cluster/procs.js";
import { EnvironmentError, RunFailedError } from "../../core/errors.js";
import { KEEPALIVE_CLOSE_VAR } from "./config.js";
import {
  askUnlessStopped,
  haproxyRuntime,
  retiringSocket,
  SOCKET_DIR,
  SOCKET_NAME,
} from "./runtime.js";
import type { HaproxyRuntime } from "./runtime.js";
import { httpFrontends, parseServersState, parseShowStat } from "./stats.js";
import type { LoadbalancerDeps, LoadbalancerOps, ServerState } from "../types.js";

/** HAProxy's own idle keep-alive timeout in kroll's config (`timeout http-request`) and 2 s. */
const RETIRE_CLIENTS_MS = 12_000;
/**
 * How long a running HAProxy container may refuse its admin socket while it starts. Seen on the
 * lab: kolla-ansible's all-at-once order observed a just-started one refuse for about a second.
 */
const HAPROXY_STARTING_MS = 15_000;

export function createLoadbalancerOps(o: LoadbalancerDeps): LoadbalancerOps {
  const { shell, docker } = o;
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
    const t0 = o.clock.now();
    const end = t0 + RETIRE_CLIENTS_MS;
    const first = frontends.reduce((n, f) => n + f.sessions, 0);
    let left = first;
    while (left > 0 && o.clock.now() < end) {
      await o.clock.sleep(250);
      const stat = await ask("show stat");
      if (stat === undefined) break;
      left = httpFrontends(stat).reduce((n, f) => n + f.sessions, 0);
    }
    const took = `${((o.clock.now() - t0) / 1000).toFixed(1)} s`;
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
        clock: o.clock,
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
    state: lbState,

    async serverStats(lb) {
      // An error, not zero sessions: a loadbalancer that does not answer is not drained.
      const stat = await haproxy(lb, "show stat");
      // Empty or refused is no answer, never "no sessions".
      if (!stat.startsWith("# pxname"))
        throw new EnvironmentError(
          `HAProxy on ${lb}: \`show stat\` gave no stats table (${JSON.stringify(stat.trim().slice(0, 120))})`,
        );
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

    socketAside: (node, container, aside) =>
      moveSocket(node, container, SOCKET_NAME, retiringSocket(aside)).catch((e: unknown) =>
        o.logger.warn(`haproxy on ${node}: admin socket not moved aside: ${String(e)}`, { node }),
      ),

    socketBack: (node, container, aside) =>
      moveSocket(node, container, retiringSocket(aside), SOCKET_NAME).catch(() => undefined),

    async retireOverlapped(node, aside) {
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
      const end = o.clock.now() + 30_000;
      let left: number[] = [];
      let unknownSaid = false;
      while (o.clock.now() < end && (await docker(node).inspect(aside))?.status === "running") {
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
          for (const m of o.dbMembers) await o.closeIdle(m, from, left).catch(() => undefined);
        await o.clock.sleep(200);
      }
      if ((await docker(node).inspect(aside))?.status === "running") {
        // What it still holds, for the log: every socket of its processes.
        const held = await socketsOf(node, aside).catch((e: unknown) => [`(${String(e)})`]);
        o.logger.warn(
          `${aside} on ${node} still ran 30 s after its soft stop${left.length ? ` with ${left.length} database connection(s) busy` : ""}; removing it cuts what it holds: ${held.length} socket(s)${held.length ? `: ${held.slice(0, 6).join("; ")}` : ""}`,
          { node },
        );
      }
    },
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
