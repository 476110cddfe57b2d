/**
 * PURE. The contract a service pack fills (docs/architecture.md): what kroll knows of one
 * service, in one folder, src/services/<service>/. Engines import this file; a pack imports
 * this file, kolla/, core/ and the cluster ports, never an engine.
 */
import type { SeriesTable } from "../kolla/series.js";
import type { z } from "zod";
import type { HttpOutcome, SendOptions as RequestOptions } from "../cluster/http-client.js";
import type { DockerApi, NodeShell } from "../cluster/ports.js";
import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { Release } from "../kolla/releases.js";
import { SERVICES } from "./names.js";
import type { ServiceName } from "./names.js";

// ------------------------------------------------------------------ names and components
// The services kroll knows (their names: ./names.ts, the one list), as kolla-ansible lays them
// out: each service's components (kolla's service key = inventory group = /etc/kolla/<key>/
// directory), their container and image names, the HAProxy backend of each API, and what a
// service needs to run.

export { SERVICES };
export type { ServiceName };

export type ComponentKind = "api" | "worker" | "infra" | "agent" | "proxy";

export type ComponentRole = "loadbalancer" | "database" | "broker" | "identity";

export interface ApiEndpoint {
  readonly port: number;
  /** HAProxy backend name kolla renders for the internal endpoint. */
  readonly backend: string;
  /** Path a healthy API answers on without auth; used for HAProxy L7 checks and probes. */
  readonly healthPath: string;
  /**
   * HAProxy's `http-check expect` on healthPath, for the APIs kroll's deploy puts behind the
   * VIP ("status 200"); absent: no backend in kroll's haproxy.cfg.
   */
  readonly check?: string;
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
   * What the cluster leans on it for, when the engines must know: the loadbalancer (HAProxy:
   * replaced in place, new beside old), the database (Galera: drained by closing idle client
   * sessions, chores done at its members) or the broker (RabbitMQ: where RPC servers are
   * drained).
   */
  readonly role?: ComponentRole;
  /** Its HAProxy backend when it is not an API's (MariaDB's `listen mariadb`). */
  readonly backend?: string;
  /**
   * An oslo.messaging RPC server: its process name (the prefix of its AMQP connection name)
   * and the shared topic queues it consumes, where a call goes to any one consumer.
   */
  readonly rpc?: RpcServer;
  /**
   * A member of a hash ring registered in the service's database (ironic-conductor): the APIs
   * route each node's work to a member; kroll takes a member out before it stops, with the
   * service's own timings.
   */
  readonly dbRing?: DbRing;
  /**
   * How a server behind the loadbalancer whose clients never leave by themselves (a database's
   * pooled connections) is drained: each of its idle sessions closed after a while, what is
   * still open at the deadline cut.
   */
  readonly clientDrain?: ClientDrain;
}

/** A drain for pooled clients (the drain's bound and when idle sessions start being closed). */
export interface ClientDrain {
  /** The longest drain (the scenario's drain_timeout if that is shorter). */
  readonly timeoutMs: number;
  /** Idle sessions are closed from this long into the drain. */
  readonly closeIdleAfterMs: number;
}

/** How a ring member is taken out (the `ringOut` action's timings, the service's to know). */
export interface DbRing {
  /** Waited after the member leaves the ring: requests an API routed just before it changed. */
  readonly settleMs: number;
  /** The longest wait for its tasks in flight to end (then its stop clears what remains). */
  readonly timeoutMs: number;
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
  /**
   * A host interface its agents need, set for all hosts (`network.<global>`) or per host
   * (`interfaces.<field>`) on every host of `group`.
   */
  readonly hostInterface?: {
    readonly global: string;
    readonly field: "neutron_external";
    readonly group: string;
  };
  /** Services that must be enabled too. */
  readonly requires: readonly ServiceName[];
  /** Needs keystone unless the scenario runs the lab's noauth mode. */
  readonly needsKeystone: boolean;
  /**
   * On in kolla-ansible without its `enable_<service>` (`enable_openstack_core` and the infra
   * services kolla enables by default): what `kroll import` assumes when globals.yml is silent.
   */
  readonly kollaDefault: boolean;
}

// ------------------------------------------------------------------ the pack

