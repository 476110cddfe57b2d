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

/** Characters a form is found by (every form is at least MIN long). */
const KEY = MIN;
const BASE = 257;

/** Rolling hash of `KEY` characters of `t` from `i` (32-bit). */
function hashAt(t: string, i: number): number {
  let h = 0;
  for (let k = 0; k < KEY; k++) h = (Math.imul(h, BASE) + t.charCodeAt(i + k)) | 0;
  return h;
}

/**
 * Replaces every form of every value (`secretForms`) with REDACTED. Use it on text just before
 * it is written, and on each string of an object before it is serialised.
 *
 * One pass over the text whatever the number of forms (hundreds of secrets make thousands of
 * forms): a rolling hash of each position's first characters picks the forms that may start
 * there. Matching each form with `includes` took a second per 3 MB log on an idle machine, and
 * kroll scrubs a retired container's log during the upgrade, on the thread the load runs on.
 * Overlapping matches are redacted together.
 */
export function scrubber(values: readonly string[]): (text: string) => string {
  if (values.length === 0) return (t) => t;
  const all = [...new Set(values.flatMap(secretForms))].sort((a, b) => b.length - a.length);
  const byHash = new Map<number, string[]>();
  for (const f of all) {
    const h = hashAt(f, 0);
    const list = byHash.get(h);
    if (list) list.push(f);
    else byHash.set(h, [f]);
  }
  let pow = 1;
  for (let k = 1; k < KEY; k++) pow = Math.imul(pow, BASE);
  return (text) => {
    if (text.length < KEY) return text;
    const spans: [number, number][] = [];
    let h = hashAt(text, 0);
    for (let i = 0; ; i++) {
      const list = byHash.get(h);
      if (list)
        for (const f of list)
          if (text.startsWith(f, i)) {
            const last = spans[spans.length - 1];
            if (last && i <= last[1]) last[1] = Math.max(last[1], i + f.length);
            else spans.push([i, i + f.length]);
            break;
          }
      if (i + KEY >= text.length) break;
      h = (Math.imul(h - Math.imul(text.charCodeAt(i), pow), BASE) + text.charCodeAt(i + KEY)) | 0;
    }
    if (spans.length === 0) return text;
    let out = "";
    let at = 0;
    for (const [a, b] of spans) {
      out += text.slice(at, a) + REDACTED;
      at = b;
    }
    return out + text.slice(at);
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
