/**
 * PURE. What in a container's log line is worth a failure record: tracebacks, ERROR lines,
 * and the RPC and versioning errors a mixed-version cluster produces.
 */

export type LogFinding =
  | "UnsupportedVersion"
  | "IncompatibleObjectVersion"
  | "RemoteError"
  | "Deserialization"
  | "MessagingTimeout"
  | "NodeNotLocked"
  | "cannot-resume"
  | "Traceback"
  | "ERROR";

const SPECIFIC: readonly [LogFinding, RegExp][] = [
  ["UnsupportedVersion", /\bUnsupportedVersion\b/],
  ["IncompatibleObjectVersion", /\bIncompatibleObjectVersion\b/],
  // An RPC server asked for a method or an argument it does not have: oslo.messaging's
  // NoSuchMethod, or the endpoint's own TypeError (a keyword the other version added or dropped).
  [
    "RemoteError",
    /\bNoSuchMethod\b|\bRPCVersionCapError\b|Endpoint does not support RPC method|got an unexpected keyword argument|missing \d+ required (positional|keyword-only) argument/,
  ],
  // Data one version wrote that the other cannot read back.
  [
    "Deserialization",
    /\b(Failed to|cannot|could not|unable to) (deserialize|deserialise|decode)\b|\bObjectActionError\b|\bJSONDecodeError\b|\bUnknownFieldError\b/i,
  ],
  ["MessagingTimeout", /\bMessagingTimeout\b/],
  ["NodeNotLocked", /\bNodeNotLocked\b/],
  ["cannot-resume", /can(?:'|no)t be resumed/i],
];

const REQUEST_ID = /\breq-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;

/** PURE. The OpenStack request ids a log line names (`req-<uuid>`), each once. */
export function requestIdsIn(line: string): string[] {
  return [...new Set(line.match(REQUEST_ID) ?? [])];
}

/** Terminal colours (kolla's images log with them). */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
export const stripAnsi = (line: string): string => line.replace(ANSI, "");

/** The most specific finding of a line, or undefined. */
export function scanLogLine(line: string): LogFinding | undefined {
  for (const [name, re] of SPECIFIC) if (re.test(line)) return name;
  // Bare (a crashing process's stderr) or behind oslo.log's record prefix.
  if (/(^|\s)Traceback \(most recent call last\)/.test(line.trim())) return "Traceback";
  // oslo.log: "2026-11-22 01:02:03.456 7 ERROR oslo_messaging.rpc.server [...] ..."
  if (/\s(ERROR|CRITICAL)\s/.test(` ${line} `)) return "ERROR";
  return undefined;
}

const RANK: Readonly<Record<LogFinding, number>> = {
  UnsupportedVersion: 0,
  IncompatibleObjectVersion: 0,
  RemoteError: 0,
  Deserialization: 0,
  MessagingTimeout: 0,
  NodeNotLocked: 0,
  "cannot-resume": 0,
  Traceback: 1,
  ERROR: 2,
};

/** oslo.log's record prefix: date, time, pid, level, logger — every line of one record has it. */
const RECORD = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \d+ [A-Z]+ \S+)/;

export interface LogRecordFinding {
  readonly container: string;
  readonly finding: LogFinding;
  /**
   * The record's first line (its message); when a later line of it says more (the most
   * specific finding), that line first and the first line after it.
   */
  readonly line: string;
  /** How many log lines the record had (a traceback is one record of many lines). */
  readonly lines: number;
}

/**
 * The findings of a stretch of log lines, one per oslo.log record: the lines of a traceback
 * repeat the record's prefix and are one finding (the most specific of its lines), not one
 * each — a reconnect traceback is some 75 lines and would otherwise crowd out everything else.
 */
export function scanLogLines(
  lines: readonly { readonly container: string; readonly text: string }[],
): LogRecordFinding[] {
  const out: LogRecordFinding[] = [];
  let key: string | undefined;
  let cur: LogRecordFinding | undefined;
  let first = "";
  for (const { container, text: raw } of lines) {
    const text = stripAnsi(raw);
    const finding = scanLogLine(text);
    const prefix = RECORD.exec(text)?.[1];
    const k = prefix === undefined ? undefined : `${container} ${prefix}`;
    // A message of several lines: oslo.log prefixes only its first (the exception text
    // SQLAlchemy appends, "(Background on this error at: …)"). Such a line with nothing of its
    // own belongs to the record before it, which goes on after it: the DBDeadlock of the lab
    // run of 2026-12-08 was split from its traceback that way, and the traceback told nothing.
    if (cur && k === undefined && finding === undefined && cur.container === container) {
      cur = { ...cur, lines: cur.lines + 1 };
      out[out.length - 1] = cur;
      continue;
    }
    if (cur && k !== undefined && k === key) {
      const better = finding !== undefined && RANK[finding] < RANK[cur.finding];
      // The line that says most goes first (`TypeError: … unexpected keyword argument` deep
      // in a traceback), the record's first line after it.
      cur = {
        ...cur,
        lines: cur.lines + 1,
        ...(better ? { finding, line: `${text} (in: ${first})` } : {}),
      };
      out[out.length - 1] = cur;
      continue;
    }
    key = k;
    cur = undefined;
    if (!finding) continue;
    first = text;
    cur = { container, finding, line: text, lines: 1 };
    out.push(cur);
  }
  return out;
}

/**
 * `docker logs --timestamps` stamps each line with RFC 3339 and nanoseconds, trailing zeros
 * trimmed; padded to nine digits the stamps compare as strings.
 */
function sortableStamp(ts: string): string | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(ts);
  return m ? `${m[1]}.${(m[2] ?? "").padEnd(9, "0")}Z` : undefined;
}

/**
 * Reads one poll's output (`<id>/<name> <timestamp> <text>` per line, the script prefixing the
 * container's id and name) against each container's cursor: lines at or before it were read by an earlier poll
 * (`--since` takes whole seconds' overlap), later ones are returned and move it. A cursor per
 * container, so one container's late lines never hide another's.
 */
export function readStampedLogs(
  stdout: string,
  cursors: Map<string, string>,
): { container: string; text: string }[] {
  const out: { container: string; text: string }[] = [];
  for (const line of stdout.split("\n")) {
    const sp = line.indexOf(" ");
    if (sp <= 0) continue;
    // "<id>/<name>": the cursor is the container's (by id), the finding names it.
    const token = line.slice(0, sp);
    const slash = token.indexOf("/");
    const key = slash < 0 ? token : token.slice(0, slash);
    const container = slash < 0 ? token : token.slice(slash + 1);
    const rest = line.slice(sp + 1);
    const sp2 = rest.indexOf(" ");
    const ts = sortableStamp(sp2 < 0 ? rest : rest.slice(0, sp2));
    if (ts === undefined) continue;
    const last = cursors.get(key);
    if (last !== undefined && ts <= last) continue;
    cursors.set(key, ts);
    out.push({ container, text: sp2 < 0 ? "" : rest.slice(sp2 + 1) });
  }
  return out;
}
