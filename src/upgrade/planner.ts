/**
 * PURE. The planner: from what kroll wants (Desired) and what it sees (Observed) it returns the
 * next wave of actions, and nothing else: no I/O, no clock. The executor runs the wave, observes
 * again and asks for the next one (level-triggered, as Kubernetes' deployment controller), so a
 * crash, an interruption or a manual change is picked up from the cluster itself. `simulate`
 * plays the same planner against a model of the cluster for `kroll plan`.
 *
 * Each call looks, in this order, at:
 *   1. repairs: a container left aside by an interrupted swap, a backend left drained;
 *   2. pulls: every image the upgrade needs, on every node, before anything stops;
 *   3. checkpoints whose step is done;
 *   4. the first service in upgrade order with work left, and in it the first stage of its
 *      recipe that is not done; the wave is one batch of that stage (max-unavailable).
 */
import { isRunningHealthy } from "../cluster/wait-healthy.js";
import { isServiceName } from "../services/catalogue.js";
import type { ServiceName } from "../services/catalogue.js";
import { LABELS } from "../deploy/render.js";
import { releaseBefore } from "../kolla/releases.js";
import { maxUnavailableOf, quorumCap } from "./fenceposts.js";
import { packOf, packWithRole, recipeFor } from "../services/catalogue.js";
import type { MemberWait } from "../services/types.js";
import type { Recipe, Stage } from "../services/catalogue.js";
import { ASIDE_SUFFIX, PIN_LABEL, asideName } from "./types.js";
import type {
  Action,
  Desired,
  NextWave,
  Observed,
  ObservedContainer,
  ServerState,
  Target,
  Track,
  Wave,
} from "./types.js";

const key = (node: string, name: string): string => `${node}/${name}`;

/** Markers: what the journal remembers because the cluster cannot show it. */
export const marker = {
  started: (svc: string): string => `svc:${svc}:started`,
  done: (svc: string): string => `svc:${svc}:done`,
  stage: (svc: string, stage: string): string => `svc:${svc}:${stage}`,
  restarted: (svc: string, stage: string, t: Target): string =>
    `svc:${svc}:${stage}:${t.node}/${t.container}`,
  /** A container unpinned in place (its creation-time pin label stays). */
  unpinned: (svc: string, t: Target): string => `svc:${svc}:unpinned:${t.node}/${t.container}`,
  checkpoint: (name: string): string => `checkpoint:${name}`,
};

interface View {
  readonly d: Desired;
  readonly o: Observed;
  readonly live: ReadonlyMap<string, ObservedContainer>;
  /** Each target's container and the copy kept aside, looked up once per call. */
  readonly cur: ReadonlyMap<Target, ObservedContainer | undefined>;
  readonly aside: ReadonlyMap<Target, ObservedContainer | undefined>;
  readonly markers: ReadonlySet<string>;
  readonly images: ReadonlySet<string>;
  readonly rolling: boolean;
  readonly notes: string[];
}

function viewOf(d: Desired, o: Observed): View {
  const live = new Map(o.containers.map((c) => [key(c.node, c.name), c]));
  const cur = new Map<Target, ObservedContainer | undefined>();
  const aside = new Map<Target, ObservedContainer | undefined>();
  const anyAside = o.containers.some((c) => c.name.endsWith(ASIDE_SUFFIX));
  for (const t of d.targets) {
    cur.set(t, live.get(key(t.node, t.container)));
    if (anyAside) aside.set(t, live.get(key(t.node, asideName(t.container))));
  }
  return {
    d,
    o,
    live,
    cur,
    aside,
    markers: new Set(o.markers),
    images: new Set(o.images.map((i) => key(i.node, i.image))),
    rolling: d.strategy === "rolling",
    notes: [],
  };
}

const liveOf = (v: View, t: Target): ObservedContainer | undefined => v.cur.get(t);
/** Runs, and Docker says healthy (or the image has no healthcheck). */
/** Running and healthy, or running without a healthcheck (the same test the waits use). */
/** The loadbalancer's container name (from the pack that holds the role). */
const lbContainer = (v: View): string =>
  v.d.targets.find((t) => t.role === "loadbalancer")?.container ??
  packWithRole("loadbalancer")?.component.container ??
  "";

export const isAvailable = (c: ObservedContainer | undefined): boolean => isRunningHealthy(c);
const isPending = (v: View, t: Target): boolean => {
  const c = liveOf(v, t);
  return c !== undefined && c.image !== t.image;
};
/**
 * Started with the release pin and not unpinned since. A new container drops the label; a reload
 * in place cannot (labels are fixed at creation), so the container's own copy of its config
 * says it (`pinConfigured`, false once the reload laid it out again), and, where that was not
 * read, this journal's marker.
 */
