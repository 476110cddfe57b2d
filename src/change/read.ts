/**
 * EFFECT (reads files). A change under review, as `--change SERVICE=PATH` or `kolla.changes`
 * names it: a git checkout of the service's repository as Zuul prepares it
 * (`src/opendev.org/openstack/<service>`), or a patch in git format against that repository.
 * Bad input is a UsageError (exit 2) naming the path and what was expected.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { UsageError } from "../core/errors.js";
import { isServiceName, packOf, SERVICES } from "../services/catalogue.js";
import type { ServiceName } from "../services/catalogue.js";
import { parseGitPatch, PatchError } from "./patch.js";
import type { ParsedPatch } from "./patch.js";

export type Change =
  | {
      readonly kind: "checkout";
      readonly service: ServiceName;
      readonly path: string;
      /** The service's Python package directory in the checkout. */
      readonly packageDir: string;
      /** The commit id (HEAD), or "uncommitted" when git cannot say. */
      readonly id: string;
      readonly subject: string;
    }
  | {
      readonly kind: "patch";
      readonly service: ServiceName;
      readonly path: string;
      readonly id: string;
      readonly subject: string;
      readonly patch: ParsedPatch;
      /** Files of the patch outside the Python package (release notes, docs, tests): not built. */
      readonly ignored: readonly string[];
    };

/** The services kroll can build a change of: a pack with a Python package and lab images. */
export const CHANGEABLE: readonly ServiceName[] = SERVICES.filter(
  (s) => packOf(s).python !== undefined && packOf(s).lab !== undefined,
);

/** `SERVICE=PATH` → its parts; UsageError naming the option otherwise. */
export function parseChangeOption(text: string): { service: string; path: string } {
  const m = /^([a-z][a-z0-9-]*)=(.+)$/.exec(text);
  if (!m)
    throw new UsageError(
      `--change takes SERVICE=PATH (a git checkout or a patch), e.g. ${CHANGEABLE[0] ?? "service"}=../change.patch; got "${text}"`,
    );
  return { service: m[1] ?? "", path: m[2] ?? "" };
}

export function readChange(spec: { service: string; path: string }, cwd: string): Change {
  const { service } = spec;
  if (!isServiceName(service) || !CHANGEABLE.includes(service))
    throw new UsageError(
      `--change ${service}=…: kroll builds changes of ${CHANGEABLE.join(", ")}; "${service}" is not one of them`,
    );
  const pkg = packOf(service).python?.package ?? service;
  const path = resolve(cwd, spec.path);
  if (!existsSync(path))
    throw new UsageError(`--change ${service}=${spec.path}: no such file or directory`);
  if (statSync(path).isDirectory()) {
    const packageDir = join(path, pkg);
    if (!existsSync(join(packageDir, "__init__.py")))
      throw new UsageError(
        `--change ${service}=${spec.path}: not a checkout of ${service}'s repository: it has no ${pkg}/__init__.py (Zuul prepares it as src/opendev.org/openstack/${service})`,
      );
    const head = gitHead(path);
    return { kind: "checkout", service, path, packageDir, ...head };
  }
  let patch: ParsedPatch;
  try {
    patch = parseGitPatch(readFileSync(path, "utf8"));
  } catch (e) {
    if (e instanceof PatchError)
      throw new UsageError(`--change ${service}=${spec.path}: ${e.message}`);
    throw e;
  }
  // Untrusted: every path the patch names must stay in the repository; the ones it builds
  // (in the package) must also be plain names.
  for (const f of patch.files)
    for (const p of [f.from, f.to]) {
      const why = p === undefined ? undefined : unsafePath(p, p.startsWith(`${pkg}/`) || p === pkg);
      if (why !== undefined)
        throw new UsageError(
          `--change ${service}=${spec.path}: the patch names the path ${JSON.stringify(p)}, which kroll refuses: ${why}`,
        );
    }
  const inPackage = (p: string | undefined): boolean => p !== undefined && p.startsWith(`${pkg}/`);
  const files = patch.files.filter((f) => inPackage(f.to) || inPackage(f.from));
  const ignored = patch.files.filter((f) => !files.includes(f)).map((f) => f.to ?? f.from ?? "?");
  if (files.length === 0)
    throw new UsageError(
      `--change ${service}=${spec.path}: the patch changes nothing under ${pkg}/ (its files: ${ignored.join(", ")}); paths are relative to the repository, e.g. ${pkg}/conductor/manager.py`,
    );
  return {
    kind: "patch",
    service,
    path,
    id: patch.id,
    subject: patch.subject,
    patch: { ...patch, files },
    ignored,
  };
}

/** Characters a repository path of a change may hold: no shell or Dockerfile syntax, no spaces. */
const SAFE_PATH = /^[A-Za-z0-9._+-]+(?:\/[A-Za-z0-9._+-]+)*$/;

/**
 * PURE. Why a path a change names is refused, or undefined: the change is untrusted, so a path
 * must stay inside the repository (not absolute, no `..` or `.` segment), and one that is
 * `built` (in the package) use only letters, digits and `._+-` (nothing a shell, a Dockerfile
 * or a terminal reads otherwise).
 */
export function unsafePath(p: string, built = true): string | undefined {
  if (p.startsWith("/")) return "it is absolute (expected a path relative to the repository)";
  const segments = p.split("/");
  if (segments.includes(".."))
    return "it climbs out with `..` (expected a path inside the repository)";
  if (segments.includes(".") || segments.includes(""))
    return "it is not in normal form (`.` or an empty segment)";
  if (built && !SAFE_PATH.test(p))
    return "it holds a character outside letters, digits and ._+- (kroll builds nothing from such a name)";
  return undefined;
}

function gitHead(dir: string): { id: string; subject: string } {
  try {
    const out = execFileSync("git", ["-C", dir, "log", "-1", "--format=%H%n%s"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 10_000,
    }).split("\n");
    return { id: out[0] ?? "uncommitted", subject: out[1] ?? "" };
  } catch {
    return { id: "uncommitted", subject: "(git could not read the checkout's HEAD)" };
  }
}

/**
 * The changes a command tests: the scenario's `kolla.changes` (paths relative to its file) and
 * the command line's `--change SERVICE=PATH` (relative to the working directory); one per service.
 */
export function readChanges(
  scenario: { readonly kolla: { readonly changes: Readonly<Partial<Record<string, string>>> } },
  scenarioDir: string,
  options: readonly string[],
  cwd: string,
): Change[] {
  const changes: Change[] = [
    ...Object.entries(scenario.kolla.changes).flatMap(([service, path]) =>
      path === undefined ? [] : [readChange({ service, path }, scenarioDir)],
    ),
    ...options.map((c) => readChange(parseChangeOption(c), cwd)),
  ];
  const twice = changes.find((c, i) => changes.findIndex((x) => x.service === c.service) !== i);
  if (twice)
    throw new UsageError(
      `--change: two changes of ${twice.service} (kolla.changes and --change count together); give one`,
    );
  return changes;
}
