/**
 * EFFECT. `kroll lab smoke`: proves the lab's stable images on the lab's nodes. It deploys the
 * lab's cloud through the very path `kroll deploy` takes (the packs' rendering, kolla's
 * config.json and KOLLA_BOOTSTRAP one-shots, HAProxy and the VIP), runs each service's own smoke
 * proof through the VIP (Ironic: a fake-hardware node to active; Heat: a stack to
 * CREATE_COMPLETE), then takes away everything it added. It starts only on nodes that run none
 * of the scenario's containers: it never touches a cloud someone deployed.
 */
import { sendTo } from "../cluster/http-client.js";
import type { Cluster } from "../cluster/connect.js";
import type { DockerApi } from "../cluster/ports.js";
import type { Clock } from "../core/clock.js";
import { EnvironmentError, RunFailedError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { DeployReport } from "../deploy/deploy.js";
import type { DeployPlan } from "../deploy/render.js";
import { LABELS } from "../deploy/render.js";
import { footprint, undeploy } from "../deploy/undeploy.js";
import type { Footprint } from "../deploy/undeploy.js";
import { frontUrl, loadbalancerEnabled } from "../scenario/derived.js";
import type { Scenario } from "../scenario/schema.js";
import { packOf, SERVICES } from "../services/catalogue.js";

export interface SmokeDeps {
  readonly cluster: Cluster;
  readonly dockers: ReadonlyMap<string, DockerApi>;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The plan `kroll deploy` would carry out for the scenario's stable phase. */
  readonly plan: () => Promise<DeployPlan>;
  /** `kroll deploy`'s deploy of that plan. */
  readonly deploy: () => Promise<DeployReport>;
}

export async function labSmoke(deps: SmokeDeps, s: Scenario): Promise<{ lines: string[] }> {
  const log = deps.logger.child({ service: "smoke" });
  const lines: string[] = [];
  const t0 = deps.clock.now();
  const stamp = (msg: string): void => {
    lines.push(`  ${((deps.clock.now() - t0) / 1000).toFixed(1).padStart(6)}s  ${msg}`);
    log.info(msg);
  };

  // Only on nodes that run none of the scenario's containers: what smoke removes is what it made.
  const present: string[] = [];
  for (const [node, d] of deps.dockers)
    for (const c of await d.list({ [LABELS.scenario]: s.name })) present.push(`${c.name}@${node}`);
  if (present.length > 0)
    throw new EnvironmentError(
      `the lab's nodes already run scenario "${s.name}" (${present.slice(0, 4).join(", ")}${present.length > 4 ? ", …" : ""}): smoke deploys on empty nodes and removes what it deployed; \`kroll status\` shows the cloud there, \`kroll lab down\` then \`kroll lab up\` empties the nodes`,
    );

  const plan = await deps.plan();
  const before: Footprint = await footprint(deps.cluster, plan);
  let report: DeployReport | undefined;
  try {
    stamp(`deploying scenario "${s.name}" on the stable images (as kroll deploy does)`);
    report = await deps.deploy();
    const deployed = report.units.filter((u) => u.action !== "unchanged");
    stamp(
      `${deployed.length} containers deployed on ${[...new Set(deployed.map((u) => u.node))].join(", ")}`,
    );
    const proved: string[] = [];
    for (const service of SERVICES) {
      const proof = packOf(service).smoke;
      if (!proof || !s.services.includes(service)) continue;
      await proof.run(sendTo(frontUrl(s, service, proof.api)), deps.clock, stamp);
      proved.push(service);
    }
    if (proved.length === 0)
      throw new RunFailedError(`scenario "${s.name}" has no service with a smoke proof`);
    lines.unshift(
      `smoke passed on the stable images: ${deployed.length} containers of ${plan.services.map((sp) => sp.service).join(", ")}; proofs of ${proved.join(", ")} through the ${loadbalancerEnabled(s) ? "VIP" : "first node"}`,
    );
    return { lines };
  } finally {
    const holder = report?.vipHolder;
    const iface =
      s.cluster.nodes.find((n) => n.name === holder)?.interfaces?.network ?? s.network.interface;
    const removed = await undeploy(deps, plan, s.name, before, { holder, iface }).catch(
      (e: unknown) => {
        log.warn(`removing the smoke's deployment failed: ${(e as Error).message}`);
        return [`removing the smoke's deployment failed: ${(e as Error).message}`];
      },
    );
    for (const l of removed) stamp(l);
  }
}