const isPinned = (v: View, t: Target): boolean => {
  const c = liveOf(v, t);
  if (c?.labels[PIN_LABEL] === undefined) return false;
  if (c.pinConfigured !== undefined) return c.pinConfigured;
  return !v.markers.has(marker.unpinned(t.service, t));
};

export function nextWave(d: Desired, o: Observed): NextWave {
  const v = viewOf(d, o);
  const absent = d.targets.filter((t) => !liveOf(v, t) && !v.aside.get(t));
  if (absent.length > 0) {
    v.notes.push(
      `not deployed, left alone: ${absent.map((t) => `${t.container}@${t.node}`).join(", ")}`,
    );
  }
  const wave =
    repairWave(v) ??
    pullWave(v) ??
    checkpointWave(v) ??
    d.order.reduce<Wave | undefined>((w, svc) => w ?? serviceWave(v, svc), undefined);
  return wave ? { done: false, wave, notes: v.notes } : { done: true, notes: v.notes };
}

// ------------------------------------------------------------------ repairs

function serversOf(v: View, backend: string, server: string): ServerState[] {
  return v.o.servers.filter((s) => s.backend === backend && s.server === server);
}

function lbsNotReady(v: View, t: Target): string[] {
  if (t.backend === undefined) return [];
  return serversOf(v, t.backend, t.node)
    .filter((s) => s.admin !== "ready")
    .map((s) => s.lb);
}

function anyNotReady(v: View): boolean {
  return v.o.servers.some((s) => s.admin !== "ready");
}

function repairWave(v: View): Wave | undefined {
  const tracks: Track[] = [];
  const someNotReady = anyNotReady(v);
  for (const t of v.d.targets) {
    const aside = v.aside.get(t);
    const cur = liveOf(v, t);
    const notReady = someNotReady ? lbsNotReady(v, t) : [];
    const ready: Action[] =
      t.backend !== undefined && notReady.length > 0
        ? [{ kind: "ready", lbs: notReady, backend: t.backend, server: t.node }]
        : [];
    if (aside) {
      // An interrupted swap. A new container that is up on its target image is kept
      // (the old one goes); anything else rolls that node back to the old container.
      if (cur && cur.image === t.image && isAvailable(cur)) {
        tracks.push({
          node: t.node,
          actions: [{ kind: "retire", node: t.node, container: t.container }, ...ready],
        });
      } else {
        tracks.push({
          node: t.node,
          actions: [
            { kind: "restore", node: t.node, container: t.container },
            waitHealthy(v, t),
            ...ready,
          ],
        });
      }
    } else if (cur && cur.status !== "running" && cur.status !== "restarting" && !isPending(v, t)) {
      // Stopped on its target image (a restart cut short): start it again.
      tracks.push({
        node: t.node,
        actions: [
          { kind: "restart", node: t.node, container: t.container, stopGraceS: t.stopGraceS },
          waitHealthy(v, t),
          ...ready,
        ],
      });
    } else if (ready.length > 0 && cur && cur.status === "running") {
      tracks.push({
        node: t.node,
        actions: isAvailable(cur) ? ready : [waitHealthy(v, t), ...ready],
      });
    }
    // A drained server whose old container is stopped stays drained: its successor (the
    // next wave of its service) drains it again, replaces it and makes it ready.
  }
  if (v.d.vipManaged && v.o.vipHolder === undefined && v.d.loadbalancers.length > 0) {
    const to = v.d.loadbalancers.find((lb) => isAvailable(v.live.get(key(lb, lbContainer(v)))));
    if (to !== undefined)
      tracks.push({
        node: to,
        actions: [{ kind: "moveVip", from: undefined, to, vip: v.d.vip }],
      });
  }
  if (tracks.length === 0) return undefined;
  return {
    service: "cluster",
    step: "repair",
    why: "an earlier run stopped mid-step: put containers and backends back in a known state",
    tracks,
    markers: [],
  };
}

// ------------------------------------------------------------------ pulls

function pullWave(v: View): Wave | undefined {
  const need = new Map<string, string[]>();
  for (const t of v.d.targets) {
    if (!isPending(v, t) || v.images.has(key(t.node, t.image))) continue;
    const list = need.get(t.node) ?? [];
    if (!list.includes(t.image)) list.push(t.image);
    need.set(t.node, list);
  }
  if (need.size === 0) return undefined;
  return {
    service: "cluster",
    step: "pull",
    why: "every new image on every node before anything stops, so pulls stay off the critical path",
    tracks: [...need].map(([node, images]) => ({
      node,
      actions: images.map((image) => ({ kind: "pull" as const, node, image })),
    })),
    markers: [],
  };
}

// ------------------------------------------------------------------ checkpoints

