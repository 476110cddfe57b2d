/* eslint-disable no-console -- the one place that writes log lines */
/**
 * Structured logging to stderr. Results go to stdout through cli/output.ts; logs never do.
 * Fields such as `node`, `container`, `wave` render as a `[node][container]` prefix in the
 * pretty format, or as JSON keys with `--log-format json`.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

import { redact } from "./redact.js";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const PREFIX_KEYS = ["node", "container", "service", "wave"] as const;

export interface StderrLoggerOptions {
  readonly level: LogLevel;
  readonly format: "pretty" | "json";
  readonly now?: () => Date;
  readonly write?: (line: string) => void;
  /** pretty format: start each line with its UTC time (a log without a terminal). */
  readonly timestamps?: boolean;
}

export function createStderrLogger(opts: StderrLoggerOptions, base: LogFields = {}): Logger {
  const now = opts.now ?? (() => new Date());
  const out = opts.write ?? ((line: string) => console.error(line));
  // No secret reaches the terminal, in any form (the command sets what to redact).
  const write = (line: string): void => out(redact(line));
  const emit = (level: LogLevel, msg: string, fields: LogFields = {}): void => {
    if (RANK[level] < RANK[opts.level]) return;
    const all = { ...base, ...fields };
    if (opts.format === "json") {
      write(JSON.stringify({ time: now().toISOString(), level, msg, ...all }));
      return;
    }
    const prefix = PREFIX_KEYS.filter((k) => all[k] !== undefined)
      .map((k) => `[${String(all[k])}]`)
      .join("");
    const rest = Object.entries(all)
      .filter(([k, v]) => v !== undefined && !(PREFIX_KEYS as readonly string[]).includes(k))
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(" ");
    const tag = level === "info" ? "" : `${level}: `;
    const time = opts.timestamps
      ? `${now()
          .toISOString()
          .replace(/\.\d+Z$/, "Z")} `
      : "";
    write(`${time}${prefix}${prefix ? " " : ""}${tag}${msg}${rest ? ` (${rest})` : ""}`);
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createStderrLogger(opts, { ...base, ...fields }),
  };
}

/** A logger that drops everything; for library calls made outside a command. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
