/**
 * I/O. readScenario(path): YAML with positions → schema → rules → a LoadedScenario, or one
 * ConfigError that lists every problem (file:line:column, field path, what was expected).
 * Relative paths in the file are resolved against the file's directory.
 */
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { ConfigError } from "../core/errors.js";
import type { Issue } from "../core/errors.js";
import { checkInlinePaths } from "./inline-paths.js";
import { createLocator, fromZodIssue, toIssue as toFileIssue } from "./issues.js";
import { applySettings, settingAt } from "./settings.js";
import type { Setting } from "./settings.js";
import type { PathSegment, RawIssue } from "./issues.js";
import { checkRules } from "./rules.js";
import { Scenario } from "./schema.js";

export interface LoadedScenario {
  /** The path as given (for messages). */
  readonly file: string;
  /** Absolute directory of the file: the base of its relative paths. */
  readonly dir: string;
  readonly scenario: Scenario;
  readonly warnings: readonly Issue[];
  /** `--set` values applied over the file (a lab scenario written from it keeps them). */
  readonly sets: readonly Setting[];
}

export async function readScenario(
  file: string,
  cwd = process.cwd(),
  sets: readonly Setting[] = [],
): Promise<LoadedScenario> {
  const shown = isAbsolute(file) ? relative(cwd, file) || file : file;
  let text: string;
  try {
    text = await readFile(resolve(cwd, file), "utf8");
  } catch (e: unknown) {
    const code = (e as { code?: string }).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory, expected a scenario file"
          : `cannot read (${code ?? String(e)})`;
    throw new ConfigError([{ file: shown, line: 0, column: 0, path: "", message: why }]);
  }
  return parseScenarioText(text, shown, resolve(cwd, dirname(file)), sets);
}

/** A scenario is a small text file: a binary or a huge file is refused before parsing. */
export const MAX_SCENARIO_BYTES = 1024 * 1024;
export function scenarioTextProblem(text: string): string | undefined {
  if (text.includes("\u0000"))
    return "is not a text file (it holds NUL bytes); expected a YAML scenario";
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_SCENARIO_BYTES)
    return `is ${bytes} bytes; expected a YAML scenario of at most ${MAX_SCENARIO_BYTES} bytes`;
  return undefined;
}

/** The pure part of readScenario: text in, scenario or every issue out. */
export function parseScenarioText(
  text: string,
  file: string,
  dir: string,
  sets: readonly Setting[] = [],
): LoadedScenario {
  const notText = scenarioTextProblem(text);
  if (notText !== undefined)
    throw new ConfigError([{ file, line: 0, column: 0, path: "", message: notText }]);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const p = lines.linePos(e.pos[0]);
        return {
          file,
          line: p.line,
          column: p.col,
          path: "",
          message: `YAML: ${e.message.split("\n")[0] ?? e.message}`,
        };
      }),
    );
  }
  const setProblems = applySettings(doc, sets);
  if (setProblems.length > 0)
    throw new ConfigError(
      setProblems.map((message) => ({ file, line: 0, column: 0, path: "", message })),
    );
  const locator = createLocator(doc, lines);
  // An issue in a value set on the command line says so (its node has no line in the file).
  const toIssue = (f: string, r: RawIssue, loc: typeof locator): Issue => {
    const i = toFileIssue(f, r, loc);
    const set = settingAt(sets, i.path);
    return set ? { ...i, message: `${i.message} (from --set ${set.text})` } : i;
  };
  let data: unknown;
  try {
    // yaml's own bound on alias expansion (100) stops a "billion laughs" document.
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e: unknown) {
    throw new ConfigError([
      {
        file,
        line: 0,
        column: 0,
        path: "",
        message: `YAML: ${e instanceof Error ? e.message : String(e)}; expected at most 100 alias expansions`,
      },
    ]);
  }
  if (data === null || data === undefined) {
    throw new ConfigError([
      {
        file,
        line: 1,
        column: 1,
        path: "",
        message: "the file is empty; expected a scenario mapping",
      },
    ]);
  }
  const parsed = Scenario.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    const raw = parsed.error.issues.flatMap((i) => fromZodIssue(i, (p) => keysAt(Scenario, p)));
    throw new ConfigError(sortIssues(raw.map((r) => toIssue(file, r, locator))));
  }
  const rules = checkRules(parsed.data);
  const warnings: RawIssue[] = [...rules.warnings, ...checkInlinePaths(parsed.data.kolla.config)];
  if (rules.errors.length > 0)
    throw new ConfigError(sortIssues(rules.errors.map((r) => toIssue(file, r, locator))));
  return {
    file,
    dir,
    scenario: resolvePaths(parsed.data, dir),
    warnings: sortIssues(warnings.map((r) => toIssue(file, r, locator))),
    sets,
  };
}

function sortIssues(issues: Issue[]): Issue[] {
  return [...issues].sort(
    (a, b) => a.line - b.line || a.column - b.column || a.path.localeCompare(b.path),
  );
}

function resolvePaths(s: Scenario, dir: string): Scenario {
  // `~/` is the user's home, as a shell would read it; anything else is relative to the file.
  const abs = (p: string): string =>
    p.startsWith("~/") ? join(homedir(), p.slice(2)) : resolve(dir, p);
  return {
    ...s,
    cluster: {
      ...s.cluster,
      ...(s.cluster.lab
        ? { lab: { ...s.cluster.lab, state_dir: abs(s.cluster.lab.state_dir) } }
        : {}),
      nodes: s.cluster.nodes.map((n) => ({
        ...n,
        ssh: {
          ...n.ssh,
          ...(n.ssh.private_key !== undefined ? { private_key: abs(n.ssh.private_key) } : {}),
          ...(n.ssh.known_hosts !== undefined ? { known_hosts: abs(n.ssh.known_hosts) } : {}),
        },
      })),
    },
    kolla: { ...s.kolla, config_dirs: s.kolla.config_dirs.map(abs) },
  };
}

/**
 * The keys a strict object in the schema accepts at `path`, for "did you mean" hints.
 * Walks zod's definitions through wrappers (optional, default, prefault, pipe).
 */
export function keysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  let node: unknown = schema;
  const def = (n: unknown): Record<string, unknown> =>
    (n as { _zod?: { def?: Record<string, unknown> } })._zod?.def ?? {};
  const unwrap = (n: unknown): unknown => {
    for (let i = 0; i < 20; i++) {
      const d = def(n);
      if (
        d.type === "optional" ||
        d.type === "default" ||
        d.type === "prefault" ||
        d.type === "nullable"
      )
        n = d.innerType;
      else if (d.type === "pipe") n = d.in;
      else break;
    }
    return n;
  };
  for (const seg of path) {
    node = unwrap(node);
    const d = def(node);
    if (d.type === "object") node = (d.shape as Record<string, unknown>)[String(seg)];
    else if (d.type === "array") node = d.element;
    else if (d.type === "record") node = d.valueType;
    else return [];
    if (node === undefined) return [];
  }
  const d = def(unwrap(node));
  return d.type === "object" ? Object.keys(d.shape as Record<string, unknown>) : [];
}
