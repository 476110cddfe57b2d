/**
 * An in-memory cluster behind the UpgradeOps port, for executor tests: it records every call,
 * changes its state the way Docker and HAProxy would, and can be scripted (an image that never
 * gets healthy on a node, a one-shot that fails, the process "dying" at the k-th call).
 */
import type {
  OneShotAction,
  RecreateAction,
  ReloadAction,
  SetConfigAction,
  UpgradeOps,
  WaitMemberAction,
} from "../../src/upgrade/ops.js";
import { PIN_LABEL, asideName } from "../../src/upgrade/types.js";
import { LABELS } from "../../src/deploy/render.js";
import type {
  Desired,
  ObservedContainer,
  ServerAdmin,
  ServerState,
} from "../../src/upgrade/types.js";

const key = (node: string, name: string): string => `${node}/${name}`;

export class FakeCluster implements UpgradeOps {
  readonly calls: string[] = [];
  readonly containers = new Map<string, ObservedContainer>();
  readonly images = new Set<string>();
  servers: ServerState[] = [];
  vipHolder: string | undefined;
  readonly configs = new Map<string, string | null>();
  /** `node image` pairs whose containers never become healthy. */
  readonly broken = new Set<string>();
  /** One-shot modes that exit non-zero. */
  readonly failingOneShots = new Set<string>();
  /** "node image": creating a container from it fails at once (the image is missing). */
  readonly failingCreates = new Set<string>();
  /** Die (never answer again) at this call number (1-based); `crashed` resolves then. */
  crashAt: number | undefined;
  crashed: Promise<void>;
  private onCrash: () => void = () => undefined;
  /** Called on every recorded call (tests trigger signals from here). */
  onCall: ((call: string) => void) | undefined;

  readonly desired: Desired;

  constructor(desired: Desired) {
    this.desired = desired;
    for (const t of desired.targets) {
      this.containers.set(key(t.node, t.container), {
        node: t.node,
        name: t.container,
        image: t.stable,
        status: "running",
        health: "healthy",
        // kroll's own, as `kroll deploy` labels them (a test clears it to play an operator's).
        labels: { [LABELS.scenario]: desired.scenario },
      });
      this.images.add(`${t.node} ${t.stable}`);
    }
    this.servers = desired.loadbalancers.flatMap((lb) =>
      desired.targets
        .filter((t) => t.backend !== undefined)
        .map((t) => ({
          lb,
          backend: t.backend ?? "",
          server: t.node,
          admin: "ready" as const,
          status: "UP",
          sessions: 0,
        })),
    );
    this.vipHolder = desired.vipManaged ? desired.loadbalancers[0] : undefined;
    this.crashed = new Promise((r) => (this.onCrash = r));
  }

  /** Records a call; at the crash point, never returns. */
  private async step(call: string): Promise<void> {
    this.calls.push(call);
    this.onCall?.(call);
    if (this.crashAt !== undefined && this.calls.length >= this.crashAt) {
      this.onCrash();
      await new Promise<never>(() => undefined);
    }
  }

  count(prefix: string): number {
    return this.calls.filter((c) => c.startsWith(prefix)).length;
  }

  drained(): ServerState[] {
    return this.servers.filter((s) => s.admin !== "ready");
  }

  get(node: string, name: string): ObservedContainer | undefined {
    return this.containers.get(key(node, name));
  }

  /** "node image" pairs whose container exits at once and is restarted by its policy. */
  readonly crashing = new Set<string>();

  private healthFor(node: string, image: string): ObservedContainer["health"] {
    return this.broken.has(`${node} ${image}`) ? "unhealthy" : "healthy";
  }

  /**
   * The release pin each container's process runs with: kolla's copy of its config inside the
   * container, laid out at start and by a reload.
   */
  readonly processPins = new Map<string, string | undefined>();

