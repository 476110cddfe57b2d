/**
 * PURE. Which Debian package versions the lab's two tags carry, resolved from what the archive
 * serves today (never from a hand-kept list: security updates replace versions, testing and
 * unstable move every day): each tag takes the newest version in the suites of its own Debian
 * suite (`cluster.lab.suites`; a released suite with its -updates and -security). Input is
 * `apt-cache madison` output read inside the lab's Debian base image; exact versions from the
 * scenario (`cluster.lab.versions`) are checked against the same output.
 *
 * Each OpenStack service's versions are placed in their release series (its pack's
 * `lab.series`, from openstack/releases), and a pair the project does not support upgrading
 * (backwards, or more than one release unless SLURP to SLURP) is a problem, before any build.
 */

import { seriesOf, unsupportedUpgrade, upstreamOf } from "../kolla/series.js";
import type { Series } from "../kolla/series.js";
import { LAB_PACKS } from "../services/catalogue.js";
import { DEFAULT_SUITES, suitesOf } from "./mirror.js";
import type { LabSuites } from "./mirror.js";

/**
 * Each lab service's versioned Debian packages (its pack's `lab`): the first names the version;
 * the others are built from the same source and must offer the same version.
 */
export const LAB_PACKAGES: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  LAB_PACKS.map((p) => [p.lab.source, p.lab.packages]),
);
/** A lab service, as versions go by it: its pack's `lab.source` (a Debian source package). */
export type LabService = string;
export const LAB_SERVICES: readonly LabService[] = LAB_PACKS.map((p) => p.lab.source);

export type LabVersions = Readonly<Record<LabService, string>>;
export interface VersionPins {
  readonly stable?: Readonly<Record<LabService, string | undefined>> | undefined;
  readonly proposed?: Readonly<Record<LabService, string | undefined>> | undefined;
}

/** What is said of a service whose stable and proposed versions are equal. */
export const NO_CHANGE = "no change: only base libraries move";

/** One tag's version of a service: where it came from, and its OpenStack release if any. */
export interface TagVersion {
  readonly version: string;
  readonly suite: string;
  readonly pinned: boolean;
  /** The OpenStack release series (an OpenStack project's only). */
  readonly series?: Series;
  /** The series was inferred past the pack's table (one major a series). */
  readonly extrapolated?: boolean;
}

export interface MadisonEntry {
  readonly pkg: string;
  readonly version: string;
  readonly suite: string;
}

/** One service's resolution, as `kroll lab versions` prints it. */
export interface ServiceResolution {
  readonly service: LabService;
  readonly packages: readonly string[];
  readonly stable: TagVersion;
  readonly proposed: TagVersion;
  /** The two versions are equal: only the base libraries under it move. */
  readonly unchanged: boolean;
}

export interface Resolution {
  readonly suites: LabSuites;
  readonly stable: LabVersions;
  readonly proposed: LabVersions;
  readonly services: readonly ServiceResolution[];
}