function serviceOfStep(v: View, after: string): ServiceName | undefined {
  if (isServiceName(after)) return after;
  return v.d.targets.find((t) => t.component === after)?.service;
}

function checkpointWave(v: View): Wave | undefined {
  for (const cp of v.d.checkpoints) {
    if (v.markers.has(marker.checkpoint(cp.name))) continue;
    const svc = serviceOfStep(v, cp.after);
    if (svc === undefined || !v.markers.has(marker.started(svc))) continue;
    let reached: boolean;
    if (isServiceName(cp.after)) {
      reached = v.markers.has(marker.done(cp.after));
    } else {
      const ts = v.d.targets.filter(
        (t) =>
          t.component === cp.after && (cp.node === undefined || t.node === cp.node) && liveOf(v, t),
      );
      reached = ts.length > 0 && ts.every((t) => !isPending(v, t));
    }
    if (!reached) continue;
    return {
      service: svc,
      step: `checkpoint ${cp.name}`,
      why: `hold after ${cp.after}${cp.node ? ` on ${cp.node}` : ""}${cp.hold !== undefined ? ` for ${cp.hold / 1000} s` : ""}${cp.until ? ` until ${cp.until}` : ""}`,
      tracks: [
        {
          node: cp.node,
          actions: [{ kind: "checkpoint", name: cp.name, holdMs: cp.hold, until: cp.until }],
        },
      ],
      markers: [marker.checkpoint(cp.name)],
    };
  }
  return undefined;
}

// ------------------------------------------------------------------ services

function serviceWave(v: View, svc: ServiceName): Wave | undefined {
  const ts = v.d.targets.filter((t) => t.service === svc && liveOf(v, t));
  const anyPending = ts.some((t) => isPending(v, t));
  const anyPinned = ts.some((t) => isPinned(v, t));
  const started = v.markers.has(marker.started(svc));
  const done = v.markers.has(marker.done(svc));
  // Nothing to do: all on target and either finished in this run, or never touched by it
  // and not left pinned (a cluster already upgraded).
  if (!anyPending && (done || (!started && !anyPinned))) return undefined;
  const recipe = recipeFor(svc, v.d.strategy);
  for (const stage of recipe.stages) {
    const w = stageWave(v, svc, recipe, stage, ts);
    if (w) return { ...w, markers: [...w.markers, marker.started(svc)] };
  }
  for (const n of recipe.notes ?? []) v.notes.push(n);
  return {
    service: svc,
    step: "done",
    why: `every ${svc} container on its target image`,
    tracks: [],
    markers: [marker.started(svc), marker.done(svc)],
  };
}

function stageWave(
  v: View,
  svc: ServiceName,
  recipe: Recipe,
  stage: Stage,
  ts: readonly Target[],
): Wave | undefined {
  switch (stage.kind) {
    case "waitIdle": {
      if (v.markers.has(marker.stage(svc, stage.id))) return undefined;
      return {
        service: svc,
        step: stage.id,
        why: stage.what,
        tracks: [
          { node: undefined, actions: [{ kind: "waitIdle", service: svc, timeoutMs: 300_000 }] },
        ],
        markers: [marker.stage(svc, stage.id)],
      };
    }
    case "oneShot":
      return oneShotWave(v, svc, stage, ts);
    case "roll":
      return rollWave(v, svc, recipe, stage, ts);
    case "unpin":
      return unpinWave(v, svc, recipe, stage, ts);
    case "restart":
      return restartWave(v, svc, stage, ts);
  }
}

function oneShotWave(
  v: View,
  svc: ServiceName,
  stage: Extract<Stage, { kind: "oneShot" }>,
  ts: readonly Target[],
): Wave | undefined {
  const m = marker.stage(svc, stage.id);
  if (v.markers.has(m)) return undefined;
  if (stage.afterAll) {
    const keptOld = ts.filter((t) => t.heldBack);
    if (keptOld.length > 0) {
      v.notes.push(
        `${svc}: ${stage.what} not run: ${keptOld.map((t) => `${t.container}@${t.node}`).join(", ")} stay on stable`,
      );
      return undefined;
    }
  }
  const candidates = ts.filter((t) => t.component === stage.component && !t.heldBack);
  const at = stage.on === "first" ? candidates[0] : candidates[candidates.length - 1];
  if (!at) {
    v.notes.push(`${svc}: ${stage.what} not run: no ${stage.component} container to run it from`);
    return undefined;
  }
  return {
    service: svc,
    step: stage.id,
    why: `${stage.what}, once, from the new ${stage.component} image on ${at.node}`,
    tracks: [
      {
        node: at.node,
        actions: [
          {
            kind: "oneShot",
            node: at.node,
            service: svc,
            component: at.component,
            image: at.image,
            configDir: at.configDir,
            mode: stage.mode,
            what: stage.what,
          },
        ],
      },
    ],
    markers: [m],
  };
}

