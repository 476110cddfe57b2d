/**
 * PURE. The vocabulary of an upgrade: what kroll wants (Desired), what it sees (Observed), and
 * what it does (Action, grouped into Tracks and Waves). Plans are data: `kroll plan` prints the
 * same waves `kroll upgrade` executes, and the journal records them as JSON.
 */
import type { ComponentRole } from "../services/catalogue.js";
import type { ComponentKind, RpcServer, ServiceName } from "../services/catalogue.js";
import type { ContainerStatus, Health } from "../cluster/ports.js";
import type { Checkpoint } from "../scenario/schema.js";

export type { Strategy } from "../services/types.js";
import type { Strategy } from "../services/types.js";
import type { Release } from "../kolla/releases.js";

/** One container kroll upgrades: where it runs and the image it should end on. */
export interface Target {
  readonly node: string;
  readonly address: string;
  readonly service: ServiceName;
  readonly component: string;
  /** The inventory group whose hosts run the component (max-unavailable is per group). */
  readonly group: string;
  /** The loadbalancer, the database or the broker (its pack says), if any. */
  readonly role?: ComponentRole;
  readonly kind: ComponentKind;
  readonly container: string;
  /** The image it runs before the upgrade (the stable tag). */
  readonly stable: string;
  /** The image it runs after (the target tag; the stable one when it is left on stable). */
  readonly image: string;
  /** `upgrade.leave_on_stable` keeps it on stable (a mixed-version state on purpose). */
  readonly heldBack: boolean;
  /** /etc/kolla/<component>/ on the node. */
  readonly configDir: string;
  /** The service's main config file in configDir (pins are written there). */
  readonly configFile: string | undefined;
  /** HAProxy backend (`listen` for MariaDB) whose server named after the node it serves. */
  readonly backend: string | undefined;
  /** docker stop grace (SIGTERM → SIGKILL), seconds. */
  readonly stopGraceS: number;
  /** The config hash `kroll deploy` renders for the target (kept as a label when known). */
  readonly configHash: string | undefined;
  /** An RPC server on shared topic queues (an engine): drained at the broker before it stops. */
  readonly rpc: RpcServer | undefined;
  /**
   * A member of a hash ring kept in the database (a conductor): the name it registers under
   * (its `[DEFAULT] host`, the node's address in kroll's layout). Taken out of the ring before it
   * stops (see the `ringOut` action).
   */
  readonly ring?: { readonly host: string; readonly settleMs: number; readonly timeoutMs: number };
  /** A server whose pooled clients are drained by closing their sessions (a database). */
  readonly clientDrain?: { readonly timeoutMs: number; readonly closeIdleAfterMs: number };
}

export type IntOrPercent = number | string;

export interface Desired {
  readonly scenario: string;
  readonly strategy: Strategy;
  /** The release the upgrade goes to (`kolla.release`): some recipe steps depend on it. */
  readonly release: Release;
  /** Services in upgrade order (kolla's site.yml order unless the scenario says otherwise). */
  readonly order: readonly ServiceName[];
  readonly targets: readonly Target[];
  readonly loadbalancers: readonly string[];
  readonly vip: string;
  /** No VRRP daemon: kroll holds the VIP itself and moves it off a loadbalancer it replaces. */
  readonly vipManaged: boolean;
  /** The database server the loadbalancer sends traffic to (the others are `backup`). */
  readonly databaseActive: string | undefined;
  /** Release pins held while a service is mixed (its recipe's `pin`: the option and file). */
  readonly pins: Readonly<Partial<Record<ServiceName, string>>>;
  readonly maxUnavailable: IntOrPercent;
  readonly maxUnavailablePerGroup: Readonly<Record<string, IntOrPercent>>;
  readonly drain: boolean;
  /** Rolling: take a stopping RPC server's consumers off its shared queues first. */
  readonly rpcDrain: boolean;
  /** MariaDB containers, tried in order for database-side chores (one answering is enough). */
  readonly databases: readonly { readonly node: string; readonly container: string }[];
  /** RabbitMQ containers, tried in order for broker-side actions (one answering is enough). */
  readonly brokers: readonly { readonly node: string; readonly container: string }[];
  readonly drainTimeoutMs: number;
  readonly healthyTimeoutMs: number;
  readonly checkpoints: readonly Checkpoint[];
  readonly heldBack: { readonly services: readonly string[]; readonly hosts: readonly string[] };
}