/** rolling: the packs' recipes; kolla-ansible: the baseline, kolla-ansible's own order. */
export type Strategy = "rolling" | "kolla-ansible";

/** Everything kroll knows of one service. */
export interface ServicePack {
  readonly spec: ServiceSpec;
  /** Its documented rolling-upgrade procedure. */
  readonly recipe: Recipe;
  /** kolla-ansible's own order, when it differs (the baseline strategy); else `recipe`. */
  readonly kollaRecipe?: Recipe;
  /**
   * How `kroll deploy` lays out one container of a component on one host: its config files,
   * volumes and healthcheck; undefined for a component not deployed there. A pack without it is
   * not deployable by kroll yet (kolla-ansible inputs are still written for it).
   */
  readonly render?: (component: Component, ctx: RenderContext) => UnitRender | undefined;
  /**
   * Its own keys in kolla-ansible's globals.yml when it is enabled (beyond enable_<service> and
   * its image tags, which kroll writes for every service): a titled section, or nothing.
   */
  readonly globals?: (g: GlobalsContext) => GlobalsSection | undefined;
  /**
   * Every globals.yml key `globals` may write, with what sets it: an operator's override of one
   * is refused, naming that instead.
   */
  readonly managedGlobals?: readonly (readonly [key: string, setBy: string])[];
  /** passwords.yml's key for the password of its admin user (a role holder's: root, broker). */
  readonly adminPassword?: string;
  /** Its passwords.yml keys whose values are UUIDs, not passwords. */
  readonly uuidPasswords?: readonly string[];
  /** kolla also reads `<service>/<host>/<component>.conf` for it, last (nova). */
  readonly perHostComponentConf?: boolean;
  /** It has a database of its own (named after it, with a user of that name). */
  readonly database?: boolean;
  /**
   * How `kroll deploy` brings its containers up when one at a time in host order is not enough
   * (Galera: a new cluster from its first member); absent: each created, then started.
   */
  readonly bringUp?: (units: readonly DeployUnit[], kit: BringUpKit) => Promise<void>;
  /**
   * The database role's own: creates (or brings up to date) each service's database and user,
   * at a member that has just been deployed.
   */
  readonly createDatabases?: (
    at: DeployUnit,
    kit: BringUpKit,
    databases: readonly { name: string; user: string; password: string }[],
  ) => Promise<void>;
  /**
   * What "up" means for a member of it beyond Docker's health (Galera: Synced in the whole
   * cluster; RabbitMQ: the broker booted): asked until true after `kroll deploy` starts one, and
   * after each replacement in a recipe stage with `settle`.
   */
  readonly member?: MemberWait;
  /**
   * What must be quiet before its upgrade starts (Ironic: no node in a `*wait*` provision
   * state): a recipe's `waitIdle` stage asks it until it answers nothing.
   */
  readonly idle?: IdleCheck;
  /**
   * Its Python package as the images hold it (Debian's dist-packages): a change under review is
   * built over it (`--change`).
   */
  readonly python?: { readonly package: string };
  /** How the lab builds its images from Debian's packages; absent: not in the lab. */
  readonly lab?: LabImages;
  /** The loadbalancer role's chores on a live cluster (HAProxy). */
  readonly loadbalancer?: (deps: LoadbalancerDeps) => LoadbalancerOps;
  /**
   * The loadbalancer role's servers as the loadbalancer on `shell`'s node sees them now (status
   * and sessions; the admin state is not read): what deploy waits on and the watchers follow.
   * `retiring`: the name the loadbalancer's container is kept aside under while it is replaced;
   * when the new one does not answer yet, the retiring one (still serving) is read.
   */
  readonly readServers?: (
    shell: NodeShell,
    timeoutMs: number,
    retiring?: string,
  ) => Promise<ServerState[]>;
  /**
   * What a run directory keeps from a node running its role component at the end of a run (file
   * name → text; HAProxy: `show stat`, `show info`). Read-only.
   */
  readonly endState?: (
    shell: NodeShell,
    timeoutMs: number,
  ) => Promise<Readonly<Record<string, string>>>;
  /** The database role's chores (MariaDB). */
  readonly databaseServer?: DatabaseServer;
  /** The broker role's chores (RabbitMQ). */
  readonly broker?: Broker;
  /**
   * Takes a `dbRing` component out of its hash ring in the database before it stops (Ironic's
   * conductors); what it saw, or undefined when no database could do it.
   */
  readonly ringOut?: (
    a: RingOutRequest,
    deps: {
      readonly sql:
        ((db: { node: string; container: string }, text: string) => Promise<string>) | undefined;
      readonly logger: Logger;
      readonly clock: Clock;
    },
  ) => Promise<string | undefined>;
  /**
   * Its operations a replacement may leave stuck by a known mechanism, which the scenario may
   * choose to record rather than fail (`slo.<sloKey>: record`); never hidden. Only one whose
   * `worker` (the container that took the call that started it, by the request id in its log)
   * was replaced while it was in progress is recorded; any other stuck one fails its step.
   */
  readonly recordableStuck?: {
    readonly kind: string;
    readonly sloKey: string;
    /** How the report counts them ("Heat stack(s)"). */
    readonly what: string;
    /** The container that runs it (`heat_engine`). */
    readonly worker: string;
  };
  /** Its known upgrade hazards: a failure that matches one gets the hint in every report. */
  readonly hazards?: readonly Hazard[];
  /** Its load profile (`load.profiles[].kind` is the service's name); absent: no load of its own. */
  readonly load?: LoadSpec;
  /** Resources created before the upgrade and checked after it (grenade-style); absent: none. */
  readonly kept?: KeptSpec;
  /** An end-to-end proof on a freshly deployed API (`kroll lab smoke` and the deploy tests). */
  readonly smoke?: SmokeProof;
}

