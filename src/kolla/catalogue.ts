/**
 * PURE. The services kroll knows, as kolla-ansible lays them out: each service's components
 * (kolla's service key = inventory group = /etc/kolla/<key>/ directory), their container and
 * image names, the HAProxy backend of each API, and what a service needs to run.
 * Names follow kolla-ansible's roles (`ansible/roles/<svc>/defaults/main.yml`).
 */
import type { Release } from "./releases.js";
import { RELEASES } from "./releases.js";

export const SERVICES = [
  "haproxy",
  "mariadb",
  "memcached",
  "rabbitmq",
  "keystone",
  "glance",
  "ironic",
  "cinder",
  "placement",
  "nova",
  "neutron",
  "heat",
] as const;
export type ServiceName = (typeof SERVICES)[number];

export type ComponentKind = "api" | "worker" | "infra" | "agent" | "proxy";

export interface ApiEndpoint {
  readonly port: number;
  /** HAProxy backend name kolla renders for the internal endpoint. */
  readonly backend: string;
  /** Path a healthy API answers on without auth; used for HAProxy L7 checks and probes. */
  readonly healthPath: string;
}

export interface Component {
  /** kolla service key, e.g. `ironic-conductor`; also its /etc/kolla/<key>/ directory. */
  readonly key: string;
  /** Inventory group whose hosts run it (usually `key`; `compute` for nova-compute). */
  readonly group: string;
  readonly container: string;
  readonly image: string;
  readonly kind: ComponentKind;
  readonly api?: ApiEndpoint;
  /** First release that has the component; absent means every supported release. */
  readonly since?: Release;
  /** Only deployed when the scenario asks for it (keepalived). */
  readonly optional?: boolean;
  /**
   * An oslo.messaging RPC server: its process name (the prefix of its AMQP connection name)
   * and the shared topic queues it consumes, where a call goes to any one consumer.
   */
  readonly rpc?: RpcServer;
  /**
   * A member of a hash ring registered in the service's database (ironic-conductor): the APIs
   * route each node's work to a member; kroll takes a member out before it stops.
   */
  readonly dbRing?: boolean;
}

export interface RpcServer {
  readonly process: string;
  readonly queues: readonly string[];
}

export interface ServiceSpec {
  readonly name: ServiceName;
  /** The kolla image tag variable, e.g. `ironic_tag`. */
  readonly tagVar: string;
  readonly components: readonly Component[];
  /** Services that must be enabled too. */
  readonly requires: readonly ServiceName[];
  /** Needs keystone unless the scenario runs the lab's noauth mode. */
  readonly needsKeystone: boolean;
}

const c = (
  key: string,
  kind: ComponentKind,
  extra: Partial<Omit<Component, "key" | "kind">> = {},
): Component => ({
  key,
  group: key,
  container: key.replaceAll("-", "_"),
  image: key,
  kind,
  ...extra,
});
const api = (port: number, backend: string, healthPath: string): ApiEndpoint => ({
  port,
  backend,
  healthPath,
});

