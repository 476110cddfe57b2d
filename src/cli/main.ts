/**
 * kroll's entry point: parse the command line, run one command, map what it threw to an exit
 * code. The only place that calls process.exit. Exit codes: 0 ok, 1 run failed, 2 bad input
 * or usage, 3 environment or remote error, 70 a bug in kroll, 130 interrupted.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import {
  ConfigError,
  EXIT,
  exitCodeFor,
  fromFileSystem,
  ToolError,
  UsageError,
} from "../core/errors.js";
import { createStderrLogger } from "../core/logger.js";
import { krollVersion } from "../core/version.js";
import { parseSetting } from "../scenario/settings.js";
import type { Setting } from "../scenario/settings.js";
import type { LogLevel } from "../core/logger.js";
import { COMMANDS, findCommand } from "./commands.js";
import type { CommandSpec, OptionsConfig, OptionValues } from "./commands.js";
import { stdOutput, table } from "./output.js";
import { redact } from "../core/redact.js";
import type { Output } from "./output.js";

const GLOBAL_OPTIONS = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
  verbose: { type: "boolean", short: "v" },
  "log-format": { type: "string" },
  set: { type: "string", multiple: true },
} as const satisfies OptionsConfig;

export type ParsedCommandLine =
  | { kind: "help"; command?: CommandSpec }
  | { kind: "version" }
  | {
      kind: "run";
      command: CommandSpec;
      values: OptionValues;
      positionals: string[];
      verbose: boolean;
      logFormat: "pretty" | "json";
      sets: Setting[];
    };

/** The command's name: the first word that is neither an option nor a global option's value. */
function commandName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--") return argv[i + 1];
    if (!a.startsWith("-")) return a;
    const opt = a.startsWith("--") ? a.slice(2) : undefined;
    const spec =
      opt !== undefined && !opt.includes("=") ? (GLOBAL_OPTIONS as OptionsConfig)[opt] : undefined;
    if (spec?.type === "string") i++; // its value is the next word
  }
  return undefined;
}

/** PURE. argv (without node and script) → what to do. Throws UsageError on bad usage. */
export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  const name = commandName(argv);
  const command = name === undefined ? undefined : findCommand(name);
  if (name !== undefined && command === undefined) {
    throw new UsageError(
      `unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(", ")}`,
    );
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...GLOBAL_OPTIONS, ...(command?.options ?? {}) },
      allowPositionals: true,
      strict: true,
    });
  } catch (e: unknown) {
    const msg =
      e instanceof Error
        ? e.message.replace(/\. To specify a positional argument.*$/s, "")
        : String(e);
    throw new UsageError(`${msg}${command ? `\nusage: ${command.usage}` : ""}`);
  }
  const values = parsed.values as OptionValues;
  if (values.version) return { kind: "version" };
  if (values.help || command === undefined)
    return command ? { kind: "help", command } : { kind: "help" };
  const positionals = parsed.positionals.slice(1); // drop the command name
  const { min, max } = command.positionals;
  if (positionals.length < min || positionals.length > max) {
    throw new UsageError(
      `${command.name} takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? "" : "s"}, got ${positionals.length}\nusage: ${command.usage}`,
    );
  }
  const format = values["log-format"] ?? "pretty";
  if (format !== "pretty" && format !== "json") {
    throw new UsageError(`--log-format takes pretty or json, got "${String(format)}"`);
  }
  const setArgs = (values.set ?? []) as string[];
  if (setArgs.length > 0 && command.scenario === false)
    throw new UsageError(`${command.name} reads no scenario: --set does not apply to it`);
  const sets = setArgs.map(parseSetting);
  // A command's own option of the same name as a global one (plan --verbose) reaches it too.
  const own = command.options ?? {};
  const commandValues = Object.fromEntries(
    Object.entries(values).filter(([k]) => !(k in GLOBAL_OPTIONS) || k in own),
  );
  return {
    kind: "run",
    command,
    values: commandValues,
    positionals,
    verbose: values.verbose === true,
    sets,
    logFormat: format,
  };
}