/** What a pack's globals.yml keys depend on. */
export interface GlobalsContext {
  readonly release: Release;
  /** The release pin the scenario holds for the service during the upgrade (upgrade.pins). */
  readonly pin: string | undefined;
}

export interface GlobalsSection {
  /** The comment above the keys. */
  readonly title: string;
  readonly keys: readonly (readonly [key: string, value: string | number | boolean])[];
}

/** One container of the service as `kroll deploy` lays it out on one host. */
export interface DeployUnit {
  readonly node: string;
  readonly address: string;
  readonly container: string;
  /** What the deploy does to it: created (new), replaced, started (existing, stopped), unchanged. */
  readonly action: "created" | "replaced" | "started" | "unchanged" | "adopted";
}

/** What `kroll deploy` lends a pack's `bringUp`. */
export interface BringUpKit {
  readonly shell: (node: string) => NodeShell;
  /**
   * A kolla one-shot of the unit's image (`KOLLA_BOOTSTRAP`): secrets named in its environment,
   * their values never on a command line; `binds` mounts more ("volume:/path").
   */
  oneShot(
    u: DeployUnit,
    mode: string,
    secretEnv?: Readonly<Record<string, string>>,
    binds?: readonly string[],
  ): Promise<void>;
  /** Creates and starts the unit's container as rendered, `env` added (a one-time flag). */
  start(u: DeployUnit, env?: Readonly<Record<string, string>>): Promise<void>;
  /** Does to the unit what its action says (replace, create, start). */
  apply(u: DeployUnit): Promise<void>;
  /** Waits until the pack's `member` check says the unit is back in a cluster of `size`. */
  waitMember(u: DeployUnit, size: number): Promise<void>;
  /** The database's root password. */
  readonly dbRootPassword: string;
}

/** How one member of a clustered service is back, asked once. */
export interface MemberContext {
  readonly shell: NodeShell;
  readonly container: string;
  /** The member's node address (MariaDB listens on it). */
  readonly address: string;
  /** How many members the cluster must have again. */
  readonly size: number;
  /** The database's root password, from passwords.yml; undefined when unknown. */
  readonly dbRootPassword: string | undefined;
}

export interface MemberWait {
  /** The condition, as plans and errors say it ("Synced", "booted"). */
  readonly what: string;
  /**
   * The cluster keeps quorum only while a majority is up: a stage never takes more than
   * ⌊(n−1)/2⌋ members down at once (Galera).
   */
  readonly quorum?: boolean;
  /**
   * Its clients stay on the member they moved to while this one was out (HAProxy sends only new
   * connections back): once the active member is back, the others' idle sessions are closed.
   */
  readonly pullsClientsBack?: boolean;
  /** `ok` when the member is back; `seen` what it showed ("Synced, size 3", "no answer"). */
  check(ctx: MemberContext): Promise<{ readonly ok: boolean; readonly seen: string }>;
}

