/**
 * PURE. What `kroll deploy` lays down, node by node, as kolla-ansible would: for each component
 * on each host of its group, the /etc/kolla/<component>/ directory (config.json plus the
 * service's config files: kroll's template merged with the /etc/kolla/config overrides in
 * kolla's order) and the container (kolla's name, host networking, the config directory
 * read-only, the kolla_logs volume, KOLLA_CONFIG_STRATEGY, restart policy, healthcheck, labels).
 * Every unit carries a hash of all of that, so a second deploy can tell "no change".
 */
import { KEEPALIVE_CLOSE_VAR } from "../services/haproxy/config.js";
import { createHash } from "node:crypto";
import type { ContainerSpec } from "../cluster/ports.js";
import { CATALOGUE, componentsFor } from "../services/catalogue.js";
import type { Component, ServiceName } from "../services/catalogue.js";
import { iniFromObject, mergeIni, renderIni } from "../kolla/ini.js";
import type { Ini } from "../kolla/ini.js";
import { hostsOfGroup, layoutFor } from "../kolla/layout.js";
import { kollaChain } from "../inventory/overrides.js";
import type { ConfigTree } from "../inventory/overrides.js";
import type { Phase } from "../inventory/phase.js";
import { tagFor } from "../inventory/phase.js";
import { haproxyEnabled } from "../scenario/derived.js";
import type { Scenario } from "../scenario/schema.js";

/** What this version of `kroll deploy` can lay out (the lab's services). */
export const DEPLOYABLE: readonly ServiceName[] = [
  "haproxy",
  "mariadb",
  "rabbitmq",
  "ironic",
  "heat",
];

export const LABELS = {
  scenario: "org.openstack.kroll.scenario",
  service: "org.openstack.kroll.service",
  component: "org.openstack.kroll.component",
  image: "org.openstack.kroll.image",
  config: "org.openstack.kroll.config-hash",
} as const;

export interface RenderedFile {
  readonly name: string;
  readonly content: string;
  readonly mode: number;
}

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
  /** The loadbalancer host that holds the VIP when keepalived does not run. */
  readonly vipHolder: string | undefined;
  readonly loadbalancers: readonly string[];
  readonly databases: readonly { name: string; user: string; password: string }[];
  readonly secrets: { readonly dbRoot: string; readonly rabbit: string };
}

export interface RenderInput {
  readonly scenario: Scenario;
  readonly tree: ConfigTree;
  readonly passwords: Readonly<Record<string, unknown>>;
  readonly phase: Phase;
}

type IniObject = Record<string, Record<string, string | number | boolean>>;

export interface ConfigJsonFile {
  readonly name: string;
  readonly dest: string;
  readonly owner: string;
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

/**
 * /etc/rabbitmq/rabbitmq-env.conf, as kolla lays it out: the broker's node name, read by the
 * server and by every `rabbitmqctl` run in the container (so none needs `-n`). Kolla names it
 * after the host; the lab's images run it as rabbit@localhost.
 */
export const RABBITMQ_ENV = "RABBITMQ_NODENAME=rabbit@localhost\n";

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
  const dbHost = haproxyEnabled(s) ? vip : addr(hostsOf("mariadb")[0] ?? "");
  const controls = hostsOf("mariadb");
  const rabbitHost = hostsOf("rabbitmq")[0];
  const secrets = {
    dbRoot: secret(passwords, "database_password"),
    rabbit: secret(passwords, "rabbitmq_password"),
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
    files: ConfigJsonFile[],
    logs: { path: string; owner: string },
  ): RenderedFile => ({
    name: "config.json",
    mode: 0o600,
    content: kollaConfigJson(command, files, logs),
  });
  const conf = (name: string, content: string): RenderedFile => ({ name, content, mode: 0o600 });