/** The unit a batch counts: a node (all its containers of the stage) or one container. */
interface Unit {
  readonly node: string;
  readonly targets: readonly Target[];
}

function unitsOf(ts: readonly Target[], together: boolean, components: readonly string[]): Unit[] {
  const rank = (t: Target): number => components.indexOf(t.component);
  if (!together) {
    // Component by component (conductors before APIs within a stage), then host order.
    const byComponent = new Map<string, Target[]>(components.map((c) => [c, []]));
    for (const t of ts) byComponent.get(t.component)?.push(t);
    return [...byComponent.values()].flatMap((list) =>
      list.map((t) => ({ node: t.node, targets: [t] })),
    );
  }
  const byNode = new Map<string, Target[]>();
  for (const t of ts) {
    const list = byNode.get(t.node);
    if (list) list.push(t);
    else byNode.set(t.node, [t]);
  }
  return [...byNode].map(([node, list]) => ({
    node,
    targets: list.sort((a, b) => rank(a) - rank(b)),
  }));
}

/**
 * How many units of the stage go in this wave. Rolling: the group's max-unavailable minus what
 * is already down for other reasons (a crashed old container being replaced does not count
 * twice); kolla-ansible: every host at once (serial 0), or its built-in 33% for MariaDB and
 * RabbitMQ.
 */
function budget(
  v: View,
  stage: { readonly settle?: boolean },
  member: MemberWait | undefined,
  all: readonly Unit[],
  pending: readonly Unit[],
): { take: number; downOther: Unit[] } {
  const size = all.length;
  const isPendingUnit = new Set(pending);
  const downOther = all.filter(
    (u) => !isPendingUnit.has(u) && u.targets.some((t) => !isAvailable(liveOf(v, t))),
  );
  if (!v.rolling) {
    const n = stage.settle ? maxUnavailableOf("33%", size) : size;
    return { take: n, downOther: [] };
  }
  const group = all[0]?.targets[0]?.group ?? "";
  let maxU = maxUnavailableOf(v.d.maxUnavailablePerGroup[group] ?? v.d.maxUnavailable, size);
  if (member?.quorum === true) maxU = Math.min(maxU, quorumCap(size));
  return { take: maxU - downOther.length, downOther };
}

function orderUnits(v: View, stage: Extract<Stage, { kind: "roll" }>, units: Unit[]): Unit[] {
  const last =
    stage.order === "backups-first"
      ? v.d.databaseActive
      : stage.order === "vip-last"
        ? (v.o.vipHolder ?? v.d.loadbalancers[0])
        : undefined;
  if (last === undefined) return units;
  return [...units.filter((u) => u.node !== last), ...units.filter((u) => u.node === last)];
}

function rollWave(
  v: View,
  svc: ServiceName,
  recipe: Recipe,
  stage: Extract<Stage, { kind: "roll" }>,
  ts: readonly Target[],
): Wave | undefined {
  const mine = ts.filter((t) => stage.components.includes(t.component));
  const all = unitsOf(mine, stage.together === true, stage.components);
  let pending = orderUnits(
    v,
    stage,
    all.filter((u) => u.targets.some((t) => isPending(v, t))),
  );
  const left = pending.length;
  if (stage.keepOld && v.rolling) {
    const until = stage.keepOld.until;
    const waiting = ts.some((t) => until.includes(t.component) && isPending(v, t));
    if (!waiting) return undefined; // a later stage takes the rest
    pending = pending.slice(0, Math.max(0, pending.length - stage.keepOld.count));
  }
  if (pending.length === 0) return undefined;
  const member = stage.settle ? packOf(svc).member : undefined;
  const { take, downOther } = budget(v, stage, member, all, pending);
  if (take <= 0) return recoveryWave(v, svc, stage.id, downOther);
  // Never replace the last unit of a "last" order (VIP holder, the active database) in the
  // same batch as others: it goes alone, after them.
  const lastNode = orderUnits(v, stage, pending).at(-1)?.node;
  let batch = pending.slice(0, take);
  if (stage.order !== undefined && batch.length > 1 && batch.some((u) => u.node === lastNode))
    batch = batch.filter((u) => u.node !== lastNode);
  const pin = stage.pin ? v.d.pins[svc] : undefined;
  const size = all.length;
  const tracks = batch.map((u) =>
    replaceTrack(
      v,
      u.node,
      u.targets.filter((t) => isPending(v, t)),
      {
        pin: pin !== undefined && recipe.pin ? { ...recipe.pin, value: pin } : undefined,
        member: member ? { service: svc, wait: member } : undefined,
        size,
        vipLast: stage.order === "vip-last",
      },
    ),
  );
  return {
    service: svc,
    step: stage.id,
    why: `${stage.what}: ${batch.map((u) => u.node).join(", ")} (${left - batch.length} left after this wave${v.rolling ? "" : stage.settle ? "; kolla-ansible: serial 33%" : "; kolla-ansible: all hosts at once"})`,
    tracks,
    markers: [],
  };
}