export const CATALOGUE: Readonly<Record<ServiceName, ServiceSpec>> = {
  haproxy: {
    name: "haproxy",
    tagVar: "haproxy_tag",
    components: [
      c("haproxy", "proxy", { group: "loadbalancer" }),
      c("keepalived", "proxy", { group: "loadbalancer", optional: true }),
    ],
    requires: [],
    needsKeystone: false,
  },
  mariadb: {
    name: "mariadb",
    tagVar: "mariadb_tag",
    components: [c("mariadb", "infra", { image: "mariadb-server" })],
    requires: [],
    needsKeystone: false,
  },
  memcached: {
    name: "memcached",
    tagVar: "memcached_tag",
    components: [c("memcached", "infra")],
    requires: [],
    needsKeystone: false,
  },
  rabbitmq: {
    name: "rabbitmq",
    tagVar: "rabbitmq_tag",
    components: [c("rabbitmq", "infra")],
    requires: [],
    needsKeystone: false,
  },
  keystone: {
    name: "keystone",
    tagVar: "keystone_tag",
    components: [
      c("keystone", "api", { api: api(5000, "keystone_internal_back", "/v3") }),
      c("keystone-ssh", "worker", { group: "keystone" }),
      c("keystone-fernet", "worker", { group: "keystone" }),
    ],
    requires: ["mariadb", "memcached"],
    needsKeystone: false,
  },
  glance: {
    name: "glance",
    tagVar: "glance_tag",
    components: [c("glance-api", "api", { api: api(9292, "glance_api_back", "/healthcheck") })],
    requires: ["mariadb"],
    needsKeystone: true,
  },
  ironic: {
    name: "ironic",
    tagVar: "ironic_tag",
    components: [
      c("ironic-conductor", "worker", { dbRing: true }),
      c("ironic-api", "api", { api: api(6385, "ironic_api_back", "/v1/") }),
    ],
    // Ironic talks json-rpc between API and conductors in kroll's layout: no broker needed.
    requires: ["mariadb"],
    needsKeystone: true,
  },
  cinder: {
    name: "cinder",
    tagVar: "cinder_tag",
    components: [
      c("cinder-scheduler", "worker"),
      c("cinder-volume", "worker"),
      c("cinder-backup", "worker"),
      c("cinder-api", "api", { api: api(8776, "cinder_api_back", "/healthcheck") }),
    ],
    requires: ["mariadb", "rabbitmq"],
    needsKeystone: true,
  },
  placement: {
    name: "placement",
    tagVar: "placement_tag",
    components: [c("placement-api", "api", { api: api(8780, "placement_api_back", "/") })],
    requires: ["mariadb"],
    needsKeystone: true,
  },
  nova: {
    name: "nova",
    tagVar: "nova_tag",
    components: [
      c("nova-super-conductor", "worker", { image: "nova-conductor" }),
      c("nova-conductor", "worker"),
      c("nova-scheduler", "worker"),
      c("nova-api", "api", { api: api(8774, "nova_api_back", "/") }),
      c("nova-metadata", "api", {
        image: "nova-api",
        api: api(8775, "nova_metadata_back", "/"),
        since: "2025.1",
      }),
      c("nova-novncproxy", "proxy"),
      c("nova-libvirt", "agent", { group: "compute" }),
      c("nova-ssh", "agent", { group: "compute" }),
      c("nova-compute", "agent", { group: "compute" }),
    ],
    requires: ["mariadb", "rabbitmq", "placement", "glance", "neutron"],
    needsKeystone: true,
  },
  neutron: {
    name: "neutron",
    tagVar: "neutron_tag",
    components: [
      c("neutron-server", "api", { api: api(9696, "neutron_server_back", "/") }),
      c("neutron-openvswitch-agent", "agent", { group: "openvswitch" }),
      c("neutron-dhcp-agent", "agent"),
      c("neutron-l3-agent", "agent"),
      c("neutron-metadata-agent", "agent"),
    ],
    requires: ["mariadb", "rabbitmq"],
    needsKeystone: true,
  },
  heat: {
    name: "heat",
    tagVar: "heat_tag",
    components: [
      // EngineService, WorkerService (convergence's check_resource casts) and the listener.
      c("heat-engine", "worker", {
        rpc: {
          process: "heat-engine",
          queues: ["engine", "engine_worker", "heat-engine-listener"],
        },
      }),
      c("heat-api", "api", { api: api(8004, "heat_api_back", "/") }),
      c("heat-api-cfn", "api", { api: api(8000, "heat_api_cfn_back", "/") }),
    ],
    requires: ["mariadb", "rabbitmq"],
    needsKeystone: true,
  },
};

/**
 * The services whose mixed-version window is held by a release pin kroll can set
 * (`upgrade.pins`): Ironic's pin_release_version. The upgrade recipes carry the how; a unit test
 * keeps the two lists the same.
 */
export const RELEASE_PINNED: readonly ServiceName[] = ["ironic"];

export function componentsFor(
  service: ServiceName,
  release: Release,
  opts: { keepalived: boolean } = { keepalived: false },
): Component[] {
  const at = RELEASES.indexOf(release);
  return CATALOGUE[service].components.filter(
    (comp) =>
      (comp.since === undefined || RELEASES.indexOf(comp.since) <= at) &&
      (comp.key !== "keepalived" || opts.keepalived),
  );
}

/** Every component key of every service (for checkpoint and override validation). */
export function allComponentKeys(): string[] {
  return SERVICES.flatMap((s) => CATALOGUE[s].components.map((comp) => comp.key));
}

export function isServiceName(s: string): s is ServiceName {
  return (SERVICES as readonly string[]).includes(s);
}

export function serviceOf(component: string): ServiceName | undefined {
  for (const spec of Object.values(CATALOGUE)) {
    if (spec.name === component || spec.components.some((c) => c.key === component))
      return spec.name;
  }
  return undefined;
}
