/**
 * PURE (interface only). What the executor needs from a cluster, in the upgrade's own terms.
 * `cluster-ops.ts` implements it over SSH and Docker; tests implement it with a recording fake.
 */
import type { ServiceName } from "../services/types.js";
import type {
  Action,
  Desired,
  Observed,
  ObservedContainer,
  ServerAdmin,
  ServerState,
} from "./types.js";

export type RecreateAction = Extract<Action, { kind: "recreate" }>;
export type OneShotAction = Extract<Action, { kind: "oneShot" }>;
export type SetConfigAction = Extract<Action, { kind: "setConfig" }>;
export type RpcDrainAction = Extract<Action, { kind: "rpcDrain" }>;
export type RingOutAction = Extract<Action, { kind: "ringOut" }>;
export type ReloadAction = Extract<Action, { kind: "reload" }>;
export type WaitMemberAction = Extract<Action, { kind: "waitMember" }>;

export interface UpgradeOps {
  /** Everything the planner looks at except the journal's markers. */
  observe(d: Desired): Promise<Omit<Observed, "markers">>;
  pull(node: string, image: string): Promise<void>;
  /**
   * Runs the one-shot to completion; a non-zero exit is an error with its last log lines. An
   * earlier attempt still running (kroll stopped or timed out while it ran) is waited for, never
   * killed. When `signal` aborts kroll stops waiting and leaves it running: "left-running".
   */
  oneShot(
    a: OneShotAction,
    signal?: AbortSignal,
  ): Promise<"done" | "left-running" | { readonly output: string }>;
  serverStats(lb: string): Promise<ServerState[]>;
  setServer(lb: string, backend: string, server: string, admin: ServerAdmin): Promise<void>;
  /** Closes the sessions still open on a drained server. */
  shutdownSessions(lb: string, backend: string, server: string): Promise<void>;
  inspect(node: string, container: string): Promise<ObservedContainer | undefined>;
  /**
   * Stops the container (its grace), then either renames it aside (`keepAside`) or removes it,
   * and starts a clone of it with the new image and labels under the same name.
   */
  replace(a: RecreateAction): Promise<void>;
  /** Roll back: remove the new container, rename the one kept aside back, start it. */
  restore(node: string, container: string): Promise<void>;
  /** Removes the container kept aside. */
  retire(node: string, container: string): Promise<void>;
  restart(node: string, container: string, stopGraceS: number): Promise<void>;
  /**
   * Lays the container's config out again from its config directory (`kolla_set_configs` as
   * root, copying always) and sends its main process the signal; the container keeps running.
   */
  reload(a: ReloadAction): Promise<void>;
  /** Sets (or with null removes) one INI option; returns the value it had (null: none). */
  setConfig(a: SetConfigAction): Promise<string | null>;
  /** Asks once whether a member is back as its pack says; what it showed. */
  memberBack(a: WaitMemberAction): Promise<{ ok: boolean; seen: string }>;
  /**
   * Closes the database server's idle client connections (no open transaction, idle ≥ 1 s);
   * how many it closed. undefined when kroll cannot log in to it.
   */
  closeIdleDbSessions(node: string, container: string): Promise<number | undefined>;
  /**
   * Cancels the RPC server's consumers on its shared queues at the first broker that answers;
   * what it cancelled ("queue ×n"), or undefined when no broker could do it (then the server
   * stops as it would without: the hazard stays, and the step says so).
   */
  rpcDrain(a: RpcDrainAction): Promise<string[] | undefined>;
  /**
   * Takes a conductor out of its hash ring at the first database that answers and waits for the
   * requests already routed and its node locks. What it saw ("… locks released after 1.2 s"), or
   * undefined when no database could take it out (it then stops as it would without kroll).
   */
  ringOut(a: RingOutAction): Promise<string | undefined>;
  /** What keeps a service busy before its upgrade (its pack's `idle` check); empty when idle. */
  busy(service: ServiceName): Promise<string[]>;
  moveVip(from: string | undefined, to: string, vip: string): Promise<void>;
  /** The last lines a container logged, for error messages. */
  logTail(node: string, container: string, lines: number): Promise<string>;
}