function recoveryWave(v: View, svc: ServiceName, step: string, down: readonly Unit[]): Wave {
  return {
    service: svc,
    step: `${step} (wait)`,
    why: `max unavailable reached by containers already down: wait for ${down.map((u) => u.node).join(", ")}`,
    tracks: down.map((u) => ({
      node: u.node,
      actions: u.targets.map((t) => waitHealthy(v, t)),
    })),
    markers: [],
  };
}

const waitHealthy = (v: View, t: Target): Action => ({
  kind: "waitHealthy",
  node: t.node,
  container: t.container,
  timeoutMs: v.d.healthyTimeoutMs,
});

type PinEdit = { file: string; section: string; key: string; value: string | null };

/** The pin set (or removed, null) in the target's config file on its node; none without one. */
const pinEdit = (t: Target, pin: PinEdit): Action[] =>
  t.configFile === undefined
    ? []
    : [
        {
          kind: "setConfig",
          node: t.node,
          container: t.container,
          path: `${t.configDir}${pin.file}`,
          section: pin.section,
          key: pin.key,
          value: pin.value,
        },
      ];

interface ReplaceOpts {
  readonly pin: PinEdit | undefined;
  /** Each replaced member waits until back as its pack says. */
  readonly member: { readonly service: ServiceName; readonly wait: MemberWait } | undefined;
  readonly size: number;
  readonly vipLast: boolean;
  /** Same image, new config (unpin): only the pin label changes. */
  readonly sameImage?: boolean;
}

/**
 * One node's swap, rolling: (VIP away) → drain its backends on every loadbalancer →
 * wait for their sessions to end → per container: config, recreate (old kept aside), healthy
 * (and Galera Synced / RabbitMQ booted) → backends UP → ready → retire the old containers.
 * kolla-ansible: config and recreate only (stop, remove, create, start), nothing else.
 */