  const services: ServicePlan[] = [];
  const order: ServiceName[] = ["haproxy", "mariadb", "rabbitmq", "ironic", "heat"];
  for (const svc of order.filter((x) => s.services.includes(x))) {
    const units: ContainerUnit[] = [];
    for (const comp of componentsFor(svc, s.kolla.release, { keepalived: false })) {
      for (const host of hostsOf(comp.group)) {
        const a = addr(host);
        switch (comp.key) {
          case "haproxy":
            units.push(
              unit(
                svc,
                comp,
                host,
                [
                  conf("haproxy.cfg", renderHaproxy(s, hostsOf, addr)),
                  configJson(
                    "haproxy -W -db -f /etc/haproxy/haproxy.cfg",
                    [{ name: "haproxy.cfg", dest: "/etc/haproxy/haproxy.cfg", owner: "root" }],
                    { path: "/var/log/kolla/haproxy", owner: "root" },
                  ),
                ],
                {
                  volumes: ["haproxy_socket:/var/lib/kolla/haproxy/"],
                  health: `healthcheck_curl http://${a}:61313`,
                },
              ),
            );
            break;
          case "mariadb": {
            const cnf = [
              "[mysqld]",
              `bind-address = ${a}`,
              "port = 3306",
              "skip-name-resolve",
              "max_connections = 1000",
              "character-set-server = utf8mb4",
              "collation-server = utf8mb4_general_ci",
              "innodb_buffer_pool_size = 64M",
              "performance_schema = OFF",
              "binlog_format = ROW",
              "default_storage_engine = InnoDB",
              "innodb_autoinc_lock_mode = 2",
              "wsrep_on = ON",
              "wsrep_provider = /usr/lib/galera/libgalera_smm.so",
              `wsrep_cluster_name = kroll-${s.name}`,
              `wsrep_cluster_address = gcomm://${controls.map(addr).join(",")}`,
              `wsrep_node_address = ${a}`,
              `wsrep_node_name = ${host}`,
              "wsrep_sst_method = rsync",
              "",
            ].join("\n");
            units.push(
              unit(
                svc,
                comp,
                host,
                [
                  conf("galera.cnf", cnf),
                  configJson(
                    "mariadbd --user=mysql",
                    [
                      {
                        name: "galera.cnf",
                        dest: "/etc/mysql/mariadb.conf.d/99-kolla.cnf",
                        owner: "mysql",
                      },
                    ],
                    { path: "/var/log/kolla/mariadb", owner: "mysql:mysql" },
                  ),
                ],
                { volumes: ["mariadb:/var/lib/mysql"], health: `healthcheck_tcp ${a} 3306` },
              ),
            );
            break;
          }
          case "rabbitmq":
            if (host !== rabbitHost) break; // one broker for now (a cluster later)
            units.push(
              unit(
                svc,
                comp,
                host,
                [
                  conf(
                    "rabbitmq.conf",
                    [
                      `listeners.tcp.default = ${a}:5672`,
                      "loopback_users = none",
                      "default_user = openstack",
                      `default_pass = ${secrets.rabbit}`,
                      "",
                    ].join("\n"),
                  ),
                  conf("rabbitmq-env.conf", RABBITMQ_ENV),
                  configJson(
                    "runuser -u rabbitmq -- /usr/lib/rabbitmq/bin/rabbitmq-server",
                    [
                      {
                        name: "rabbitmq.conf",
                        dest: "/etc/rabbitmq/rabbitmq.conf",
                        owner: "rabbitmq",
                      },
                      {
                        name: "rabbitmq-env.conf",
                        dest: "/etc/rabbitmq/rabbitmq-env.conf",
                        owner: "rabbitmq",
                      },
                    ],
                    { path: "/var/log/kolla/rabbitmq", owner: "rabbitmq:rabbitmq" },
                  ),
                ],
                {
                  volumes: ["rabbitmq:/var/lib/rabbitmq/"],
                  health: `healthcheck_tcp ${a} 5672`,
                },
              ),
            );
            break;
          case "ironic-api":
          case "ironic-conductor": {
            const conductor = comp.key === "ironic-conductor";
            const base: IniObject = {
              DEFAULT: {
                ...(conductor ? { host: a } : {}),
                debug: false,
                rpc_transport: "json-rpc",
              },
              api: { host_ip: a, port: 6385, api_workers: 2 },
              database: {
                connection: `mysql+pymysql://ironic:${dbPassword("ironic")}@${dbHost}/ironic?charset=utf8`,
              },
              json_rpc: { host_ip: a, port: 8089 },
              oslo_concurrency: { lock_path: "/var/lib/ironic/lock" },
            };
            units.push(
              unit(
                svc,
                comp,
                host,
                [
                  conf("ironic.conf", mergeWithOverrides(tree, base, "ironic", comp.key, host)),
                  configJson(
                    `${comp.key} --config-file /etc/ironic/ironic.conf`,
                    [{ name: "ironic.conf", dest: "/etc/ironic/ironic.conf", owner: "ironic" }],
                    { path: "/var/log/kolla/ironic", owner: "ironic:ironic" },
                  ),
                ],
                {
                  volumes: conductor ? ["ironic:/var/lib/ironic/"] : [],
                  health: conductor
                    ? "healthcheck_listen ironic-conductor 8089"
                    : `healthcheck_curl http://${a}:6385`,
                },
              ),
            );
            break;
          }
          case "heat-api":
          case "heat-engine": {
            const engine = comp.key === "heat-engine";
            const base: IniObject = {
              DEFAULT: {
                host: a,
                transport_url: `rabbit://openstack:${secrets.rabbit}@${addr(rabbitHost ?? "")}:5672/`,
                num_engine_workers: 2,
                debug: false,
              },
              database: {
                connection: `mysql+pymysql://heat:${dbPassword("heat")}@${dbHost}/heat?charset=utf8`,
              },
              heat_api: { bind_host: a, bind_port: 8004, workers: 2 },
              oslo_concurrency: { lock_path: "/var/lib/heat/lock" },
            };
            units.push(
              unit(
                svc,
                comp,
                host,
                [
                  conf("heat.conf", mergeWithOverrides(tree, base, "heat", comp.key, host)),
                  configJson(
                    `${comp.key} --config-file /etc/heat/heat.conf`,
                    [{ name: "heat.conf", dest: "/etc/heat/heat.conf", owner: "heat" }],
                    { path: "/var/log/kolla/heat", owner: "heat:heat" },
                  ),
                ],
                {
                  health: engine
                    ? "healthcheck_port heat-engine 5672"
                    : `healthcheck_curl http://${a}:8004`,
                },
              ),
            );
            break;
          }
          default:
            // heat-api-cfn and components the lab has no image for are not deployed yet.
            break;
        }
      }
    }
    services.push({ service: svc, units });
  }
  const loadbalancers = haproxyEnabled(s) ? hostsOf("loadbalancer") : [];
  return {
    services,
    vip,
    vipHolder: s.network.enable_keepalived === true ? undefined : loadbalancers[0],
    loadbalancers,
    databases: (["ironic", "heat"] as const)
      .filter((d) => s.services.includes(d))
      .map((d) => ({ name: d, user: d, password: dbPassword(d) })),
    secrets,
  };
}

