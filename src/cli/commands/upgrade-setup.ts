/**
 * Shared by `kroll plan`, `kroll upgrade` and `kroll run`: the scenario's target-phase kolla
 * inputs (its passwords kept; written only when the command changes the cluster), the desired
 * state, and the cluster operations over a session.
 */
import { UsageError } from "../../core/errors.js";
import { formatIssue } from "../../core/errors.js";
import { DEPLOYABLE, renderDeploy } from "../../deploy/render.js";
import { generateKollaInputs, writeKollaInputs } from "../../inventory/emit.js";
import { placeholderSecretSource } from "../../inventory/secrets.js";
import { frontUrl, vipPrefix } from "../../scenario/derived.js";
import { readScenario } from "../../scenario/read.js";
import type { LoadedScenario } from "../../scenario/read.js";
import type { Scenario } from "../../scenario/schema.js";
import { packWithRole } from "../../services/catalogue.js";
import { createClusterOps } from "../../upgrade/cluster-ops.js";
import { desiredState } from "../../upgrade/desired.js";
import type { UpgradeOps } from "../../upgrade/ops.js";
import type { Desired, Strategy } from "../../upgrade/types.js";
import type { CommandContext } from "../context.js";
import type { ClusterSession } from "./cluster-session.js";
import { kollaDirFor } from "./deploy.js";

export interface UpgradeSetup {
  readonly loaded: LoadedScenario;
  readonly desired: Desired;
  readonly passwords: Readonly<Record<string, unknown>>;
  /** "node container" of every container `kroll deploy` lays out (when it can deploy them all). */
  readonly deployable: ReadonlySet<string> | undefined;
}

export function parseStrategy(v: string | undefined): Strategy | undefined {
  if (v === undefined) return undefined;
  if (v === "rolling" || v === "kolla-ansible") return v;
  throw new UsageError(`--strategy: expected "rolling" or "kolla-ansible", got "${v}"`);
}

export async function prepareUpgrade(
  ctx: CommandContext<unknown>,
  file: string,
  strategy: Strategy | undefined,
  kollaDir: string | undefined,
  /** false for `kroll plan`, which reads and prints only: the kolla directory is left as it is. */
  write = true,
  /** --adopt: the kolla directory may be an operator's (only missing files written). */
  adopt = false,
  /** What the command changes in the scenario as read (changes under review). */
  transform: (s: Scenario) => Scenario = (s) => s,
): Promise<UpgradeSetup> {
  const read = await readScenario(file, ctx.cwd, ctx.sets);
  const loaded = { ...read, scenario: transform(read.scenario) };
  for (const w of loaded.warnings) ctx.out.note(`warning: ${formatIssue(w)}`);
  const s = loaded.scenario;
  const request = {
    loaded,
    outDir: kollaDirFor(loaded, ctx.cwd, kollaDir),
    home: ctx.home,
    cwd: ctx.cwd,
    phase: "target" as const,
    adopt,
  };
  const gen = write
    ? await writeKollaInputs(request)
    : await generateKollaInputs({ ...request, secrets: placeholderSecretSource });
  if (!write && gen.passwords.generated.length > 0)
    ctx.out.note(
      `note: ${request.outDir}/passwords.yml lacks ${gen.passwords.generated.length} secrets; the plan uses placeholders (kroll inventory generates them once)`,
    );
  // When kroll deployed the cluster it knows each container's target config hash, and keeps
  // it as a label so a later `kroll deploy` of the same config sees no change.
  let configHashes: Map<string, string> | undefined;
  if (s.services.every((x) => DEPLOYABLE.includes(x))) {
    const plan = renderDeploy({
      scenario: s,
      tree: gen.tree,
      passwords: gen.passwords.values,
      phase: "target",
    });
    configHashes = new Map(
      plan.services.flatMap((sp) =>
        sp.units.map((u) => [`${u.node} ${u.container}`, u.configHash]),
      ),
    );
  }
  const desired = desiredState(s, {
    ...(strategy ? { strategy } : {}),
    ...(configHashes ? { configHashes } : {}),
  });
  return {
    loaded,
    desired,
    passwords: gen.passwords.values,
    deployable: configHashes ? new Set(configHashes.keys()) : undefined,
  };
}

export function opsFor(
  ctx: CommandContext<unknown>,
  setup: UpgradeSetup,
  session: ClusterSession,
  beforeRemove?: (node: string, name: string, as: string) => Promise<void>,
): UpgradeOps {
  const s = setup.loaded.scenario;
  const addresses = new Map(s.cluster.nodes.map((n) => [n.name, n.address]));
  const db = setup.passwords[packWithRole("database")?.pack.adminPassword ?? ""];
  return createClusterOps({
    cluster: session.cluster,
    dockers: session.dockers,
    logger: ctx.logger,
    dbRootPassword: typeof db === "string" ? db : undefined,
    apiUrl: (service, component) =>
      setup.desired.targets.some((t) => t.component === component)
        ? frontUrl(s, service, component)
        : undefined,
    authToken: process.env.OS_AUTH_TOKEN,
    addresses,
    dbMembers: [
      ...new Set(setup.desired.targets.filter((t) => t.role === "database").map((t) => t.node)),
    ],
    vipInterface: (node) =>
      s.cluster.nodes.find((n) => n.name === node)?.interfaces?.network ?? s.network.interface,
    vipPrefix: vipPrefix(s),
    scenario: s.name,
    ...(beforeRemove ? { beforeRemove } : {}),
  });
}
