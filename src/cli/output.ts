/* eslint-disable no-console -- results go to stdout from here and nowhere else */
import { redact } from "../core/redact.js";

/** Results on stdout (tables, JSON); logs go to stderr through the Logger. */
export interface Output {
  line(text?: string): void;
  json(value: unknown): void;
  /** A human note about the result (warnings of `validate`), on stderr. */
  note(text: string): void;
}

/** What a command prints, redacted of the secrets it knows (core/redact.ts). */
export const stdOutput: Output = {
  line: (text = "") => console.log(redact(text)),
  json: (value) => console.log(redact(JSON.stringify(value, null, 2))),
  note: (text) => console.error(redact(text)),
};

/** Left-aligned columns, two spaces apart. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  "),
    )
    .join("\n");
}