export interface IdleCheck {
  /** What is waited for, e.g. "no node in a *wait* provision state". */
  readonly what: string;
  /** The API component it asks. */
  readonly api: string;
  /** What still keeps it busy ("uuid (state)"); empty when idle. */
  busy(send: Send): Promise<string[]>;
}

/**
 * A failure mechanism reproduced on the lab: a failed request whose text matches `what`, seen
 * while a container matching `container` was changed, gets `hint` (it explains a failure, it
 * never excuses one).
 */
export interface Hazard {
  readonly container: RegExp;
  readonly what: RegExp;
  readonly hint: string;
}

// ------------------------------------------------------------------ the lab's images

/**
 * A service's lab images. Each is built from lab/images/<image>/ (its Dockerfile) on the lab's
 * base image, or on the pack's own base; its `proposed` tag is one layer on `stable` that moves
 * its packages to the proposed versions.
 */
/** What a lab image's recipe makes besides installing packages (kolla's image build steps). */
export interface ImageSetup {
  /** Directories created (and owned by `owner` when given). */
  readonly dirs?: readonly string[];
  /** `user:group` owning `dirs`. */
  readonly owner?: string;
  /** Directories emptied after the install (a package's own data a bootstrap makes anew). */
  readonly empty?: readonly string[];
}

export interface LabImages {
  /** The name its versions go by (`kroll lab versions`, `cluster.lab.versions.<tag>.<name>`). */
  readonly source: string;
  /** Its Debian packages, built from one source: the first names the version, all must agree. */
  readonly packages: readonly string[];
  /**
   * The folder under lab/images/ with the pack's image files (its `kolla_extend_start`: the
   * one-shot modes its recipe calls), copied into the pack's base image, or each image if none.
   */
  readonly files?: string;
  /** An image the service images share (not pushed): its packages, and any to resolve with them. */
  readonly base?: {
    readonly image: string;
    readonly packages: readonly string[];
    /** Packages whose dependencies are installed first, in a layer of their own. */
    readonly closure?: readonly string[];
    readonly setup?: ImageSetup;
  };
  /** The kolla images, each with the packages it carries (its base's included). */
  readonly images: readonly {
    readonly image: string;
    readonly packages: readonly string[];
    /** Unversioned packages installed beside (tools the image's scripts use). */
    readonly extras?: readonly string[];
    readonly setup?: ImageSetup;
  }[];
  /**
   * An OpenStack project's release series by upstream version (openstack/releases), so the lab
   * can say which release each tag carries and refuse an upgrade the project does not support.
   * Absent for what is not an OpenStack project (MariaDB, RabbitMQ, HAProxy, memcached).
   */
  readonly series?: SeriesTable;
}

// ------------------------------------------------------------------ rendering

export interface RenderedFile {
  readonly name: string;
  readonly content: string;
  readonly mode: number;
}

/** One file of config.json's `config_files`: copied from the config directory to `dest`. */
export interface ConfigJsonFile {
  readonly name: string;
  readonly dest: string;
  readonly owner: string;
}

export type IniObject = Record<string, Record<string, string | number | boolean>>;

export interface UnitRender {
  readonly files: readonly RenderedFile[];
  readonly volumes?: readonly string[];
  /** The container's healthcheck: one of kolla's scripts (`healthcheck_curl URL`, ...). */
  readonly health: string;
}

/** An API behind the VIP: its HAProxy backend and the hosts that serve it. */
export interface ApiBackend {
  readonly api: ApiEndpoint;
  readonly hosts: readonly string[];
}

