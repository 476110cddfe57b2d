/**
 * PURE. OpenStack's release series, and which series an upstream version of a project belongs
 * to. Facts from openstack/releases: `data/series_status.yaml` (the series, their numbers and
 * which are SLURP releases) and `deliverables/<series>/<project>.yaml` (each series' versions
 * of a project). A pack of an OpenStack project holds its own table (`lab.series`): the first
 * upstream version of each series.
 *
 * Upgrades the projects support: N → N+1 for every series, and N → N+2 when both ends are
 * SLURP releases ("skip level upgrade release process", from 2023.1: every `.1` release).
 */
import { RELEASES } from "./releases.js";

/** The series in order, oldest first: the releases kroll deploys, and the next SLURP one. */
export const SERIES = [...RELEASES, "2027.1"] as const;
export type Series = (typeof SERIES)[number];

/** openstack/releases' series names, as its deliverables folders and Ironic's pins spell them. */
export const SERIES_NAMES: Readonly<Record<Series, string>> = {
  zed: "zed",
  "2023.1": "antelope",
  "2023.2": "bobcat",
  "2024.1": "caracal",
  "2024.2": "dalmatian",
  "2025.1": "epoxy",
  "2025.2": "flamingo",
  "2026.1": "gazpacho",
  "2026.2": "hibiscus",
  "2027.1": "indri",
};

/** SLURP releases: those an upgrade may skip to from the previous SLURP release. */
export const isSlurp = (s: Series): boolean => /^20(2[3-9]|[3-9]\d)\.1$/.test(s);

/**
 * A project's series by version: the first upstream version of each series, oldest first.
 * `extrapolate` is set for projects released once per series with one major version each
 * (cycle-with-rc: heat, nova, keystone…): a major beyond the table is its last entry's series
 * plus the difference. Projects with intermediate releases (Ironic) can't be extrapolated.
 */
export interface SeriesTable {
  readonly first: readonly (readonly [version: string, series: Series])[];
  readonly extrapolate?: boolean;
  /**
   * Without `extrapolate`: the newest version known to belong to the last series; a newer
   * one is of a series the table can't tell (the next series' first release, perhaps).
   */
  readonly through?: string;
}

/** The upstream version inside a Debian one: no epoch, no Debian revision, `~rc1` kept as-is. */
export function upstreamOf(debianVersion: string): string {
  const noEpoch = debianVersion.replace(/^\d+:/, "");
  const dash = noEpoch.lastIndexOf("-");
  return dash > 0 ? noEpoch.slice(0, dash) : noEpoch;
}

const nums = (v: string): number[] =>
  (/^(\d+(?:\.\d+)*)/.exec(v)?.[1] ?? "0").split(".").map(Number);

/** Numeric order of two upstream versions (release candidates sort with their release). */
export function compareUpstream(a: string, b: string): number {
  const x = nums(a);
  const y = nums(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export interface SeriesOf {
  readonly series: Series;
  /** Beyond the table, by one major a series. */
  readonly extrapolated: boolean;
}

/**
 * The series of an upstream version, or undefined when the table can't tell (older than its
 * first entry, or beyond it for a project that can't be extrapolated).
 */
export function seriesOf(table: SeriesTable, upstream: string): SeriesOf | undefined {
  const rows = table.first;
  let found: (typeof rows)[number] | undefined;
  for (const row of rows) if (compareUpstream(upstream, row[0]) >= 0) found = row;
  if (found === undefined) return undefined;
  const last = rows.at(-1);
  if (found !== last || last === undefined) return { series: found[1], extrapolated: false };
  // In the last series of the table: its own majors only, unless the project extrapolates.
  const major = nums(upstream)[0] ?? 0;
  const lastMajor = nums(last[0])[0] ?? 0;
  if (!table.extrapolate)
    return table.through !== undefined && compareUpstream(upstream, table.through) > 0
      ? undefined
      : { series: last[1], extrapolated: false };
  const at = SERIES.indexOf(last[1]) + (major - lastMajor);
  const series = SERIES[at];
  return series === undefined ? undefined : { series, extrapolated: major !== lastMajor };
}

/**
 * Why an upgrade from one series to another is not supported, or undefined when it is: the
 * same series (nothing to cross), N → N+1, or SLURP → SLURP two series on.
 */
export function unsupportedUpgrade(from: Series, to: Series): string | undefined {
  const d = SERIES.indexOf(to) - SERIES.indexOf(from);
  if (d < 0) return `${to} is older than ${from}: that is a downgrade`;
  if (d <= 1) return undefined;
  if (d === 2 && isSlurp(from) && isSlurp(to)) return undefined;
  return (
    `${from} → ${to} skips ${d - 1} release${d === 2 ? "" : "s"}; OpenStack supports one release ` +
    `at a time, or SLURP to SLURP (2025.1 → 2026.1)`
  );
}
