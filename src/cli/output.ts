/* eslint-disable no-console -- results go to stdout from here and nowhere else */
/** Results on stdout (tables, JSON); logs go to stderr through the Logger. */
export interface Output {
  line(text?: string): void;
  json(value: unknown): void;
  /** A human note about the result (warnings of `validate`), on stderr. */
  note(text: string): void;
}

export const stdOutput: Output = {
  line: (text = "") => console.log(text),
  json: (value) => console.log(JSON.stringify(value, null, 2)),
  note: (text) => console.error(text),
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