/** What a pack's render gets: the deployment around the container it lays out. */
export interface RenderContext {
  readonly scenario: string;
  readonly host: string;
  /** The host's address (what services bind to). */
  readonly address: string;
  readonly addr: (host: string) => string;
  readonly hostsOf: (group: string) => string[];
  readonly services: readonly ServiceName[];
  readonly vip: string;
  /** Where services reach the database: the VIP behind the loadbalancer, else the first member. */
  readonly dbHost: string;
  /** The one broker's host (a cluster later). */
  readonly brokerHost: string | undefined;
  /** The database's root password and the broker's user password (passwords.yml). */
  readonly secrets: { readonly dbRoot: string; readonly broker: string };
  readonly dbPassword: (service: ServiceName) => string;
  /** The APIs kroll puts behind the VIP (enabled services with a `check`). */
  readonly apis: readonly ApiBackend[];
  /** kroll's template for the component's config file merged with the operator's overrides. */
  readonly merge: (base: IniObject) => string;
  /** config.json as kolla_set_configs reads it. */
  readonly configJson: (
    command: string,
    files: readonly ConfigJsonFile[],
    logs: { readonly path: string; readonly owner: string },
  ) => RenderedFile;
  /** A config file at mode 0600. */
  readonly conf: (name: string, content: string) => RenderedFile;
}