export function usageText(command?: CommandSpec): string {
  if (command) return `usage: ${command.usage}\n\n${command.summary}\n\n${command.help}`;
  return [
    "kroll: rehearse and gate OpenStack rolling upgrades on Kolla containers",
    "",
    "usage: kroll <command> [options]",
    "",
    "Commands:",
    table(COMMANDS.map((c) => ["  " + c.name, c.summary])),
    "",
    "Global options:",
    "  -h, --help            help for kroll or a command (kroll <command> --help)",
    "  -V, --version         print kroll's version",
    "  -v, --verbose         debug logs, and stack traces on errors",
    "  --log-format FORMAT   pretty (default) or json, for logs on stderr",
    "  --set KEY.PATH=VALUE  set one scenario value over the file (repeatable; the value is",
    "                        YAML; a number in the path is a list index): --set load.max_duration=20m",
    "",
    "Exit codes: 0 ok, 1 run failed, 2 bad input, 3 environment or remote error, 70 bug,",
    "130 interrupted (SIGINT, SIGTERM) after the current step was made safe.",
  ].join("\n");
}

export interface CliDeps {
  readonly out: Output;
  readonly cwd: string;
  readonly writeErr: (line: string) => void;
  /** Stamp log lines with the time (stderr is not a terminal: a CI log, a file). */
  readonly timestamps?: boolean;
}

/** Runs one command line and returns the exit code; never exits. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  let verbose = argv.includes("--verbose") || argv.includes("-v");
  try {
    const cmd = parseCommandLine(argv);
    if (cmd.kind === "version") {
      deps.out.line(`kroll ${krollVersion()}`);
      return EXIT.ok;
    }
    if (cmd.kind === "help") {
      deps.out.line(usageText(cmd.command));
      return EXIT.ok;
    }
    verbose = cmd.verbose;
    const level: LogLevel = cmd.verbose ? "debug" : "info";
    const logger = createStderrLogger({
      level,
      format: cmd.logFormat,
      write: deps.writeErr,
      timestamps: deps.timestamps === true,
    });
    const mod = await cmd.command.load();
    return await mod.run({
      values: cmd.values,
      positionals: cmd.positionals,
      cwd: deps.cwd,
      logger,
      out: deps.out,
      home: KROLL_HOME,
      sets: cmd.sets,
    });
  } catch (thrown: unknown) {
    const e = fromFileSystem(thrown);
    reportError(e, verbose, deps.writeErr);
    return exitCodeFor(e);
  }
}

function reportError(e: unknown, verbose: boolean, write: (line: string) => void): void {
  if (e instanceof ConfigError) write(`error: ${e.message}`);
  else if (e instanceof ToolError) write(`error: ${e.message}`);
  else {
    const msg = e instanceof Error ? e.message : String(e);
    write(`internal error (this is a bug in kroll): ${msg}`);
    if (!verbose) write("re-run with --verbose for the stack trace");
  }
  if (verbose && e instanceof Error && e.stack) write(e.stack);
}

/** The directory kroll is installed in (the repository root). */
export const KROLL_HOME = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export async function main(argv: readonly string[]): Promise<void> {
  // An error nothing awaited is a kroll bug. Node would exit 1 — kroll's "run failed" — so a
  // gate would read a crash as a verdict; it exits 70 (internal) and says what it was instead.
  const crash = (e: unknown): void => {
    reportError(e, true, (line) => process.stderr.write(`${redact(line)}\n`));
    process.stderr.write("", () => process.exit(EXIT.internal));
  };
  process.on("uncaughtException", crash);
  process.on("unhandledRejection", crash);
  const code = await runCli(argv, {
    out: stdOutput,
    cwd: process.cwd(),
    writeErr: (line) => process.stderr.write(`${redact(line)}\n`),
    timestamps: process.stderr.isTTY !== true,
  });
  // Exit only once stdout and stderr are flushed: on a pipe, process.exit() would cut a large
  // --json answer at 64 KiB.
  let pending = 2;
  const done = (): void => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write("", done);
  process.stderr.write("", done);
}

// Run as a program too (`npx tsx src/cli/main.ts …`), not only through bin/kroll.js.
if (
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(resolve(process.argv[1])).href
)
  await main(process.argv.slice(2));
