/**
 * PURE. Known hazards of the services kroll upgrades: a failure whose text and step match one
 * gets a hint naming the mechanism and what narrows it, so a gate reviewer reading the JUnit
 * file or the report knows where to look. Each entry was reproduced on the lab and is
 * explained in docs/lab-findings.md; a hint explains a failure, it never
 * excuses one (the verdict does not change).
 */
import type { Attribution } from "../report/model.js";

interface Hazard {
  readonly container: RegExp;
  readonly what: RegExp;
  readonly hint: string;
}

const HAZARDS: readonly Hazard[] = [
  {
    container: /^heat_engine$/,
    // A lost call is a timeout at the API (504). A 500 is the engine's own error reported
    // back (RemoteError: a database deadlock in run S), not this hazard.
    what: /HTTP 504|MessagingTimeout/,
    hint:
      "known hazard: a stopping heat-engine loses the RPC calls delivered to it while it closes " +
      "its connection (oslo.messaging acknowledges them after its poller has exited); the API " +
      "waits rpc_response_timeout. kroll takes each engine off the shared queues at the broker " +
      "before stopping it (upgrade.rpc_drain; the step's log says whether it could), and " +
      "[oslo_messaging_rabbit] rabbit_qos_prefetch_count = 1 narrows what is already on its way",
  },
  {
    container: /^ironic_conductor$/,
    // Over JSON-RPC the stopping conductor's RuntimeError reaches the API as "Unexpected
    // error raised by RPC" (the API only re-raises ironic's own exception classes).
    what: /Can not schedule new futures|Unexpected error raised by RPC|Unable to establish connection to http|NodeNotLocked|not to be locked/,
    hint:
      "known hazard: Ironic 2023.1's conductor stop clears its node locks before its tasks end " +
      "and shuts its worker pool while an API's hash ring still names it; kroll takes each " +
      "conductor out of the ring and waits for its locks first (upgrade.rpc_drain; the step's " +
      "log says whether it could), and [DEFAULT] hash_ring_reset_interval = 0 on ironic-api " +
      "makes the APIs see it at once",
  },
  {
    container: /^mariadb$/,
    what: /Lost connection|server has gone away|2013|2006/,
    hint:
      "known hazard: a database connection cut while a query ran on the member being replaced; " +
      "check that the member was drained and its idle connections closed before the stop",
  },
];

/** The hint for a failure seen while `cause` ran, if it matches a known hazard. */
export function hazardHint(what: string, cause: Attribution | undefined): string | undefined {
  const c = cause?.container;
  if (c === undefined) return undefined;
  return HAZARDS.find((h) => h.container.test(c) && h.what.test(what))?.hint;
}
