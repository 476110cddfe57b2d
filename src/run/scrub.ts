/**
 * PURE. Secrets never reach a report: every value of passwords.yml (passwords, keys, each
 * line of a key pair's text) is replaced wherever it appears in text kroll writes for people or
 * tools (summary.json, junit.xml, report.html, events.jsonl). Short values (under 8 characters)
 * are left: they would match ordinary words, and kolla generates none that short.
 */
export const REDACTED = "<secret>";
const MIN = 8;

export function secretValues(passwords: Readonly<Record<string, unknown>>): string[] {
  const out = new Set<string>();
  const add = (v: unknown): void => {
    if (typeof v === "string") {
      if (v.length >= MIN) out.add(v);
      // Multi-line values (private keys): each line too, as a report may quote one.
      if (v.includes("\n"))
        for (const line of v.split("\n")) if (line.trim().length >= MIN) out.add(line.trim());
    } else if (v !== null && typeof v === "object") for (const x of Object.values(v)) add(x);
  };
  for (const v of Object.values(passwords)) add(v);
  // Longest first, so a value that contains another is replaced whole.
  return [...out].sort((a, b) => b.length - a.length);
}

export function scrubber(values: readonly string[]): (text: string) => string {
  if (values.length === 0) return (t) => t;
  return (text) => {
    let t = text;
    for (const v of values) if (t.includes(v)) t = t.replaceAll(v, REDACTED);
    return t;
  };
}
