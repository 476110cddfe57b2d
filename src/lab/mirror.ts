/**
 * PURE. Where the lab's Debian archive is (the mirror, configurable, as CI systems use their
 * own), which suites each tag of the lab is built from, and the sources.list lines of a suite.
 */
export const DEFAULT_MIRROR = "http://deb.debian.org/debian";
export const MIRROR_ENV = "KROLL_APT_MIRROR";
export const SECURITY_MIRROR_ENV = "KROLL_APT_SECURITY_MIRROR";

export interface AptMirror {
  /** The archive: every suite and its -updates (and debootstrap). */
  readonly main: string;
  /** The security archive: a released suite's -security. */
  readonly security: string;
}

/**
 * The Debian suite each tag of the lab is built from, base image included. The default pair is
 * the newest pair of different OpenStack releases the archive serves that upgrade as the
 * projects support (N → N+1): testing (forky, 2026.1) → unstable (sid, 2026.2). Checked with
 * `kroll lab versions` on 2026-12-07: every OpenStack service of the lab moves one release.
 */
export interface LabSuites {
  readonly stable: string;
  readonly proposed: string;
}
export const DEFAULT_SUITES: LabSuites = { stable: "forky", proposed: "sid" };

/** PURE. The scenario's suites (`cluster.lab.suites`), the default pair where it names none. */
export const labSuites = (
  lab:
    | { suites?: { stable?: string | undefined; proposed?: string | undefined } | undefined }
    | undefined,
): LabSuites => ({
  stable: lab?.suites?.stable ?? DEFAULT_SUITES.stable,
  proposed: lab?.suites?.proposed ?? DEFAULT_SUITES.proposed,
});

/**
 * Released suites: they have -updates and -security suites, whose packages a tag built from them
 * takes too (security updates are what an operator installs). Testing and unstable take only
 * their own suite.
 */
const RELEASED = new Set(["bookworm", "trixie"]);

/** PURE. The suites a tag built from `suite` takes versions from, in sources.list order. */
export function suitesOf(suite: string): string[] {
  return RELEASED.has(suite) ? [suite, `${suite}-updates`, `${suite}-security`] : [suite];
}

/**
 * PURE. The mirror to use: the environment (KROLL_APT_MIRROR, KROLL_APT_SECURITY_MIRROR) over
 * the scenario's `cluster.lab.apt_mirror` / `apt_security_mirror` over Debian's own. The
 * security archive defaults to `<mirror>-security`, Debian's layout (…/debian, …/debian-security).
 */
export function aptMirror(
  lab: { apt_mirror?: string | undefined; apt_security_mirror?: string | undefined } | undefined,
  env: NodeJS.ProcessEnv = process.env,
): AptMirror {
  const strip = (u: string): string => u.replace(/\/+$/, "");
  const main = strip(env[MIRROR_ENV] || lab?.apt_mirror || DEFAULT_MIRROR);
  const security = strip(
    env[SECURITY_MIRROR_ENV] || lab?.apt_security_mirror || `${main}-security`,
  );
  return { main, security };
}

/** PURE. sources.list lines of one suite (with its -updates and -security when released). */
export function sourcesList(m: AptMirror, suite: string): string {
  return suitesOf(suite)
    .map((s) => `deb ${s.endsWith("-security") ? m.security : m.main} ${s} main`)
    .join("\n");
}

/** PURE. sources.list lines of several suites, each once. */
export function sourcesOfAll(m: AptMirror, suites: readonly string[]): string {
  return [...new Set(suites)].map((s) => sourcesList(m, s)).join("\n");
}

/**
 * apt's option for testing and unstable: their Release files carry Valid-Until, and a mirror
 * may be older than that date (apt then refuses the suite as expired). The lab reads what the
 * mirror serves; staleness is the mirror's to fix, not a reason to refuse a build.
 */
export const APT_NO_VALID_UNTIL = 'Acquire::Check-Valid-Until "false";';