export interface ObservedContainer {
  readonly node: string;
  readonly name: string;
  readonly image: string;
  readonly status: ContainerStatus;
  readonly health: Health;
  readonly labels: Readonly<Record<string, string>>;
  /**
   * For a running container started with its release pin (PIN_LABEL): whether the config its
   * process last read (kolla's copy inside it) still holds the pin. undefined: not looked at.
   */
  readonly pinConfigured?: boolean;
}

export type { ServerAdmin, ServerState } from "../services/types.js";
import type { ServerState } from "../services/types.js";

export interface Observed {
  readonly containers: readonly ObservedContainer[];
  /** Images present on each node (only the ones the upgrade needs are asked about). */
  readonly images: readonly { readonly node: string; readonly image: string }[];
  readonly servers: readonly ServerState[];
  /** The loadbalancer host that holds the VIP (when kroll manages it). */
  readonly vipHolder: string | undefined;
  /** What the journal says is done and cannot be seen on the cluster (one-shots, holds). */
  readonly markers: readonly string[];
}

export const PIN_LABEL = "org.openstack.kroll.pin";
export const ASIDE_SUFFIX = "_kroll_old";
export const asideName = (container: string): string => `${container}${ASIDE_SUFFIX}`;

/** Where a step acts: enough to attribute a failure to it. */
export interface Where {
  readonly node: string;
  readonly container?: string;
}