/** A package or pinned version the archive does not offer; `message` says what it does offer. */
export class ResolutionProblem {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

/**
 * `apt-cache madison` lines: `pkg | version | URI suite/component arch Packages`. Source lines
 * and anything else are ignored.
 */
export function parseMadison(text: string): MadisonEntry[] {
  const out: MadisonEntry[] = [];
  for (const line of text.split("\n")) {
    const parts = line.split("|").map((p) => p.trim());
    if (parts.length !== 3) continue;
    const [pkg = "", version = "", where = ""] = parts;
    const fields = where.split(/\s+/);
    if (fields.at(-1) !== "Packages" || fields.length < 3) continue;
    const suite = (fields[1] ?? "").split("/")[0] ?? "";
    if (pkg === "" || version === "" || suite === "") continue;
    out.push({ pkg, version, suite });
  }
  return out;
}

// ------------------------------------------------------------- Debian version order (dpkg's)

const order = (c: string | undefined): number => {
  if (c === undefined) return 0;
  if (c === "~") return -1;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
};

function comparePart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // Non-digit run, character by character: '~' first, then the end, letters, the rest.
    while ((i < a.length && !/\d/.test(a[i] ?? "")) || (j < b.length && !/\d/.test(b[j] ?? ""))) {
      const ca = i < a.length && !/\d/.test(a[i] ?? "") ? a[i] : undefined;
      const cb = j < b.length && !/\d/.test(b[j] ?? "") ? b[j] : undefined;
      const d = order(ca) - order(cb);
      if (d !== 0) return d;
      i++;
      j++;
    }
    // Digit run, as a number.
    let na = "";
    let nb = "";
    while (i < a.length && /\d/.test(a[i] ?? "")) na += a[i++];
    while (j < b.length && /\d/.test(b[j] ?? "")) nb += b[j++];
    const x = na.replace(/^0+/, "");
    const y = nb.replace(/^0+/, "");
    if (x.length !== y.length) return x.length - y.length;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function split(v: string): [number, string, string] {
  const colon = v.indexOf(":");
  const epoch = colon > 0 ? Number(v.slice(0, colon)) : 0;
  const rest = colon > 0 ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf("-");
  return dash >= 0 ? [epoch, rest.slice(0, dash), rest.slice(dash + 1)] : [epoch, rest, ""];
}

/** dpkg's ordering of two versions: negative, 0 or positive. */
export function compareDebianVersions(a: string, b: string): number {
  const [ea, ua, ra] = split(a);
  const [eb, ub, rb] = split(b);
  if (ea !== eb) return ea - eb;
  return comparePart(ua, ub) || comparePart(ra, rb);
}

// ------------------------------------------------------------------------------ resolution

const offered = (entries: readonly MadisonEntry[], pkg: string): string => {
  const mine = entries.filter((e) => e.pkg === pkg);
  return mine.length === 0 ? "nothing" : mine.map((e) => `${e.version} (${e.suite})`).join(", ");
};

function pick(
  entries: readonly MadisonEntry[],
  service: LabService,
  tag: "stable" | "proposed",
  suite: string,
  pin: string | undefined,
  where: string,
): TagVersion | ResolutionProblem {
  const suites: readonly string[] = suitesOf(suite);
  const [first = service, ...others] = LAB_PACKAGES[service] ?? [];
  const inSuites = (pkg: string): MadisonEntry[] =>
    entries.filter((e) => e.pkg === pkg && suites.includes(e.suite));
  const candidates = inSuites(first);
  const lookedAt = `${suites.join(", ")} at ${where}`;
  let chosen: MadisonEntry | undefined;
  if (pin !== undefined) {
    chosen = candidates.find((e) => e.version === pin);
    if (!chosen)
      return new ResolutionProblem(
        `${first} ${pin} (cluster.lab.versions.${tag}.${service}) is not in ${lookedAt}; ` +
          `the archive offers ${offered(entries, first)}`,
      );
  } else {
    chosen = [...candidates].sort((x, y) => compareDebianVersions(y.version, x.version))[0];
    if (!chosen)
      return new ResolutionProblem(
        `${first} (the lab's ${service}, ${tag}) is not in ${lookedAt}; ` +
          `the archive offers ${offered(entries, first)}`,
      );
  }
  for (const pkg of others) {
    if (!inSuites(pkg).some((e) => e.version === chosen.version))
      return new ResolutionProblem(
        `${pkg} ${chosen.version} (built with ${first} ${chosen.version}, the lab's ${service} ${tag}) ` +
          `is not in ${lookedAt}; the archive offers ${offered(entries, pkg)}`,
      );
  }
  const table = LAB_PACKS.find((p) => p.lab.source === service)?.lab.series;
  if (table === undefined)
    return { version: chosen.version, suite: chosen.suite, pinned: pin !== undefined };
  const s = seriesOf(table, upstreamOf(chosen.version));
  if (s === undefined)
    return new ResolutionProblem(
      `${service} ${chosen.version} (${tag}, from ${chosen.suite}): kroll can't tell which OpenStack ` +
        `release it belongs to (it knows ${table.first.map(([v, r]) => `${r} from ${v}`).join(", ")}` +
        `${table.through ? `, through ${table.through}` : ""}); pin cluster.lab.versions.${tag}.${service} ` +
        `to a known version, or a newer kroll`,
    );
  return {
    version: chosen.version,
    suite: chosen.suite,
    pinned: pin !== undefined,
    series: s.series,
    ...(s.extrapolated ? { extrapolated: true } : {}),
  };
}

/**
 * PURE. A service's Debian version with its OpenStack release, as report headers show it
 * (`1:35.0.1-10 (2026.1)`); infrastructure and unknown versions as they are.
 */
export function withSeries(service: LabService, debianVersion: string): string {
  const table = LAB_PACKS.find((p) => p.lab.source === service)?.lab.series;
  const s = table === undefined ? undefined : seriesOf(table, upstreamOf(debianVersion));
  return s === undefined
    ? debianVersion
    : `${debianVersion} (${s.series}${s.extrapolated ? "?" : ""})`;
}

/** PURE. How a tag's version is shown: `35.0.1 (2026.1)`, the Debian version when asked. */
export function showVersion(v: TagVersion, debian = false): string {
  const shown = debian ? v.version : upstreamOf(v.version);
  return v.series === undefined ? shown : `${shown} (${v.series}${v.extrapolated ? "?" : ""})`;
}

/** Every service's two versions, or every problem found (not just the first). */
export function resolveVersions(
  entries: readonly MadisonEntry[],
  pins: VersionPins = {},
  where = "the Debian mirror",
  suites: LabSuites = DEFAULT_SUITES,
): Resolution | ResolutionProblem[] {
  const problems: ResolutionProblem[] = [];
  const services: ServiceResolution[] = [];
  for (const service of LAB_SERVICES) {
    const stable = pick(entries, service, "stable", suites.stable, pins.stable?.[service], where);
    const proposed = pick(
      entries,
      service,
      "proposed",
      suites.proposed,
      pins.proposed?.[service],
      where,
    );
    if (stable instanceof ResolutionProblem) problems.push(stable);
    if (proposed instanceof ResolutionProblem) problems.push(proposed);
    if (stable instanceof ResolutionProblem || proposed instanceof ResolutionProblem) continue;
    if (compareDebianVersions(proposed.version, stable.version) < 0)
      problems.push(
        new ResolutionProblem(
          `${service}: proposed ${proposed.version} (${suites.proposed}) is older than stable ` +
            `${stable.version} (${suites.stable}); the lab upgrades, it does not downgrade: swap ` +
            `cluster.lab.suites.stable and .proposed`,
        ),
      );
    else if (stable.series !== undefined && proposed.series !== undefined) {
      const why = unsupportedUpgrade(stable.series, proposed.series);
      if (why !== undefined)
        problems.push(
          new ResolutionProblem(
            `${service}: ${showVersion(stable)} → ${showVersion(proposed)} is not an upgrade ` +
              `${service} supports: ${why}`,
          ),
        );
    }
    services.push({
      service,
      packages: LAB_PACKAGES[service] ?? [],
      stable,
      proposed,
      unchanged: stable.version === proposed.version,
    });
  }
  if (problems.length > 0) return problems;
  const of = (tag: "stable" | "proposed"): LabVersions =>
    Object.fromEntries(services.map((s) => [s.service, s[tag].version]));
  return { suites, stable: of("stable"), proposed: of("proposed"), services };
}

/** Every package `resolveVersions` needs madison to list. */
export const MADISON_PACKAGES: readonly string[] = LAB_SERVICES.flatMap(
  (s) => LAB_PACKAGES[s] ?? [],
);
