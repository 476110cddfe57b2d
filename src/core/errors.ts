/**
 * kroll's typed errors. Every failure that reaches the CLI is one of these; `exitCodeFor`
 * maps them to the documented exit codes (0 ok, 1 run failed, 2 bad input, 3 environment,
 * 70 internal bug). Adapters translate library errors into these and keep the original as
 * `cause`; the core never looks at ssh2/dockerode error shapes.
 */
export type ErrorCode =
  | "USAGE"
  | "CONFIG"
  | "ENVIRONMENT"
  | "SSH"
  | "REMOTE_COMMAND"
  | "DOCKER_API"
  | "TIMEOUT"
  | "RUN_FAILED"
  | "INTERRUPTED"
  | "INTERNAL";

export abstract class ToolError extends Error {
  abstract readonly code: ErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Wrong command line: unknown command or option, missing argument. Exit 2. */
export class UsageError extends ToolError {
  readonly code = "USAGE";
}

/** One problem found in an input file, with where it is. */
export interface Issue {
  readonly file: string;
  /** 1-based line and column; 0 when the problem has no place in the file (a missing file). */
  readonly line: number;
  readonly column: number;
  /** Dotted field path, e.g. `cluster.nodes[1].address`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

export function formatIssue(issue: Issue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  const field = issue.path === "" ? "" : ` ${issue.path}:`;
  return `${where}:${field} ${issue.message}`;
}

/** Bad input file (scenario, overrides). Carries every issue found, not just the first. Exit 2. */
export class ConfigError extends ToolError {
  readonly code = "CONFIG";
  readonly issues: readonly Issue[];
  constructor(issues: readonly Issue[], options?: { cause?: unknown }) {
    const n = issues.length;
    super(
      `${n} problem${n === 1 ? "" : "s"} found:\n` +
        issues.map((i) => `  ${formatIssue(i)}`).join("\n"),
      options,
    );
    this.issues = issues;
  }
}

/** The machine lacks something kroll needs (a Docker engine, a tool). Exit 3. */
export class EnvironmentError extends ToolError {
  readonly code = "ENVIRONMENT";
}

/** SSH to a node failed: unreachable, auth refused, host key mismatch. Exit 3. */
export class SshError extends ToolError {
  readonly code = "SSH";
  readonly node: string;
  constructor(node: string, message: string, options?: { cause?: unknown }) {
    super(`node ${node}: ${message}`, options);
    this.node = node;
  }
}

/** A command run on a node exited non-zero. Exit 3. */
export class RemoteCommandError extends ToolError {
  readonly code = "REMOTE_COMMAND";
  readonly node: string;
  readonly command: string;
  readonly exitCode: number;
  readonly stderrTail: string;
  constructor(
    node: string,
    command: string,
    exitCode: number,
    stderrTail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `node ${node}: \`${command}\` exited ${exitCode}${stderrTail ? `: ${stderrTail}` : ""}`,
      options,
    );
    this.node = node;
    this.command = command;
    this.exitCode = exitCode;
    this.stderrTail = stderrTail;
  }
}

/** A Docker API call failed on a node. Exit 3. */
export class DockerApiError extends ToolError {
  readonly code = "DOCKER_API";
  readonly node: string;
  readonly operation: string;
  readonly statusCode: number | undefined;
  constructor(
    node: string,
    operation: string,
    message: string,
    statusCode?: number,
    options?: { cause?: unknown },
  ) {
    super(`node ${node}: docker ${operation}: ${message}`, options);
    this.node = node;
    this.operation = operation;
    this.statusCode = statusCode;
  }
}

/** An operation did not finish in its time budget. Exit 3. */
export class TimeoutError extends ToolError {
  readonly code = "TIMEOUT";
  readonly operation: string;
  readonly ms: number;
  constructor(operation: string, ms: number, options?: { cause?: unknown }) {
    super(`${operation} did not finish within ${ms} ms`, options);
    this.operation = operation;
    this.ms = ms;
  }
}

/** The run completed but failed its gate (SLO breached, upgrade aborted). Exit 1. */
export class RunFailedError extends ToolError {
  readonly code = "RUN_FAILED";
}

/**
 * Stopped by SIGINT/SIGTERM/SIGHUP after putting the cluster in a safe state. Exit 130, as a
 * shell reports a command ended by Ctrl-C, so a gate never reads an interrupt as a verdict.
 */
export class InterruptedError extends ToolError {
  readonly code = "INTERRUPTED";
}

/** A bug in kroll. Exit 70 (EX_SOFTWARE). */
export class InternalError extends ToolError {
  readonly code = "INTERNAL";
}

export const EXIT = {
  ok: 0,
  runFailed: 1,
  badInput: 2,
  environment: 3,
  internal: 70,
  interrupted: 130,
} as const;

const FILE_SYSTEM_REFUSALS: Readonly<Record<string, string>> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
};

/**
 * A file this machine refused to kroll (a directory the user may not write, a read-only
 * checkout, a full disk) as an EnvironmentError naming the path, exit 3: the machine's state,
 * not a bug in kroll. Anything else is returned as it is.
 */
export function fromFileSystem(err: unknown): unknown {
  const e = err as { code?: unknown; path?: unknown; syscall?: unknown };
  if (err instanceof ToolError || !(err instanceof Error) || typeof e.code !== "string") return err;
  const why = FILE_SYSTEM_REFUSALS[e.code];
  if (why === undefined) return err;
  const what = typeof e.path === "string" ? e.path : "a file";
  const op = typeof e.syscall === "string" ? ` (${e.syscall})` : "";
  return new EnvironmentError(
    `cannot use ${what}${op}: ${why}; kroll needs to write there (run it from a checkout or directory its user may write)`,
    { cause: err },
  );
}

export function exitCodeFor(err: unknown): number {
  if (!(err instanceof ToolError)) return EXIT.internal;
  switch (err.code) {
    case "USAGE":
    case "CONFIG":
      return EXIT.badInput;
    case "ENVIRONMENT":
    case "SSH":
    case "REMOTE_COMMAND":
    case "DOCKER_API":
    case "TIMEOUT":
      return EXIT.environment;
    case "RUN_FAILED":
      return EXIT.runFailed;
    case "INTERRUPTED":
      return EXIT.interrupted;
    case "INTERNAL":
      return EXIT.internal;
  }
}
