/**
 * PURE. Turns zod issues and rule findings into kroll's `Issue` (file, line, column, field path,
 * message). Positions come from the YAML document, so an error points at the offending line.
 */
import type { z } from "zod";
import { isMap, isScalar, isSeq, LineCounter } from "yaml";
import type { Document, Node as YamlNode } from "yaml";
import type { Issue } from "../core/errors.js";

export type PathSegment = string | number;

export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out;
}

/** Where in the YAML a path is: the deepest node that exists along it (its key for map entries). */
export interface Locator {
  locate(path: readonly PathSegment[], opts?: { key?: boolean }): { line: number; column: number };
}

export function createLocator(doc: Document, lines: LineCounter): Locator {
  const pos = (offset: number): { line: number; column: number } => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  return {
    locate(path, opts = {}) {
      let node: unknown = doc.contents;
      let best = { line: 1, column: 1 };
      if (isNodeWithRange(node)) best = pos(node.range[0]);
      for (let i = 0; i < path.length; i++) {
        const seg = path[i];
        const last = i === path.length - 1;
        if (isMap(node)) {
          const pair = node.items.find(
            (it) => isScalar(it.key) && String(it.key.value) === String(seg),
          );
          if (!pair) break;
          if (last && opts.key && isNodeWithRange(pair.key)) return pos(pair.key.range[0]);
          if (isNodeWithRange(pair.value)) best = pos(pair.value.range[0]);
          else if (isNodeWithRange(pair.key)) best = pos(pair.key.range[0]);
          node = pair.value;
        } else if (isSeq(node) && typeof seg === "number") {
          const item = node.items[seg];
          if (!isNodeWithRange(item)) break;
          best = pos(item.range[0]);
          node = item;
        } else {
          break;
        }
      }
      return best;
    },
  };
}

function isNodeWithRange(n: unknown): n is YamlNode & { range: [number, number, number] } {
  return typeof n === "object" && n !== null && "range" in n && Array.isArray(n.range);
}

// -------------------------------------------------------------- messages

const describeValue = (v: unknown): string => {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  // A long value is cut: an error names what was wrong, it does not echo a whole file.
  if (typeof v === "string")
    return v.length > 80
      ? `${JSON.stringify(v.slice(0, 60))}… (${v.length} characters)`
      : JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return `${typeof v} ${v}`;
  return typeof v;
};

const TYPE_NAMES: Record<string, string> = {
  object: "a mapping",
  array: "a list",
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
};

/** Closest candidate by edit distance, if close enough to be a likely typo. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min(
        (row[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}

export interface RawIssue {
  readonly path: readonly PathSegment[];
  readonly message: string;
  /** Point at the key rather than the value (unknown keys). */
  readonly atKey?: boolean;
}

/**
 * zod issue → one or more raw issues with kroll's wording: "expected X, got Y".
 * `knownKeys` lists a strict object's keys so an unknown key can get a "did you mean".
 */
export function fromZodIssue(
  issue: z.core.$ZodIssue,
  knownKeys: (path: readonly PathSegment[]) => readonly string[],
): RawIssue[] {
  const path = issue.path.filter((p): p is PathSegment => typeof p !== "symbol");
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => {
        const hint = suggest(key, knownKeys(path));
        return {
          path: [...path, key],
          atKey: true,
          message: `unknown field${hint ? `; did you mean "${hint}"?` : ""}`,
        };
      });
    case "invalid_type": {
      if (input === undefined)
        return [
          {
            path,
            message: `required field is missing (expected ${TYPE_NAMES[issue.expected] ?? issue.expected})`,
          },
        ];
      return [
        {
          path,
          message: `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${describeValue(input)}`,
        },
      ];
    }
    case "invalid_value": {
      const options = issue.values.map((v) => JSON.stringify(v));
      const hint = typeof input === "string" ? suggest(input, issue.values.map(String)) : undefined;
      return [
        {
          path,
          message:
            `expected one of ${options.join(", ")}, got ${describeValue(input)}` +
            (hint ? `; did you mean "${hint}"?` : ""),
        },
      ];
    }
    case "too_small":
    case "too_big": {
      if (issue.message && !issue.message.startsWith("Too "))
        return [{ path, message: issue.message }];
      const what =
        issue.origin === "array" ? "items" : issue.origin === "string" ? "characters" : "";
      const bound = issue.code === "too_small" ? "at least" : "at most";
      const limit = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const got = Array.isArray(input)
        ? `${input.length} items`
        : typeof input === "string"
          ? `${input.length} characters`
          : describeValue(input);
      return [
        {
          path,
          message: `expected ${bound} ${String(limit)}${what ? ` ${what}` : ""}, got ${got}`,
        },
      ];
    }
    case "invalid_format":
      return [{ path, message: `${issue.message}, got ${describeValue(input)}` }];
    case "invalid_union": {
      if (issue.message.startsWith("expected")) {
        const got =
          (issue as { discriminator?: string }).discriminator &&
          typeof input === "object" &&
          input !== null
            ? (input as Record<string, unknown>)[(issue as { discriminator: string }).discriminator]
            : input;
        return [{ path, message: `${issue.message}, got ${describeValue(got)}` }];
      }
      return [{ path, message: issue.message }];
    }
    case "custom":
      return [{ path, message: `${issue.message}, got ${describeValue(input)}` }];
    case "invalid_key": {
      // A record's key failed its own schema: say what a key must be, at the key.
      const inner = (issue as { issues?: z.core.$ZodIssue[] }).issues ?? [];
      const why = inner.map((i) => i.message).filter((m) => m !== "")[0] ?? issue.message;
      return [{ path, atKey: true, message: `${why}, got ${describeValue(path.at(-1))}` }];
    }
    case "invalid_element":
    case "not_multiple_of":
      return [{ path, message: issue.message }];
  }
}

export function toIssue(file: string, raw: RawIssue, locator: Locator | undefined): Issue {
  const at = locator?.locate(raw.path, raw.atKey ? { key: true } : {}) ?? { line: 0, column: 0 };
  return {
    file,
    line: at.line,
    column: at.column,
    path: formatPath(raw.path),
    message: raw.message,
  };
}

export { LineCounter };