function replaceTrack(v: View, node: string, ts: readonly Target[], o: ReplaceOpts): Track {
  const d = v.d;
  const lbs = d.loadbalancers;
  const actions: Action[] = [];
  // Rolling: the VIP holder's HAProxy is replaced in place, the new one taking over the
  // listeners before the old one soft-stops (overlap), so the VIP never moves: a move sends
  // every established connection through it (clients' keep-alive, services' database
  // connections) to a host that resets it. kolla-ansible's way moves it, as VRRP would.
  if (o.vipLast && d.vipManaged && !v.rolling && (v.o.vipHolder ?? lbs[0]) === node) {
    const to = lbs.find(
      (lb) =>
        lb !== node &&
        isAvailable(v.live.get(key(lb, lbContainer(v)))) &&
        !d.targets.some((t) => t.node === lb && t.role === "loadbalancer" && isPending(v, t)),
    );
    if (to !== undefined) actions.push({ kind: "moveVip", from: node, to, vip: d.vip });
    else
      v.notes.push(
        `loadbalancer: no other loadbalancer to take the VIP from ${node}; expect an outage`,
      );
  }
  const drained = v.rolling && d.drain && lbs.length > 0;
  const apis = drained ? ts.filter((t) => t.backend !== undefined) : [];
  for (const t of apis)
    actions.push({ kind: "drain", lbs, backend: t.backend ?? "", server: node });
  for (const t of apis)
    actions.push({
      kind: "waitDrained",
      lbs,
      backend: t.backend ?? "",
      server: node,
      // Pooled clients (a database's) never leave by themselves: their pack's clientDrain
      // closes their idle sessions, then cuts what is still open at the deadline.
      timeoutMs: t.clientDrain
        ? Math.min(d.drainTimeoutMs, t.clientDrain.timeoutMs)
        : d.drainTimeoutMs,
      force: t.clientDrain !== undefined,
      ...(t.clientDrain
        ? { closeIdle: { node, container: t.container, afterMs: t.clientDrain.closeIdleAfterMs } }
        : {}),
    });
  for (const t of ts) {
    if (o.pin) actions.push(...pinEdit(t, o.pin));
    if (v.rolling && d.rpcDrain && t.rpc && d.brokers.length > 0 && isAvailable(liveOf(v, t)))
      actions.push({
        kind: "rpcDrain",
        node,
        container: t.container,
        stopGraceS: t.stopGraceS,
        process: t.rpc.process,
        queues: t.rpc.queues,
        brokers: d.brokers,
      });
    if (
      v.rolling &&
      d.rpcDrain &&
      t.ring !== undefined &&
      d.databases.length > 0 &&
      isAvailable(liveOf(v, t))
    )
      actions.push({
        kind: "ringOut",
        service: t.service,
        node,
        container: t.container,
        stopGraceS: t.stopGraceS,
        host: t.ring.host,
        databases: d.databases,
        // The service's own timings (its pack's dbRing).
        settleMs: t.ring.settleMs,
        timeoutMs: t.ring.timeoutMs,
      });
    const final = o.pin === undefined || o.pin.value === null;
    actions.push({
      kind: "recreate",
      node,
      service: t.service,
      component: t.component,
      container: t.container,
      from: liveOf(v, t)?.image ?? t.stable,
      image: t.image,
      labels: {
        [LABELS.image]: t.image,
        [PIN_LABEL]: o.pin && o.pin.value !== null ? o.pin.value : null,
        // An adopted container (the operator's, not kroll's) keeps its own config: kroll's
        // rendered hash would claim a config it does not run.
        ...(t.configHash !== undefined && !isAdopted(liveOf(v, t))
          ? { [LABELS.config]: final ? t.configHash : `${t.configHash}+pinned` }
          : {}),
      },
      stopGraceS: t.stopGraceS,
      keepAside: v.rolling,
      // The loadbalancer is replaced in place: the new one beside the old (SO_REUSEPORT).
      ...(v.rolling && t.role === "loadbalancer" ? { overlap: true } : {}),
    });
    if (v.rolling) actions.push(waitHealthy(v, t));
    if (o.member)
      actions.push({
        kind: "waitMember",
        service: o.member.service,
        node,
        container: t.container,
        size: o.size,
        what: o.member.wait.what,
        timeoutMs: d.healthyTimeoutMs,
      });
  }
  for (const t of apis)
    actions.push({
      kind: "waitBackendUp",
      lbs,
      backend: t.backend ?? "",
      server: node,
      timeoutMs: d.healthyTimeoutMs,
    });
  for (const t of apis)
    actions.push({ kind: "ready", lbs, backend: t.backend ?? "", server: node });
  // The active database member is back (Galera): the clients that moved to a backup while it was
  // out stay there (HAProxy sends only new connections to it) and the cluster has two writers,
  // whose conflicting commits fail as deadlocks (1213) for as long as the pools keep those
  // connections (an hour). Their idle connections on the other members are closed as during a
  // drain, so the pools reconnect to it between two queries.
  if (o.member?.wait.pullsClientsBack === true && node === d.databaseActive)
    for (const t of apis)
      for (const other of d.targets.filter(
        (x) => x.component === t.component && x.node !== node && liveOf(v, x) !== undefined,
      ))
        actions.push({
          kind: "waitDrained",
          lbs,
          backend: t.backend ?? "",
          server: other.node,
          timeoutMs: Math.min(d.drainTimeoutMs, other.clientDrain?.timeoutMs ?? 30_000),
          force: true,
          closeIdle: {
            node: other.node,
            container: other.container,
            afterMs: other.clientDrain?.closeIdleAfterMs ?? 12_000,
          },
        });
  if (v.rolling) for (const t of ts) actions.push({ kind: "retire", node, container: t.container });
  return { node, actions };
}

/**
 * The next batch of an unpin or restart stage: the first of its components (conductors before
 * APIs) with a container still to do, one container per unit, as many units as the stage's
 * availability budget allows; a wave that waits for containers already down when the budget is
 * spent; undefined when nothing is left to do.
 */
function nextBatch(
  v: View,
  svc: ServiceName,
  stage: { readonly id: string; readonly components: readonly string[] },
  mine: readonly Target[],
  toDo: (t: Target) => boolean,
): { comp: string; all: Unit[]; batch: Unit[] } | Wave | undefined {
  const comp = stage.components.find((c) => mine.some((t) => t.component === c && toDo(t)));
  if (comp === undefined) return undefined;
  const all = unitsOf(
    mine.filter((t) => t.component === comp),
    false,
    stage.components,
  );
  const pending = all.filter((u) => u.targets.some(toDo));
  const { take, downOther } = budget(v, {}, undefined, all, pending);
  if (take <= 0) return recoveryWave(v, svc, stage.id, downOther);
  return { comp, all, batch: pending.slice(0, take) };
}