/** A component as kolla names it by default (container `key` with underscores, image `key`). */
export const component = (
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

export const apiEndpoint = (
  port: number,
  backend: string,
  healthPath: string,
  check?: string,
): ApiEndpoint => ({ port, backend, healthPath, ...(check === undefined ? {} : { check }) });

// ------------------------------------------------------------------ recipes

/**
 * A recipe is one service's documented rolling-upgrade procedure as data: an ordered list
 * of stages the planner walks, level-triggered (a stage is done when the cluster shows it, or,
 * for what the cluster cannot show, when the journal holds its marker).
 */
export type Stage =
  /** Wait (bounded) until the pack's `idle` check answers nothing (Ironic: no node in a `*wait*` state). */
  | { readonly kind: "waitIdle"; readonly id: string; readonly what: string }
  /** A one-shot container from the new image on the first (or last) host of `component`. */
  | {
      readonly kind: "oneShot";
      readonly id: string;
      readonly what: string;
      readonly component: string;
      readonly on: "first" | "last";
      readonly mode: string;
      /**
       * Only once no container of the service is left on an old image (online data
       * migrations, contract): skipped, with a note, when the scenario keeps some on stable.
       */
      readonly afterAll?: boolean;
    }
  /** Replace containers with the new image, a batch of nodes at a time. */
  | {
      readonly kind: "roll";
      readonly id: string;
      readonly what: string;
      /** Components replaced in this stage; with `together`, all of a node's in one track. */
      readonly components: readonly string[];
      readonly together?: boolean;
      /** Start the new containers with the service's release pin in their config. */
      readonly pin?: boolean;
      /**
       * Heat: keep `count` old containers of these components while any of `until` is still
       * old (all heat-api before the last heat-engine).
       */
      readonly keepOld?: { readonly count: number; readonly until: readonly string[] };
      /** Host order: MariaDB backups before the HAProxy-active server; the VIP holder last. */
      readonly order?: "backups-first" | "vip-last";
      /** Each member must be back as the pack's `member` says before the next goes. */
      readonly settle?: boolean;
    }
  /**
   * Drop the release pin, one container at a time: config without it, then a restart (a new
   * container from the same image), or, for the `live` components, a reload in place.
   */
  | {
      readonly kind: "unpin";
      readonly id: string;
      readonly what: string;
      readonly components: readonly string[];
      /**
       * Components whose process rereads the pin on SIGHUP (a mutable option): the new config
       * is laid out again inside the running container and the process signalled, so it never
       * stops. Their pin is then known from the journal, not from the creation-time label.
       */
      readonly live?: readonly string[];
      /**
       * The first target release whose `live` components no longer take a SIGHUP in place (a
       * new process model restarts them on it): from this release on they are replaced.
       */
      readonly liveBefore?: Release;
    }
  /** Restart every container of these components once (reload: drop cached RPC versions). */
  | {
      readonly kind: "restart";
      readonly id: string;
      readonly what: string;
      readonly components: readonly string[];
    };

export interface Recipe {
  readonly service: ServiceName;
  /** Where the procedure comes from (upstream docs and kolla-ansible roles). */
  readonly source: string;
  /**
   * The config file pins go into (relative to /etc/kolla/<component>/), where kolla lays it out
   * in the container (`inside`), and the option.
   */
  readonly pin?: {
    readonly file: string;
    readonly inside: string;
    readonly section: string;
    readonly key: string;
  };
  readonly stages: readonly Stage[];
  /** Said in the plan: what the recipe does not do and why. */
  readonly notes?: readonly string[];
}

// ------------------------------------------------------------------ operations
/**
 * Following an accepted asynchronous operation to its goal: a verdict from the latest
 * observation of the resource and the time. Every accepted operation ends as done, failed
 * (the API says so: a failed state, with the reason it gives) or stuck (still in flight at
 * its deadline); nothing is retried away.
 */

export type Verdict =
  | { readonly status: "pending" }
  | { readonly status: "done" }
  | { readonly status: "failed"; readonly state: string; readonly reason: string }
  | { readonly status: "stuck"; readonly state: string; readonly reason: string };

/** What the API showed last; `state` undefined means the resource is gone (404). */
export interface Observation {
  readonly state: string | undefined;
  /** Ironic's target_provision_state. */
  readonly target?: string | null;
  /** Ironic's last_error, Heat's stack_status_reason. */
  readonly reason?: string | null;
}

export interface Tracked {
  /** The state that means done; "gone" for deletes. */
  readonly goal: string;
  readonly acceptedAt: number;
  readonly deadline: number;
}

/** A pack's judge of one of its operations: a verdict from the latest observation. */
export type Judge = (op: Tracked, o: Observation, now: number) => Verdict;

// ------------------------------------------------------------------ requests, load and kept resources
// The engines own the mechanism (connections, recording, the open loop, polling, deadlines);
// a pack says what to send and how to read the answers. Every request goes to the pack's API
// through the front: HAProxy's VIP, or the first node when there is no loadbalancer.

export interface SendOptions extends RequestOptions {
  /** When the open loop meant to send it: latency counts from there. */
  readonly due?: number;
  /** Recorded with the request (a pinned API answers 406 above its release's). */
  readonly microversion?: string;
  /**
   * What kind of request it is for window coverage, when the route alone does not say (a
   * provision verb): default the method and route.
   */
  readonly kind?: string;
}

/**
 * One request to the pack's API. Never throws: the outcome classifies what went wrong.
 * `route` is the path template the report groups requests by (`/v1/nodes/{uuid}`).
 */
export type Send = (
  route: string,
  method: string,
  path: string,
  o?: SendOptions,
) => Promise<HttpOutcome>;

/** An accepted operation the load follows: the resource, the verb and the state meaning done. */
export interface FollowedOp {
  /** The resource's kind as the report names it (`ironic-node`). */
  readonly kind: string;
  readonly id: string;
  readonly verb: string;
  readonly goal: string;
  readonly deadlineMs: number;
  /** The request id of the call that started it: the logs then say which worker took it. */
  readonly requestId?: string | undefined;
}

/** Awaits one operation of a lifecycle; past the slot's patience the slot is freed. */
export type Patient = <T>(operation: Promise<T>) => Promise<T>;

/** What the load engine lends one profile of a pack. */
export interface LoadKit {
  readonly clock: Clock;
  /** Aborted when the load stops starting new work. */
  readonly stop: AbortSignal;
  readonly send: Send;
  /** The open-loop reads at the profile's rate and concurrency: `read(k, due)` sends the k-th. */
  reads(read: (k: number, due: number) => Promise<void>): Promise<void>;
  /** Polls `observe` until `judge` gives a verdict, records the operation; true when done. */
  follow(
    op: FollowedOp,
    observe: () => Promise<Observation | "unknown">,
    judge: Judge,
  ): Promise<boolean>;
  /**
   * Keeps `count` lifecycles going until the stop: each slot runs `lifecycle(slot, n, patient)`
   * again and again. An operation awaited through `patient` that takes longer than `patienceMs`
   * frees its slot: the slot starts its next lifecycle while the slow one goes on by itself,
   * still followed to its goal or its deadline. So a stuck operation never stops the flow, and
   * new operations start in every step of the upgrade. At most `count` lifecycles are left
   * going at once besides the slots (the load stays bounded).
   */
  slots(
    count: number,
    patienceMs: number,
    lifecycle: (slot: number, n: number, patient: Patient) => Promise<void>,
  ): Promise<void>;
}

/** The fields every load profile has; the scenario adds them to a pack's own. */
export interface ProfileBase {
  readonly kind: string;
  readonly name: string;
  /** Reads per second. */
  readonly rate: number;
  readonly concurrency: number;
}

export interface LoadSpec {
  /** The API component the load is sent to. */
  readonly api: string;
  /** The profile's own fields, as zod fields (the scenario checks them, with defaults). */
  readonly fields: z.ZodRawShape;
  /** A profile as the scenario parsed it with `fields`. */
  readonly run: (profile: ProfileBase, kit: LoadKit) => Promise<void>;
  /**
   * The version the profile reads above a pinned API (a microversion), when it reads more than
   * one: a pinned API must refuse it while pinned and serve it after (run/pins.ts).
   */
  readonly pinnedRead?: (profile: ProfileBase) => string | undefined;
}

/**
 * A pack's load profile, typed by its fields: `run` gets the profile the scenario parsed with
 * those very fields, so the one cast here is sound.
 */
export function defineLoad<F extends z.ZodRawShape>(
  api: string,
  fields: F,
  run: (profile: ProfileBase & z.infer<z.ZodObject<F>>, kit: LoadKit) => Promise<void>,
  hooks: {
    readonly pinnedRead?: (profile: ProfileBase & z.infer<z.ZodObject<F>>) => string | undefined;
  } = {},
): LoadSpec {
  const pinnedRead = hooks.pinnedRead;
  return {
    api,
    fields,
    run: (p, kit) => run(p as ProfileBase & z.infer<z.ZodObject<F>>, kit),
    ...(pinnedRead
      ? { pinnedRead: (p: ProfileBase) => pinnedRead(p as ProfileBase & z.infer<z.ZodObject<F>>) }
      : {}),
  };
}

/** One real operation taken to its goal through the API; `onState` reports each state reached. */
export interface SmokeProof {
  /** The API component it goes to. */
  readonly api: string;
  readonly run: (send: Send, clock: Clock, onState: (line: string) => void) => Promise<void>;
}

/** A resource kept across the upgrade; `data` must read the same after it. */
export interface KeptResource {
  readonly service: string;
  readonly kind: string;
  readonly id: string;
  readonly name: string;
  readonly data: Readonly<Record<string, string>>;
}

/** What the resource engine lends a pack's kept resources. */
export interface KeptKit {
  readonly send: Send;
  readonly clock: Clock;
  /** Per resource and step. */
  readonly deadlineMs: number;
  readonly pollMs: number;
}

/**
 * One check of a kept resource: `fn` answers what it saw, or throws with what is wrong. Returns
 * whether it passed (a failed `present` ends the resource's checks).
 */
export type KeptStep = (check: string, fn: () => Promise<string>) => Promise<boolean>;

export interface KeptSpec {
  /** The API component the resources live behind. */
  readonly api: string;
  /** How many the run keeps. */
  readonly count: number;
  /** Creates resource `name` and takes it to its steady state; `created` as soon as it exists. */
  create(
    kit: KeptKit,
    name: string,
    sample: string,
    created: (k: KeptResource) => void,
  ): Promise<void>;
  /**
   * After the upgrade: present, state, data, usable (the new code can act on it), cleanup (it
   * is removed) — each through `step`.
   */
  verify(kit: KeptKit, k: KeptResource, step: KeptStep): Promise<void>;
  /**
   * Read-only, during the upgrade: how the resource's data now differs from what was kept
   * (undefined: the same, or the resource could not be read this time). A change is tied to
   * the step in whose window it was first seen: a migration that loses data names its step.
   */
  drift?(kit: KeptKit, k: KeptResource): Promise<string | undefined>;
}

// ------------------------------------------------------------------ role chores
// What the engines ask of the service that holds a role (loadbalancer, database, broker) on a
// live cluster; the pack with that role provides it.

export type ServerAdmin = "ready" | "drain" | "maint";

/** One server line of a loadbalancer backend, as one loadbalancer host sees it. */
export interface ServerState {
  readonly lb: string;
  readonly backend: string;
  readonly server: string;
  readonly admin: ServerAdmin;
  /** The status column: UP, DOWN, DRAIN, MAINT, "UP 1/3", ... */
  readonly status: string;
  readonly sessions: number;
}

export interface LoadbalancerDeps {
  readonly shell: (node: string) => NodeShell;
  readonly docker: (node: string) => DockerApi;
  readonly logger: Logger;
  /** Every wait's time (a fake one in tests). */
  readonly clock: Clock;
  /** Node addresses (a retiring loadbalancer's database connections come from its node's). */
  readonly addresses: ReadonlyMap<string, string>;
  /** Nodes running a database member. */
  readonly dbMembers: readonly string[];
  /**
   * Closes a database member's idle connections from `from`'s source `ports` (the database
   * pack's chore); undefined when kroll cannot log in to it.
   */
  readonly closeIdle: (
    member: string,
    from: string | undefined,
    ports: readonly number[],
  ) => Promise<number | undefined>;
  /** Interface and prefix length for the VIP on each loadbalancer host. */
  readonly vipInterface: (node: string) => string;
  readonly vipPrefix: number;
}

export interface LoadbalancerOps {
  /** Its servers (none when no loadbalancer runs there) and whether it holds the VIP. */
  readonly state: (
    lb: string,
    vip: string,
  ) => Promise<{ servers: ServerState[]; holdsVip: boolean }>;
  readonly serverStats: (lb: string) => Promise<ServerState[]>;
  readonly setServer: (
    lb: string,
    backend: string,
    server: string,
    admin: ServerAdmin,
  ) => Promise<void>;
  readonly shutdownSessions: (lb: string, backend: string, server: string) => Promise<void>;
  readonly moveVip: (from: string | undefined, to: string, vip: string) => Promise<void>;
  /** Before an overlapped replacement: the old one's admin socket moves aside (never throws). */
  readonly socketAside: (node: string, container: string, aside: string) => Promise<void>;
  /** The overlapped old one is back in place: its socket too (never throws). */
  readonly socketBack: (node: string, container: string, aside: string) => Promise<void>;
  /** Retires an overlapped old loadbalancer still running as `aside`: its clients leave, it exits. */
  readonly retireOverlapped: (node: string, aside: string) => Promise<void>;
}

/** The database role's chores: SQL as root, and closing idle client sessions. */
export interface DatabaseServer {
  /** SQL on stdin as root (password in the environment, never in argv); its output. */
  sql(
    shell: NodeShell,
    container: string,
    address: string,
    password: string,
    text: string,
    opts?: { delimiter?: string },
  ): Promise<string>;
  /**
   * Closes the server's idle client sessions (no open transaction); `from`/`ports` keep those
   * of one client; how many it closed.
   */
  closeIdle(
    shell: NodeShell,
    container: string,
    address: string,
    password: string,
    only?: { readonly from?: string | undefined; readonly ports?: readonly number[] | undefined },
  ): Promise<number>;
}

/** An RPC server to take off its shared queues at the broker before it stops. */
export interface RpcDrainTarget {
  /** The node the RPC server runs on (its connections come from its addresses). */
  readonly node: string;
  /** The server's process name, the prefix of its AMQP connection names. */
  readonly process: string;
  readonly queues: readonly string[];
  readonly brokers: readonly { readonly node: string; readonly container: string }[];
}

/** The broker role's chores. */
export interface Broker {
  /** What it cancelled ("queue ×n"), or undefined when no broker could do it. */
  rpcDrain(
    a: RpcDrainTarget,
    deps: { readonly shell: (node: string) => NodeShell; readonly logger: Logger },
  ): Promise<string[] | undefined>;
}

/** A conductor (a `dbRing` component) to take out of its hash ring before it stops. */
export interface RingOutRequest {
  readonly node: string;
  readonly container: string;
  /** The name it registered under (its `[DEFAULT] host`). */
  readonly host: string;
  /** Database members, tried in order (one answering is enough). */
  readonly databases: readonly { readonly node: string; readonly container: string }[];
  /** How long to let requests already routed to it arrive before watching its locks. */
  readonly settleMs: number;
  readonly timeoutMs: number;
}
