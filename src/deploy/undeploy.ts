/**
 * EFFECT. Takes away a deployment kroll made, and only what it made: the containers labelled
 * with the scenario, the named volumes and config directories that were not there before it,
 * and the VIP it added. `kroll lab smoke` deploys through `deploy()` and leaves the nodes as it
 * found them with this.
 */
import type { Cluster } from "../cluster/connect.js";
import type { DockerApi } from "../cluster/ports.js";
import type { Logger } from "../core/logger.js";
import type { DeployPlan } from "./render.js";
import { LABELS } from "./render.js";

/** What a deployment would add, as it stands on the nodes before it: node → names present. */
export interface Footprint {
  readonly volumes: ReadonlyMap<string, ReadonlySet<string>>;
  readonly dirs: ReadonlyMap<string, ReadonlySet<string>>;
}

const namedVolumes = (plan: DeployPlan, node: string): string[] => [
  ...new Set(
    plan.services
      .flatMap((sp) => sp.units)
      .filter((u) => u.node === node)
      .flatMap((u) => u.spec.binds.map((b) => b.split(":")[0] ?? ""))
      .filter((src) => src !== "" && !src.includes("/")),
  ),
];

const configDirs = (plan: DeployPlan, node: string): string[] => [
  ...new Set(
    plan.services
      .flatMap((sp) => sp.units)
      .filter((u) => u.node === node)
      .map((u) => u.configDir),
  ),
];

const nodesOf = (plan: DeployPlan): string[] => [
  ...new Set(plan.services.flatMap((sp) => sp.units.map((u) => u.node))),
];

/** Which of the plan's volumes and config directories each node has now. */
export async function footprint(cluster: Cluster, plan: DeployPlan): Promise<Footprint> {
  const volumes = new Map<string, Set<string>>();
  const dirs = new Map<string, Set<string>>();
  for (const node of nodesOf(plan)) {
    const sh = cluster.shell(node);
    const have = (await sh.run(["docker", "volume", "ls", "-q"], { timeoutMs: 30_000 }))
      .split("\n")
      .map((l) => l.trim());
    volumes.set(node, new Set(namedVolumes(plan, node).filter((v) => have.includes(v))));
    const present = new Set<string>();
    for (const d of configDirs(plan, node))
      if ((await sh.exec(["test", "-e", d], { timeoutMs: 10_000 })).exitCode === 0) present.add(d);
    dirs.set(node, present);
  }
  return { volumes, dirs };
}

/**
 * Removes the plan's containers that carry the scenario's label (never another's), then the
 * volumes and config directories `before` did not have, then the VIP from `vipHolder`. Returns
 * one line per node of what it removed.
 */
export async function undeploy(
  deps: {
    readonly cluster: Cluster;
    readonly dockers: ReadonlyMap<string, DockerApi>;
    readonly logger: Logger;
  },
  plan: DeployPlan,
  scenario: string,
  before: Footprint,
  vip: { holder: string | undefined; iface: string },
): Promise<string[]> {
  const lines: string[] = [];
  const units = plan.services.flatMap((sp) => sp.units).reverse();
  for (const node of nodesOf(plan)) {
    const docker = deps.dockers.get(node);
    const sh = deps.cluster.shell(node);
    let containers = 0;
    for (const u of units.filter((x) => x.node === node)) {
      const c = await docker?.inspect(u.container);
      if (c?.labels[LABELS.scenario] !== scenario) continue;
      await docker?.remove(u.container);
      containers++;
    }
    const volumes = namedVolumes(plan, node).filter((v) => !before.volumes.get(node)?.has(v));
    for (const v of volumes)
      await sh.exec(["docker", "volume", "rm", "-f", v], { timeoutMs: 60_000 });
    const dirs = configDirs(plan, node).filter((d) => !before.dirs.get(node)?.has(d));
    if (dirs.length > 0) await sh.run(["rm", "-rf", "--", ...dirs], { timeoutMs: 30_000 });
    lines.push(
      `${node}: ${containers} containers, ${volumes.length} volumes, ${dirs.length} config directories removed`,
    );
  }
  if (vip.holder !== undefined) {
    const r = await deps.cluster
      .shell(vip.holder)
      .exec(
        [
          "sh",
          "-c",
          'addr=$(ip -o addr show dev "$1" | awk -v v="$2" \'{ split($4, a, "/"); if (a[1] == v) print $4 }\'); [ -z "$addr" ] || ip addr del "$addr" dev "$1"',
          "vip",
          vip.iface,
          plan.vip,
        ],
        { timeoutMs: 10_000 },
      );
    if (r.exitCode !== 0)
      deps.logger.warn(
        `could not remove the VIP ${plan.vip} from ${vip.holder}: ${r.stderr.trim()}`,
      );
    else lines.push(`${vip.holder}: VIP ${plan.vip} removed`);
  }
  return lines;
}
