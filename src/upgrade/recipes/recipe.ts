/**
 * PURE. A recipe is one service's documented rolling-upgrade procedure as data: an ordered list
 * of stages the planner walks, level-triggered (a stage is done when the cluster shows it, or,
 * for what the cluster cannot show, when the journal holds its marker).
 */
import type { ServiceName } from "../../kolla/catalogue.js";

export type Stage =
  /** Ironic: wait (bounded) until no node is in a `*wait*` provision state. */
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
      /** What "back" means beyond Docker health: Galera Synced, RabbitMQ booted. */
      readonly wait?: "galera" | "rabbit";
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
