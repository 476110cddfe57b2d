/** PURE. The ports the core uses to reach nodes; adapters live in ssh/ and docker/. */
export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Written to the command's standard input, then closed. */
  readonly stdin?: string;
}

export interface NodeShell {
  readonly node: string;
  /** Runs argv on the node (each element shell-quoted); resolves with any exit code. */
  exec(argv: readonly string[], opts: ExecOptions): Promise<ExecResult>;
  /** Like exec, but a non-zero exit is a RemoteCommandError naming the node. */
  run(argv: readonly string[], opts: ExecOptions): Promise<string>;
  close(): void;
}

/** POSIX shell quoting for one argument. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'"'"'`)}'`;
}