/**
 * haproxy.cfg as kolla renders it, in short: one frontend on the VIP and one backend per API
 * (`<svc>_back`, one server per API host, L7 health checks), MariaDB with one active server
 * and the others as backups, the runtime socket at admin level (kroll drains backends), and a
 * monitor URI on :61313 for the container's healthcheck.
 */

export function renderHaproxy(
  s: Scenario,
  hostsOf: (group: string) => string[],
  addr: (host: string) => string,
): string {
  const vip = s.network.internal_vip;
  const bind = vip.includes(":") ? `[${vip}]` : vip;
  const out: string[] = [
    "global",
    "    log stdout format raw local0",
    "    maxconn 4000",
    "    stats socket /var/lib/kolla/haproxy/haproxy.sock mode 660 level admin",
    "    stats timeout 30s",
    "",
    "defaults",
    "    log global",
    "    mode http",
    "    option redispatch",
    "    option httplog",
    "    retries 3",
    "    timeout http-request 10s",
    "    timeout queue 1m",
    "    timeout connect 10s",
    "    timeout client 1m",
    "    timeout server 1m",
    "    timeout check 10s",
    "    balance roundrobin",
    "",
    "listen monitor",
    "    bind *:61313",
    "    monitor-uri /",
    "",
  ];
  if (s.services.includes("mariadb")) {
    const db = hostsOf("mariadb");
    out.push(
      "listen mariadb",
      "    mode tcp",
      `    bind ${bind}:3306`,
      "    option tcpka",
      "    timeout client 3600s",
      "    timeout server 3600s",
      ...db.map(
        (h, i) =>
          `    server ${h} ${addr(h)}:3306 check port 3306 inter 2000 rise 2 fall 5${i === 0 ? "" : " backup"}`,
      ),
      "",
    );
  }
  const apis: [ServiceName, string][] = [
    ["ironic", "ironic-api"],
    ["heat", "heat-api"],
  ];
  for (const [svc, key] of apis) {
    if (!s.services.includes(svc)) continue;
    const comp = CATALOGUE[svc].components.find((c) => c.key === key);
    if (!comp?.api) continue;
    const { port, backend, healthPath } = comp.api;
    const expect = svc === "heat" ? "status 300" : "status 200";
    out.push(
      `frontend ${backend.replace(/_back$/, "_front")}`,
      `    bind ${bind}:${port}`,
      "    http-request del-header X-Forwarded-Proto",
      // Raised on an HAProxy about to be retired (see KEEPALIVE_CLOSE_VAR): every response
      // then ends its client connection, so clients leave it between two requests instead of
      // having an idle connection closed under a request they are sending.
      `    http-after-response set-header Connection close if { var(${KEEPALIVE_CLOSE_VAR}) -m int 1 }`,
      `    default_backend ${backend}`,
      "",
      `backend ${backend}`,
      `    option httpchk GET ${healthPath}`,
      `    http-check expect ${expect}`,
      ...hostsOf(comp.group).map(
        (h) => `    server ${h} ${addr(h)}:${port} check inter 2000 rise 2 fall 5`,
      ),
      "",
    );
  }
  return out.join("\n");
}