export type Action =
  | { readonly kind: "pull"; readonly node: string; readonly image: string }
  /** Ironic: no node may be in a `*wait*` provision state (deploy/clean callbacks). */
  | { readonly kind: "waitIdle"; readonly service: ServiceName; readonly timeoutMs: number }
  /** A kolla one-shot container (`docker run --rm`) from the new image: db sync, migrations. */
  | {
      readonly kind: "oneShot";
      readonly node: string;
      readonly service: ServiceName;
      readonly component: string;
      readonly image: string;
      readonly configDir: string;
      /** The kolla environment switch, e.g. KOLLA_UPGRADE, KOLLA_OSM, KOLLA_FINISH_UPGRADE. */
      readonly mode: string;
      readonly what: string;
    }
  | {
      readonly kind: "drain";
      readonly lbs: readonly string[];
      readonly backend: string;
      readonly server: string;
    }
  | {
      readonly kind: "waitDrained";
      readonly lbs: readonly string[];
      readonly backend: string;
      readonly server: string;
      readonly timeoutMs: number;
      /** At the deadline, close what is left (long-lived database connections) instead of failing. */
      readonly force: boolean;
      /**
       * A database server: while waiting, its idle client connections (no open transaction,
       * idle a second or more) are closed on the server itself, so pooled clients reconnect
       * through the load balancer to another member between two queries, never during one.
       */
      readonly closeIdle?: {
        readonly node: string;
        readonly container: string;
        /**
         * Nothing is closed before this many ms of the wait: a client that recycles its pooled
         * connections (oslo.db's connection_recycle_time) leaves by itself at its next checkout,
         * and a connection idle between two statements of a session it holds is not cut.
         */
        readonly afterMs: number;
      };
    }
  /**
   * Before an RPC server stops: its consumers on the shared topic queues are cancelled at the
   * broker (matched by the node's addresses and the process's connection name), so RabbitMQ
   * sends it no more calls. oslo.messaging 14 loses a call delivered to a server that has
   * stopped reading (it acknowledges it while closing); the server keeps its connection to
   * answer the calls it is running, and its restart consumes afresh.
   */
  | {
      readonly kind: "rpcDrain";
      readonly node: string;
      readonly container: string;
      /** Its stop grace, for the restart that undoes the drain when the step is cut short. */
      readonly stopGraceS: number;
      readonly process: string;
      readonly queues: readonly string[];
      readonly brokers: readonly { readonly node: string; readonly container: string }[];
    }
  /**
   * Before a conductor stops: its row of hardware types is deleted from the conductors'
   * registry in the database, so the APIs' hash ring (read for every request in kroll's lab) no
   * longer sends it work while it keeps running; then kroll waits `settleMs` for requests already
   * routed, and until it holds no node's reservation. Ironic 2023.1's own stop clears its node
   * locks before its tasks end and shuts its worker pool while still taking calls (Ironic 2023.2
   * waits for the locks instead); the conductor's restart registers its hardware types again.
   */
  | {
      readonly kind: "ringOut";
      readonly service: ServiceName;
      readonly node: string;
      readonly container: string;
      /** Its stop grace, for the restart that undoes the ring-out when the step is cut short. */
      readonly stopGraceS: number;
      readonly host: string;
      readonly databases: readonly { readonly node: string; readonly container: string }[];
      readonly settleMs: number;
      readonly timeoutMs: number;
    }
  | {
      readonly kind: "setConfig";
      readonly node: string;
      readonly container: string;
      readonly path: string;
      readonly section: string;
      readonly key: string;
      /** null removes the option. */
      readonly value: string | null;
    }
  | {
      readonly kind: "recreate";
      readonly node: string;
      readonly service: ServiceName;
      readonly component: string;
      readonly container: string;
      readonly from: string;
      readonly image: string;
      /** Labels to set (null: remove) on the new container; everything else is cloned. */
      readonly labels: Readonly<Record<string, string | null>>;
      readonly stopGraceS: number;
      /** Keep the old container, stopped and renamed, until the new one is proven. */
      readonly keepAside: boolean;
      /**
       * Start the new container while the old one still runs (HAProxy on the host network:
       * both bind with SO_REUSEPORT), and soft-stop the old one only when it is retired, so
       * no listener gap and no connection through the VIP is cut.
       */
      readonly overlap?: boolean;
    }
  | {
      readonly kind: "restart";
      readonly node: string;
      readonly container: string;
      readonly stopGraceS: number;
    }
  /**
   * A config change taken in place: kolla's config files laid out again inside the running
   * container (`kolla_set_configs`, copying whatever the strategy), then the signal to its
   * main process, which rereads its mutable options without stopping.
   */
  | {
      readonly kind: "reload";
      readonly node: string;
      readonly container: string;
      readonly signal: "SIGHUP";
    }
  | {
      readonly kind: "waitHealthy";
      readonly node: string;
      readonly container: string;
      readonly timeoutMs: number;
    }
  | {
      readonly kind: "waitBackendUp";
      readonly lbs: readonly string[];
      readonly backend: string;
      readonly server: string;
      readonly timeoutMs: number;
    }
  | {
      /** A member of a clustered service back as its pack says (Galera Synced, a broker booted). */
      readonly kind: "waitMember";
      readonly service: ServiceName;
      readonly node: string;
      readonly container: string;
      /** Members the cluster must have again. */
      readonly size: number;
      /** The condition, for people ("Synced in the whole cluster"). */
      readonly what: string;
      readonly timeoutMs: number;
    }
  | {
      readonly kind: "ready";
      readonly lbs: readonly string[];
      readonly backend: string;
      readonly server: string;
    }
  /** The new container is proven: remove the old one kept aside. */
  | { readonly kind: "retire"; readonly node: string; readonly container: string }
  /** Roll back: the container kept aside goes back in place (the new one is removed). */
  | { readonly kind: "restore"; readonly node: string; readonly container: string }
  | {
      readonly kind: "moveVip";
      readonly from: string | undefined;
      readonly to: string;
      readonly vip: string;
    }
  | {
      readonly kind: "checkpoint";
      readonly name: string;
      readonly holdMs: number | undefined;
      readonly until: "load-settled" | "checks-passed" | undefined;
    };

export type ActionKind = Action["kind"];

/** Actions one after the other, usually on one node; tracks of a wave run side by side. */
export interface Track {
  readonly node: string | undefined;
  readonly actions: readonly Action[];
}

export interface Wave {
  readonly service: ServiceName | "cluster";
  /** The recipe step, e.g. `conductors`, `apis`, `db-sync`, `unpin`; `repair`, `pull`. */
  readonly step: string;
  readonly why: string;
  readonly tracks: readonly Track[];
  /** Recorded in the journal when the wave succeeds (what the cluster cannot show). */
  readonly markers: readonly string[];
}

export type NextWave =
  | { readonly done: true; readonly notes: readonly string[] }
  | { readonly done: false; readonly wave: Wave; readonly notes: readonly string[] };
