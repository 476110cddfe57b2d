/**
 * PURE. What in a container's log line is worth a failure record: tracebacks, ERROR lines,
 * and the RPC and versioning errors a mixed-version cluster produces.
 */

export type LogFinding =
  | "UnsupportedVersion"
  | "IncompatibleObjectVersion"
  | "MessagingTimeout"
  | "NodeNotLocked"
  | "cannot-resume"
  | "Traceback"
  | "ERROR";

const SPECIFIC: readonly [LogFinding, RegExp][] = [
  ["UnsupportedVersion", /\bUnsupportedVersion\b/],
  ["IncompatibleObjectVersion", /\bIncompatibleObjectVersion\b/],
  ["MessagingTimeout", /\bMessagingTimeout\b/],
  ["NodeNotLocked", /\bNodeNotLocked\b/],
  ["cannot-resume", /can(?:'|no)t be resumed/i],
];

/** The most specific finding of a line, or undefined. */
export function scanLogLine(line: string): LogFinding | undefined {
  for (const [name, re] of SPECIFIC) if (re.test(line)) return name;
  if (/^Traceback \(most recent call last\)/.test(line.trim())) return "Traceback";
  // oslo.log: "2026-11-22 01:02:03.456 7 ERROR ironic.conductor.manager [...] ..."
  if (/\s(ERROR|CRITICAL)\s/.test(` ${line} `)) return "ERROR";
  return undefined;
}

const RANK: Readonly<Record<LogFinding, number>> = {
  UnsupportedVersion: 0,
  IncompatibleObjectVersion: 0,
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
  /** The record's first line (its message). */
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
  for (const { container, text } of lines) {
    const finding = scanLogLine(text);
    const prefix = RECORD.exec(text)?.[1];
    const k = prefix === undefined ? undefined : `${container} ${prefix}`;
    if (cur && k !== undefined && k === key) {
      const better = finding !== undefined && RANK[finding] < RANK[cur.finding];
      cur = { ...cur, lines: cur.lines + 1, ...(better ? { finding } : {}) };
      out[out.length - 1] = cur;
      continue;
    }
    key = k;
    cur = undefined;
    if (!finding) continue;
    cur = { container, finding, line: text, lines: 1 };
    out.push(cur);
  }
  return out;
}