function unpinWave(
  v: View,
  svc: ServiceName,
  recipe: Recipe,
  stage: Extract<Stage, { kind: "unpin" }>,
  ts: readonly Target[],
): Wave | undefined {
  const pinSpec = recipe.pin;
  if (!pinSpec || v.d.pins[svc] === undefined) return undefined;
  const mine = ts.filter((t) => stage.components.includes(t.component));
  const pinned = mine.filter((t) => isPinned(v, t));
  if (pinned.length === 0) return undefined;
  const kept = mine.filter((t) => t.heldBack);
  if (kept.length > 0) {
    v.notes.push(
      `${svc} stays pinned to ${v.d.pins[svc]}: ${kept.map((t) => `${t.container}@${t.node}`).join(", ")} stay on stable`,
    );
    return undefined;
  }
  const next = nextBatch(v, svc, stage, mine, (t) => isPinned(v, t));
  if (next === undefined || "step" in next) return next;
  const { comp, all, batch } = next;
  const live =
    v.rolling &&
    (stage.live ?? []).includes(comp) &&
    (stage.liveBefore === undefined || releaseBefore(v.d.release, stage.liveBefore));
  return {
    service: svc,
    step: stage.id,
    why: `${stage.what}: ${comp} on ${batch.map((u) => u.node).join(", ")}${live ? " (in place: SIGHUP)" : ""}`,
    tracks: batch.map((u) =>
      live
        ? reloadTrack(v, u.node, u.targets, { ...pinSpec, value: null })
        : replaceTrack(v, u.node, u.targets, {
            pin: { ...pinSpec, value: null },
            member: undefined,
            size: all.length,
            vipLast: false,
            sameImage: true,
          }),
    ),
    markers: live ? batch.flatMap((u) => u.targets.map((t) => marker.unpinned(svc, t))) : [],
  };
}

/**
 * A config change taken without a restart: the option edited in the node's config, laid out
 * again in the running container and the process signalled; then the usual health wait.
 */
function reloadTrack(v: View, node: string, ts: readonly Target[], pin: PinEdit): Track {
  const actions: Action[] = [];
  for (const t of ts) {
    actions.push(...pinEdit(t, pin));
    actions.push({ kind: "reload", node, container: t.container, signal: "SIGHUP" });
    actions.push(waitHealthy(v, t));
  }
  return { node, actions };
}

function restartWave(
  v: View,
  svc: ServiceName,
  stage: Extract<Stage, { kind: "restart" }>,
  ts: readonly Target[],
): Wave | undefined {
  const mine = ts.filter((t) => stage.components.includes(t.component));
  const next = nextBatch(
    v,
    svc,
    stage,
    mine,
    (t) => !v.markers.has(marker.restarted(svc, stage.id, t)),
  );
  if (next === undefined || "step" in next) return next;
  const { comp, batch } = next;
  const lbs = v.d.loadbalancers;
  const drained = v.rolling && v.d.drain && lbs.length > 0;
  return {
    service: svc,
    step: stage.id,
    why: `${stage.what}: ${comp} on ${batch.map((u) => u.node).join(", ")}`,
    tracks: batch.map((u) => {
      const actions: Action[] = [];
      for (const t of u.targets) {
        const api = drained && t.backend !== undefined;
        if (api) {
          actions.push({ kind: "drain", lbs, backend: t.backend ?? "", server: u.node });
          actions.push({
            kind: "waitDrained",
            lbs,
            backend: t.backend ?? "",
            server: u.node,
            timeoutMs: v.d.drainTimeoutMs,
            force: false,
          });
        }
        actions.push({
          kind: "restart",
          node: u.node,
          container: t.container,
          stopGraceS: t.stopGraceS,
        });
        if (v.rolling) actions.push(waitHealthy(v, t));
        if (api) {
          actions.push({
            kind: "waitBackendUp",
            lbs,
            backend: t.backend ?? "",
            server: u.node,
            timeoutMs: v.d.healthyTimeoutMs,
          });
          actions.push({ kind: "ready", lbs, backend: t.backend ?? "", server: u.node });
        }
      }
      return { node: u.node, actions };
    }),
    markers: batch.flatMap((u) => u.targets.map((t) => marker.restarted(svc, stage.id, t))),
  };
}

// ------------------------------------------------------------------ simulation

/** The state a cluster is in before the upgrade, as the scenario describes it (for `kroll plan --offline`). */
export function assumedStable(d: Desired): Observed {
  return {
    containers: d.targets.map((t) => ({
      node: t.node,
      name: t.container,
      image: t.stable,
      status: "running" as const,
      health: "healthy" as const,
      labels: {},
    })),
    images: [],
    servers: d.loadbalancers.flatMap((lb) =>
      d.targets
        .filter((t) => t.backend !== undefined)
        .map((t) => ({
          lb,
          backend: t.backend ?? "",
          server: t.node,
          admin: "ready" as const,
          status: "UP",
          sessions: 0,
        })),
    ),
    vipHolder: d.vipManaged ? d.loadbalancers[0] : undefined,
    markers: [],
  };
}

