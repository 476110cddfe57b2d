/**
 * PURE. What `kroll deploy` lays down, node by node, as kolla-ansible would: for each component
 * on each host of its group, the /etc/kolla/<component>/ directory (config.json plus the
 * service's config files: kroll's template merged with the /etc/kolla/config overrides in
 * kolla's order) and the container (kolla's name, host networking, the config directory
 * read-only, the kolla_logs volume, KOLLA_CONFIG_STRATEGY, restart policy, healthcheck, labels).
 * Every unit carries a hash of all of that, so a second deploy can tell "no change".
 */
import { createHash } from "node:crypto";
import type { ContainerSpec } from "../cluster/ports.js";
import { SERVICES, componentsFor, packOf, packWithRole } from "../services/catalogue.js";
import type { Component, ServiceName } from "../services/catalogue.js";
import type { ConfigJsonFile, IniObject, RenderContext, RenderedFile } from "../services/types.js";

export type { ConfigJsonFile, RenderedFile };
import { iniFromObject, mergeIni, renderIni } from "../kolla/ini.js";
import type { Ini } from "../kolla/ini.js";
import { hostsOfGroup, layoutFor } from "../kolla/layout.js";
import { kollaChain } from "../inventory/overrides.js";
import type { ConfigTree } from "../inventory/overrides.js";
import type { Phase } from "../inventory/phase.js";
import { tagFor } from "../inventory/phase.js";
import { loadbalancerEnabled, vipFailoverRequested } from "../scenario/derived.js";
import type { Scenario } from "../scenario/schema.js";

/** What this version of `kroll deploy` can lay out: the services whose pack renders. */
export const DEPLOYABLE: readonly ServiceName[] = SERVICES.filter(
  (x) => packOf(x).render !== undefined,
);

export const LABELS = {
  scenario: "org.openstack.kroll.scenario",
  service: "org.openstack.kroll.service",
  component: "org.openstack.kroll.component",
  image: "org.openstack.kroll.image",
  config: "org.openstack.kroll.config-hash",
} as const;

export interface ContainerUnit {
  readonly node: string;
  readonly address: string;
  readonly service: ServiceName;
  readonly component: string;
  readonly container: string;
  readonly image: string;
  /** /etc/kolla/<component>/ on the node. */
  readonly configDir: string;
  readonly files: readonly RenderedFile[];
  readonly spec: ContainerSpec;
  readonly configHash: string;
}

export interface ServicePlan {
  readonly service: ServiceName;
  /** Components in start order (workers before APIs), units per component in host order. */
  readonly units: readonly ContainerUnit[];
}

export interface DeployPlan {
  readonly services: readonly ServicePlan[];
  readonly vip: string;
  /** The loadbalancer host that holds the VIP when no VRRP daemon holds it. */
  readonly vipHolder: string | undefined;
  readonly loadbalancers: readonly string[];
  readonly databases: readonly { name: string; user: string; password: string }[];
  readonly secrets: { readonly dbRoot: string; readonly broker: string };
}

export interface RenderInput {
  readonly scenario: Scenario;
  readonly tree: ConfigTree;
  readonly passwords: Readonly<Record<string, unknown>>;
  readonly phase: Phase;
}

