/**
 * PURE. `--set key.path=value`: one scenario value set from the command line, as a gate sets one
 * value without templating YAML (`--set load.max_duration=20m`, `--set cluster.nodes.0.address=…`).
 * The value is read as YAML (a number, a boolean, a list `[a, b]`, a quoted string), the path
 * splits on dots, a number is a list index. Applied to the document before it is checked, so a
 * wrong value is the same error a wrong line in the file would be, saying it came from --set.
 */
import type { Document } from "yaml";
import { parse } from "yaml";
import { UsageError } from "../core/errors.js";

export interface Setting {
  /** As given: `load.max_duration=20m`. */
  readonly text: string;
  readonly path: readonly (string | number)[];
  readonly value: unknown;
}

const KEY = /^[A-Za-z0-9_-]+$/;

export function parseSetting(arg: string): Setting {
  const eq = arg.indexOf("=");
  const key = eq === -1 ? "" : arg.slice(0, eq);
  const parts = key.split(".");
  if (eq <= 0 || parts.some((p) => !KEY.test(p)))
    throw new UsageError(
      `--set takes KEY.PATH=VALUE (keys of letters, digits, _ and -, joined by dots; a number is a list index), got "${arg}"`,
    );
  let value: unknown;
  try {
    value = parse(arg.slice(eq + 1));
  } catch (e) {
    throw new UsageError(
      `--set ${key}: the value is not YAML (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`,
    );
  }
  return {
    text: arg,
    path: parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
    value: value ?? "",
  };
}

/** Sets each value in the document; a path through a scalar is an error naming the setting. */
export function applySettings(doc: Document, sets: readonly Setting[]): string[] {
  const problems: string[] = [];
  for (const s of sets) {
    try {
      doc.setIn(s.path, doc.createNode(s.value));
    } catch {
      problems.push(
        `--set ${s.text}: ${s.path.join(".")} goes through a value that is not a mapping or a list`,
      );
    }
  }
  return problems;
}

/** The setting an issue at `path` (dotted) came from, if any. */
export function settingAt(sets: readonly Setting[], issuePath: string): Setting | undefined {
  const path = issuePath.replace(/\[(\d+)\]/g, ".$1");
  return [...sets].reverse().find((s) => {
    const p = s.path.join(".");
    return path === p || path.startsWith(`${p}.`) || p.startsWith(`${path}.`);
  });
}