/** PURE. What a wave does to the model when every action succeeds (Docker, HAProxy, VIP). */
export function applyWave(o: Observed, w: Wave): Observed {
  const containers = new Map(o.containers.map((c) => [key(c.node, c.name), c]));
  const images = [...o.images];
  let servers = [...o.servers];
  let vipHolder = o.vipHolder;
  /** Config edits of this wave, by container (a reload makes its process read them). */
  const edits = new Map<string, string | null>();
  const setAdmin = (
    lbs: readonly string[],
    backend: string,
    server: string,
    admin: ServerState["admin"],
  ): void => {
    servers = servers.map((s) =>
      lbs.includes(s.lb) && s.backend === backend && s.server === server
        ? { ...s, admin, status: admin === "ready" ? "UP" : admin.toUpperCase() }
        : s,
    );
  };
  for (const a of w.tracks.flatMap((t) => t.actions)) {
    switch (a.kind) {
      case "pull":
        images.push({ node: a.node, image: a.image });
        break;
      case "drain":
        setAdmin(a.lbs, a.backend, a.server, "drain");
        break;
      case "ready":
        setAdmin(a.lbs, a.backend, a.server, "ready");
        break;
      case "recreate": {
        const old = containers.get(key(a.node, a.container));
        if (a.keepAside && old)
          containers.set(key(a.node, asideName(a.container)), {
            ...old,
            name: asideName(a.container),
            status: "exited",
          });
        const labels: Record<string, string> = { ...(old?.labels ?? {}) };
        for (const [k, val] of Object.entries(a.labels)) {
          if (val === null) delete labels[k];
          else labels[k] = val;
        }
        containers.set(key(a.node, a.container), {
          node: a.node,
          name: a.container,
          image: a.image,
          status: "running",
          health: "healthy",
          labels,
        });
        break;
      }
      case "retire":
        containers.delete(key(a.node, asideName(a.container)));
        break;
      case "restore": {
        const aside = containers.get(key(a.node, asideName(a.container)));
        containers.delete(key(a.node, asideName(a.container)));
        if (aside)
          containers.set(key(a.node, a.container), {
            ...aside,
            name: a.container,
            status: "running",
            health: "healthy",
          });
        break;
      }
      case "moveVip":
        vipHolder = a.to;
        break;
      case "setConfig":
        edits.set(key(a.node, a.container), a.value);
        break;
      case "reload": {
        // The process reads the config as edited (the only option kroll edits is the pin).
        const c = containers.get(key(a.node, a.container));
        const edit = edits.get(key(a.node, a.container));
        if (c && edit !== undefined)
          containers.set(key(a.node, a.container), { ...c, pinConfigured: edit !== null });
        break;
      }
      case "waitIdle":
      case "oneShot":
      case "waitDrained":
      case "rpcDrain":
      case "ringOut":
      case "restart":
      case "waitHealthy":
      case "waitBackendUp":
      case "waitMember":
      case "checkpoint":
        break;
    }
  }
  return {
    containers: [...containers.values()],
    images,
    servers,
    vipHolder,
    markers: [...new Set([...o.markers, ...w.markers])],
  };
}

export interface Simulation {
  readonly waves: readonly Wave[];
  readonly notes: readonly string[];
  readonly final: Observed;
}

/** The whole plan: the planner against the model until it says done (what `kroll plan` prints). */
export function simulate(d: Desired, initial: Observed, maxWaves = 100_000): Simulation {
  const waves: Wave[] = [];
  const notes = new Set<string>();
  let o = initial;
  for (let i = 0; i < maxWaves; i++) {
    const next = nextWave(d, o);
    for (const n of next.notes) notes.add(n);
    if (next.done) return { waves, notes: [...notes], final: o };
    waves.push(next.wave);
    o = applyWave(o, next.wave);
  }
  throw new Error(`the plan did not finish within ${maxWaves} waves (a planner bug)`);
}

/** Containers an observation holds aside (renamed by an interrupted swap). */
export function asideContainers(o: Observed): ObservedContainer[] {
  return o.containers.filter((c) => c.name.endsWith(ASIDE_SUFFIX));
}

/** A container kroll did not create (no scenario label): the operator's, taken over by --adopt. */
export function isAdopted(c: ObservedContainer | undefined): boolean {
  return c !== undefined && c.labels[LABELS.scenario] === undefined;
}

/**
 * The target containers running on the cluster that kroll did not create (`kroll upgrade` and
 * `kroll run` replace none of them without --adopt), as "container@node".
 */
export function foreignContainers(d: Desired, o: Pick<Observed, "containers">): string[] {
  const names = new Set(d.targets.map((t) => `${t.container}@${t.node}`));
  return o.containers
    .filter((c) => names.has(`${c.name}@${c.node}`) && isAdopted(c))
    .map((c) => `${c.name}@${c.node}`);
}