/** config.json as kolla_set_configs reads it: the command, files to copy, permissions to fix. */
export function kollaConfigJson(
  command: string,
  files: readonly ConfigJsonFile[],
  logs: { path: string; owner: string },
): string {
  const body = {
    command,
    config_files: files.map((f) => ({
      source: `/var/lib/kolla/config_files/${f.name}`,
      dest: f.dest,
      owner: f.owner,
      perm: "0600",
    })),
    permissions: [{ path: logs.path, owner: logs.owner, recurse: true }],
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/** kolla's merge: kroll's template, then global.conf → <svc>.conf → <svc>/<comp>.conf → <svc>/<host>/<svc>.conf. */
export function mergeWithOverrides(
  tree: ConfigTree,
  base: IniObject,
  service: ServiceName,
  component: string,
  host: string,
): string {
  let ini: Ini = iniFromObject(base, "kroll template");
  for (const file of kollaChain(service, component, host)) {
    const entry = tree.get(file);
    if (entry?.kind === "ini") ini = mergeIni(ini, entry.ini);
  }
  return renderIni(ini);
}

function secret(passwords: Readonly<Record<string, unknown>>, key: string): string {
  const v = passwords[key];
  if (typeof v !== "string" || v === "") throw new Error(`passwords.yml has no value for ${key}`);
  return v;
}

const sha = (parts: readonly string[]): string =>
  createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 16);

export const KOLLA_LOGS = "kolla_logs:/var/log/kolla/";

/** Healthchecks: kolla's scripts, probed often enough for a rolling upgrade to notice quickly. */
function healthcheck(test: string): NonNullable<ContainerSpec["healthcheck"]> {
  return {
    test: ["CMD-SHELL", test],
    intervalMs: 5_000,
    timeoutMs: 10_000,
    retries: 3,
    startPeriodMs: 5_000,
  };
}

export function renderDeploy(input: RenderInput): DeployPlan {
  const { scenario: s, tree, passwords, phase } = input;
  const layout = layoutFor(s.kolla.release);
  const nodes = s.cluster.nodes;
  const addr = (host: string): string => nodes.find((n) => n.name === host)?.address ?? host;
  const hostsOf = (group: string): string[] => hostsOfGroup(layout, group, nodes);
  const vip = s.network.internal_vip;
  const database = packWithRole("database");
  const broker = packWithRole("broker");
  const dbHost = loadbalancerEnabled(s)
    ? vip
    : addr(hostsOf(database?.component.group ?? "")[0] ?? "");
  const brokerHost = broker ? hostsOf(broker.component.group)[0] : undefined;
  const secrets = {
    dbRoot: secret(passwords, database?.pack.adminPassword ?? ""),
    broker: secret(passwords, broker?.pack.adminPassword ?? ""),
  };
  const dbPassword = (svc: string): string => secret(passwords, `${svc}_database_password`);
  const registry = s.kolla.registry === undefined ? "quay.io" : s.kolla.registry;
  const imageRef = (svc: ServiceName, comp: Component, host: string): string =>
    `${registry}/${s.kolla.namespace}/${comp.image}:${tagFor(s, svc, comp.key, host, phase)}`;
  const stopGrace = (comp: string): number =>
    Math.round((s.upgrade.stop_grace_per_component[comp] ?? s.upgrade.stop_grace) / 1000);

  const unit = (
    svc: ServiceName,
    comp: Component,
    host: string,
    files: RenderedFile[],
    extra: { volumes?: string[]; health: string; env?: Record<string, string> },
  ): ContainerUnit => {
    const image = imageRef(svc, comp, host);
    const configDir = `/etc/kolla/${comp.key}/`;
    const binds = [
      `${configDir}:/var/lib/kolla/config_files/:ro`,
      KOLLA_LOGS,
      ...(extra.volumes ?? []),
    ];
    const env = {
      KOLLA_CONFIG_STRATEGY: s.kolla.config_strategy,
      KOLLA_SERVICE_NAME: comp.key,
      ...(extra.env ?? {}),
    };
    const hc = healthcheck(extra.health);
    const configHash = sha([
      image,
      ...files.flatMap((f) => [f.name, f.content, String(f.mode)]),
      ...binds,
      JSON.stringify(env),
      JSON.stringify(hc),
      String(stopGrace(comp.key)),
    ]);
    const spec: ContainerSpec = {
      name: comp.container,
      image,
      env,
      labels: {
        [LABELS.scenario]: s.name,
        [LABELS.service]: svc,
        [LABELS.component]: comp.key,
        [LABELS.image]: image,
        [LABELS.config]: configHash,
      },
      binds,
      hostNetwork: true,
      restartPolicy: "unless-stopped",
      healthcheck: hc,
      stopTimeoutS: stopGrace(comp.key),
    };
    return {
      node: host,
      address: addr(host),
      service: svc,
      component: comp.key,
      container: comp.container,
      image,
      configDir,
      files,
      spec,
      configHash,
    };
  };
  const configJson = (
    command: string,
    files: readonly ConfigJsonFile[],
    logs: { path: string; owner: string },
  ): RenderedFile => ({
    name: "config.json",
    mode: 0o600,
    content: kollaConfigJson(command, files, logs),
  });
  const conf = (name: string, content: string): RenderedFile => ({ name, content, mode: 0o600 });
  const enabled = DEPLOYABLE.filter((x) => s.services.includes(x));
  // The APIs behind the VIP: every enabled service's API that HAProxy checks.
  const apis = enabled.flatMap((svc) =>
    componentsFor(svc, s.kolla.release).flatMap((comp) =>
      comp.api?.check === undefined ? [] : [{ api: comp.api, hosts: hostsOf(comp.group) }],
    ),
  );

  const services: ServicePlan[] = [];
  for (const svc of enabled) {
    const render = packOf(svc).render;
    const units: ContainerUnit[] = [];
    for (const comp of componentsFor(svc, s.kolla.release, { optional: false })) {
      for (const host of hostsOf(comp.group)) {
        const ctx: RenderContext = {
          scenario: s.name,
          host,
          address: addr(host),
          addr,
          hostsOf,
          services: s.services,
          vip,
          dbHost,
          brokerHost,
          secrets,
          dbPassword,
          apis,
          merge: (base) => mergeWithOverrides(tree, base, svc, comp.key, host),
          configJson,
          conf,
        };
        const r = render?.(comp, ctx);
        if (r !== undefined)
          units.push(
            unit(svc, comp, host, [...r.files], {
              volumes: [...(r.volumes ?? [])],
              health: r.health,
            }),
          );
      }
    }
    services.push({ service: svc, units });
  }
  const loadbalancers = loadbalancerEnabled(s) ? hostsOf("loadbalancer") : [];
  return {
    services,
    vip,
    vipHolder: vipFailoverRequested(s) ? undefined : loadbalancers[0],
    loadbalancers,
    databases: enabled
      .filter((d) => packOf(d).database === true)
      .map((d) => ({ name: d, user: d, password: dbPassword(d) })),
    secrets,
  };
}
