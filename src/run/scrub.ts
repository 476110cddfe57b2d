/**
 * PURE. Secrets never reach a report: every value of passwords.yml (passwords, keys, each
 * line of a key pair's text) is replaced wherever it appears in text kroll writes for people or
 * tools (summary.json, junit.xml, report.html, events.jsonl, collected logs and configs, the
 * terminal), in every form it can take there: raw, JSON-escaped (also as Go writes JSON, `\u0026`),
 * HTML/XML-escaped, URL-encoded (as JavaScript and Python quote it, in a transport_url or a
 * connection string) and base64 (at any of the three alignments, so `user:secret` in a Basic
 * header is caught too). Short values (under 8 characters) are left: they would match ordinary
 * words, and kolla generates none that short.
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

/** `&` `<` `>` `"` `'` as HTML and XML escape them (named and numeric). */
const htmlForms = (v: string): string[] => {
  const named = v
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
  return [
    named,
    named.replace(/'/g, "&#39;"),
    named.replace(/'/g, "&#x27;"),
    named.replace(/'/g, "&apos;"),
  ];
};

/** As Go's encoding/json writes a string (docker inspect): `<`, `>`, `&` as \u003c, \u003e, \u0026. */
const goJson = (v: string): string =>
  JSON.stringify(v)
    .slice(1, -1)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026");

/** Python's urllib.parse.quote(v, safe=""): unreserved `_.-~` kept, everything else encoded. */
const pyQuote = (v: string): string =>
  encodeURIComponent(v).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/**
 * The base64 text that holds `v` wherever it starts in the encoded data: for each of the three
 * alignments, the characters that depend on `v` alone (a base64 search for a substring).
 */
function base64Forms(v: string): string[] {
  const bytes = Buffer.from(v, "utf8");
  const out: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    const b64 = Buffer.concat([Buffer.alloc(pad), bytes])
      .toString("base64")
      .replace(/=+$/, "");
    // Skip the characters that hold pad bytes; drop the last, partial, character.
    const start = pad === 0 ? 0 : pad === 1 ? 2 : 3;
    const usable = Math.floor(((pad + bytes.length) * 8) / 6);
    const core = b64.slice(start, usable);
    if (core.length >= 8) out.push(core);
    // URL-safe base64 too.
    const url = core.replace(/\+/g, "-").replace(/\//g, "_");
    if (url !== core && url.length >= 8) out.push(url);
  }
  return out;
}

/** Every form a secret may take in text kroll writes or collects. */
export function secretForms(v: string): string[] {
  const json = JSON.stringify(v).slice(1, -1);
  const forms = new Set<string>([
    v,
    json,
    JSON.stringify(json).slice(1, -1), // JSON in JSON (a finding quoting a JSON line)
    goJson(v),
    ...htmlForms(v),
    ...htmlForms(json),
    encodeURIComponent(v),
    pyQuote(v),
    encodeURIComponent(v).replace(/%20/g, "+"),
    ...base64Forms(v),
  ]);
  return [...forms].filter((f) => f.length >= MIN);
}

/**
 * Replaces every form of every value (`secretForms`), longest first. Use it on text just before
 * it is written, and on each string of an object before it is serialised.
 */
export function scrubber(values: readonly string[]): (text: string) => string {
  if (values.length === 0) return (t) => t;
  const all = [...new Set(values.flatMap(secretForms))].sort((a, b) => b.length - a.length);
  return (text) => {
    let t = text;
    for (const v of all) if (t.includes(v)) t = t.replaceAll(v, REDACTED);
    return t;
  };
}

/** Every string in `value` (an object about to be serialised) scrubbed; keys too. */
export function scrubDeep<T>(value: T, scrub: (text: string) => string): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return scrub(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [scrub(k), walk(x)]));
    return v;
  };
  return walk(value) as T;
}
