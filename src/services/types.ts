/**
 * PURE. The contract a service pack fills (docs/architecture.md). Engines import this file and
 * never a pack; a pack imports this file, kolla/, core/ and the cluster ports, never an engine.
 *
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
