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
