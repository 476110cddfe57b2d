/**
 * PURE. What the watchers saw that means two versions could not work together — the findings
 * the mixed-version window must not have, each tied to the step in flight:
 *   - an RPC the other side does not know (UnsupportedVersion, NoSuchMethod, an unexpected or
 *     missing argument), an object of a version it cannot read (IncompatibleObjectVersion), data
 *     it cannot decode;
 *   - a container that died without being stopped (a non-zero exit with no kill before it, an
 *     OOM kill): a crash, or a restart loop;
 *   - a traceback in a service's log while one of that service's own steps is in flight, but
 *     the reconnects every replacement of a database, broker or loadbalancer causes.
 * Recorded either way; a run fails on them (the `cross-version` check and the step's own).
 */
import type { ActionSpan, Attribution } from "../report/model.js";
import { attribute, toAttribution } from "../report/model.js";
import type { WatchRecord } from "../watch/records.js";

export interface CrossVersionFinding {
  readonly at: number;
  readonly node: string;
  readonly container: string;
  readonly kind: "rpc" | "object" | "data" | "died" | "traceback";
  readonly what: string;
  readonly cause: Attribution | undefined;
}

/** Log findings that mean versions disagree wherever they show. */
const ALWAYS: Readonly<Record<string, CrossVersionFinding["kind"]>> = {
  UnsupportedVersion: "rpc",
  RemoteError: "rpc",
  IncompatibleObjectVersion: "object",
  Deserialization: "data",
};

/**
 * Tracebacks a replacement causes in every client of what it replaced: reconnecting to the
 * database or the broker, a worker told to stop. Not a disagreement between versions.
 */
const TRANSIENT =
  /Database connection was found disconnected|DBConnectionError|Lost connection to (MySQL|server)|MySQL server has gone away|AMQP server .* is unreachable|Connection reset by peer|ConnectionResetError|ConnectionRefusedError|SIGTERM received|Caught SIGTERM|MessagingTimeout|heartbeat/i;

/**
 * A traceback a service logs below ERROR is one it handled: eventlet's WSGI server logs a
 * client that hung up on a stopping API at INFO, with its traceback.
 */
const QUIET = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \d+ (DEBUG|INFO|WARNING) /;

/** The service a kolla container belongs to: `ironic_conductor_kroll_old` → ironic. */
export const serviceOfContainer = (container: string): string => container.split("_")[0] ?? "";

const base = (container: string): string => container.replace(/_kroll_old$/, "");

/** The last action that ended before `at`: whose window `at` falls in. */
function windowOf(spans: readonly ActionSpan[], at: number): Attribution | undefined {
  let best: ActionSpan | undefined;
  for (const s of spans)
    if (s.to !== undefined && s.to <= at && (best?.to === undefined || s.to > best.to)) best = s;
  return best ? toAttribution(best) : undefined;
}

/** How long before a death a kill or stop still explains it (a long stop grace). */
const STOPPED_WITHIN_MS = 15 * 60_000;

export function crossVersionFindings(
  watched: readonly WatchRecord[],
  spans: readonly ActionSpan[],
): CrossVersionFinding[] {
  const out: CrossVersionFinding[] = [];
  // In flight, else the window the last action left the cluster in (between two steps the
  // cluster still runs the mix the earlier one made).
  const cause = (at: number): Attribution | undefined =>
    attribute(spans, at)[0] ?? windowOf(spans, at);
  // Per node, container (its name before it was renamed aside) and image: an old and a new
  // container of one name run different images, so the old one's stop never explains the new
  // one's death; a start after the last stop means that stop was for an earlier life.
  const stoppedAt = new Map<string, number>();
  const startedAt = new Map<string, number>();
  for (const w of watched) {
    if (w.kind === "container") {
      const key = `${w.node} ${base(w.container)} ${w.image}`;
      if (w.action === "kill" || w.action === "stop") stoppedAt.set(key, w.at);
      if (w.action === "start" || w.action === "create") startedAt.set(key, w.at);
      const stopped = stoppedAt.get(key);
      const unexplained =
        stopped === undefined ||
        w.at - stopped > STOPPED_WITHIN_MS ||
        (startedAt.get(key) ?? Number.NEGATIVE_INFINITY) > stopped;
      if ((w.action === "oom" || (w.action === "die" && (w.exitCode ?? 0) !== 0)) && unexplained)
        out.push({
          at: w.at,
          node: w.node,
          container: w.container,
          kind: "died",
          what: `${w.container} ${w.action === "oom" ? "killed out of memory" : `exited ${w.exitCode ?? "?"} without being stopped`}`,
          cause: cause(w.at),
        });
      continue;
    }
    if (w.kind === "kept") {
      // Data of a resource kept across the upgrade changed: lost by the step whose window it
      // was first seen in (a migration, new code writing it in another form).
      out.push({
        at: w.at,
        node: "",
        container: `${w.resource} ${w.name}`,
        kind: "data",
        what: `kept ${w.what}`,
        cause: cause(w.at),
      });
      continue;
    }
    if (w.kind !== "log") continue;
    const always = ALWAYS[w.finding];
    if (always !== undefined) {
      out.push({
        at: w.at,
        node: w.node,
        container: w.container,
        kind: always,
        what: `${w.finding}: ${w.line}`,
        cause: cause(w.at),
      });
      continue;
    }
    if (w.finding !== "Traceback" || TRANSIENT.test(w.line) || QUIET.test(w.line)) continue;
    const c = cause(w.at);
    if (c === undefined || c.service !== serviceOfContainer(w.container)) continue;
    out.push({
      at: w.at,
      node: w.node,
      container: w.container,
      kind: "traceback",
      what: `Traceback: ${w.line}`,
      cause: c,
    });
  }
  return out;
}

/**
 * What a checkpoint's `checks` find so far (`until: checks-passed`), one line each: an SLO
 * breach, and the cross-version findings in what the watchers recorded (no spans yet: the
 * traceback rule, which needs the step in flight, waits for the report).
 */
export function checkpointFailures(
  checks: readonly ("slo" | "cross-version")[],
  breach: string | undefined,
  watched: readonly WatchRecord[],
): string[] {
  const out: string[] = [];
  if (checks.includes("slo") && breach !== undefined) out.push(`slo: ${breach}`);
  const cv = checks.includes("cross-version") ? crossVersionFindings(watched, []) : [];
  const first = cv[0];
  if (first)
    out.push(
      `cross-version: ${cv.length} finding(s), first ${first.node} ${first.what.slice(0, 200)}`,
    );
  return out;
}
