/**
 * PURE. Where the lab's Debian archive is: the mirror (configurable, as CI systems use their
 * own), and the sources.list lines each tag's images are built with.
 */
export const DEFAULT_MIRROR = "http://deb.debian.org/debian";
export const MIRROR_ENV = "KROLL_APT_MIRROR";
export const SECURITY_MIRROR_ENV = "KROLL_APT_SECURITY_MIRROR";

export interface AptMirror {
  /** The archive: bookworm and bookworm-updates (and debootstrap). */
  readonly main: string;
  /** The security archive: bookworm-security. */
  readonly security: string;
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

/** PURE. sources.list lines for the stable tag (release pool) or proposed (all three suites). */
export function sourcesList(m: AptMirror, tag: "stable" | "proposed"): string {
  const lines = [`deb ${m.main} bookworm main`];
  if (tag === "proposed")
    lines.push(`deb ${m.main} bookworm-updates main`, `deb ${m.security} bookworm-security main`);
  return lines.join("\n");
}