  /** The pin the node's config of this container holds now (setConfig's edits). */
  configuredPin(node: string, container: string): string | undefined {
    const t = this.desired.targets.find((x) => x.node === node && x.container === container);
    if (!t) return undefined;
    const prefix = `${node}:${t.configDir}`;
    for (const [k, v] of this.configs) if (k.startsWith(prefix)) return v ?? undefined;
    return undefined;
  }

  pinOf(node: string, container: string): string | undefined {
    return this.processPins.get(key(node, container));
  }

  observe(d: Desired) {
    const containers = [...this.containers.values()].map((c) =>
      c.labels[PIN_LABEL] === undefined
        ? c
        : { ...c, pinConfigured: this.pinOf(c.node, c.name) !== undefined },
    );
    const images = d.targets
      .filter((t) => this.images.has(`${t.node} ${t.image}`))
      .map((t) => ({ node: t.node, image: t.image }));
    return Promise.resolve({
      containers,
      images,
      servers: [...this.servers],
      vipHolder: this.vipHolder,
    });
  }
  async pull(node: string, image: string) {
    await this.step(`pull ${node} ${image}`);
    this.images.add(`${node} ${image}`);
  }
  /** One-shot modes that run until kroll stops waiting (a long migration). */
  readonly endlessOneShots = new Set<string>();
  async oneShot(a: OneShotAction, signal?: AbortSignal): Promise<"done" | "left-running"> {
    await this.step(`oneShot ${a.node} ${a.mode} ${a.component}`);
    if (this.failingOneShots.has(a.mode)) throw new Error(`${a.mode} one-shot exited 1`);
    if (this.endlessOneShots.has(a.mode)) {
      await new Promise<void>((r) => signal?.addEventListener("abort", () => r(), { once: true }));
      return "left-running";
    }
    return "done";
  }
  async serverStats(lb: string) {
    await this.step(`stat ${lb}`);
    return this.servers.filter((s) => s.lb === lb);
  }
  async setServer(lb: string, backend: string, server: string, admin: ServerAdmin) {
    await this.step(`set ${lb} ${backend}/${server} ${admin}`);
    this.servers = this.servers.map((s) =>
      s.lb === lb && s.backend === backend && s.server === server
        ? { ...s, admin, status: admin === "ready" ? "UP" : admin.toUpperCase() }
        : s,
    );
  }
  async shutdownSessions(lb: string, backend: string, server: string) {
    await this.step(`shutdown ${lb} ${backend}/${server}`);
    this.servers = this.servers.map((s) =>
      s.lb === lb && s.backend === backend && s.server === server ? { ...s, sessions: 0 } : s,
    );
  }
  /** Idle database connections close when asked (false: they are all busy, none closes). */
  dbConnectionsIdle = true;
  async closeIdleDbSessions(node: string, container: string) {
    await this.step(`close-idle ${node} ${container}`);
    if (!this.dbConnectionsIdle) return 0;
    let n = 0;
    this.servers = this.servers.map((s) => {
      if (s.server !== node || s.backend !== "mariadb") return s;
      n += s.sessions;
      return { ...s, sessions: 0 };
    });
    return n;
  }
  async inspect(node: string, container: string) {
    await this.step(`inspect ${node} ${container}`);
    return this.containers.get(key(node, container));
  }
  async replace(a: RecreateAction) {
    const k = key(a.node, a.container);
    const old = this.containers.get(k);
    await this.step(`stop ${a.node} ${a.container}`);
    if (old) this.containers.set(k, { ...old, status: "exited", health: "none" });
    await this.step(`rename ${a.node} ${a.container}`);
    const stopped = this.containers.get(k);
    this.containers.delete(k);
    if (stopped)
      this.containers.set(key(a.node, asideName(a.container)), {
        ...stopped,
        name: asideName(a.container),
      });
    await this.step(`create ${a.node} ${a.container} ${a.image}`);
    if (this.failingCreates.has(`${a.node} ${a.image}`)) {
      // Not even started: the old one goes back in place, as the real replace does.
      const aside = this.containers.get(key(a.node, asideName(a.container)));
      this.containers.delete(key(a.node, asideName(a.container)));
      if (aside) this.containers.set(k, { ...aside, name: a.container, status: "running" });
      throw new Error(`${a.node}: no such image ${a.image}`);
    }
    const labels: Record<string, string> = { ...(old?.labels ?? {}) };
    for (const [lk, v] of Object.entries(a.labels)) {
      if (v === null) delete labels[lk];
      else labels[lk] = v;
    }
    this.containers.set(k, {
      node: a.node,
      name: a.container,
      image: a.image,
      status: this.crashing.has(`${a.node} ${a.image}`) ? "restarting" : "running",
      health: this.healthFor(a.node, a.image),
      labels,
    });
    this.processPins.set(k, this.configuredPin(a.node, a.container));
    if (!a.keepAside) this.containers.delete(key(a.node, asideName(a.container)));
  }
  async restore(node: string, container: string) {
    await this.step(`restore ${node} ${container}`);
    const aside = this.containers.get(key(node, asideName(container)));
    if (!aside) throw new Error(`no ${asideName(container)} on ${node}`);
    this.containers.delete(key(node, asideName(container)));
    this.containers.set(key(node, container), {
      ...aside,
      name: container,
      status: "running",
      health: this.healthFor(node, aside.image),
    });
    this.processPins.set(key(node, container), this.configuredPin(node, container));
  }
  async retire(node: string, container: string) {
    await this.step(`retire ${node} ${container}`);
    this.containers.delete(key(node, asideName(container)));
  }
  async restart(node: string, container: string) {
    await this.step(`restart ${node} ${container}`);
    const c = this.containers.get(key(node, container));
    if (c)
      this.containers.set(key(node, container), {
        ...c,
        status: "running",
        health: this.healthFor(node, c.image),
      });
    this.processPins.set(key(node, container), this.configuredPin(node, container));
  }
  async reload(a: ReloadAction) {
    await this.step(`reload ${a.node} ${a.container} ${a.signal}`);
    this.processPins.set(key(a.node, a.container), this.configuredPin(a.node, a.container));
  }
  async setConfig(a: SetConfigAction) {
    await this.step(`config ${a.node} ${a.path} ${a.key}=${a.value}`);
    const k = `${a.node}:${a.path}:${a.key}`;
    const previous = this.configs.get(k) ?? null;
    this.configs.set(k, a.value);
    return previous;
  }
  /** Galera (as its pack asks): Synced, in a cluster of the running members; a broker: booted. */
  async memberBack(a: WaitMemberAction) {
    if (a.service === "rabbitmq") {
      await this.step(`rabbit ${a.node}`);
      return { ok: true, seen: "booted" };
    }
    await this.step(`galera ${a.node}`);
    const size = [...this.containers.values()].filter(
      (c) => c.name === "mariadb" && c.status === "running",
    ).length;
    return { ok: size >= a.size, seen: `Synced, size ${size}` };
  }
  /** Broker-side drains asked for; false: no broker answers (the drain is not done). */
  brokerAnswers = true;
  async rpcDrain(a: { node: string; container: string; queues: readonly string[] }) {
    await this.step(`rpc-drain ${a.node} ${a.container}`);
    return this.brokerAnswers ? a.queues.map((q) => `${q} ×1`) : undefined;
  }
  /** Database-side ring-outs asked for; false: no database answers (it stays in the ring). */
  databaseAnswers = true;
  async ringOut(a: { node: string; container: string; host: string }) {
    await this.step(`ring-out ${a.node} ${a.container} ${a.host}`);
    return this.databaseAnswers ? "1 hardware type(s) unregistered" : undefined;
  }
  async busy(service: string) {
    await this.step(`${service}-busy`);
    return [];
  }
  async moveVip(from: string | undefined, to: string) {
    await this.step(`vip ${from ?? "-"} ${to}`);
    this.vipHolder = to;
  }
  logTail() {
    return Promise.resolve("fake log line");
  }
}
