/**
 * The Debian archive the lab builds from: where it is (the mirror, configurable), what it
 * serves today (read with `apt-cache madison` inside the lab's Debian base image, so the host
 * need not be Debian), and why an image build that ran apt failed.
 */
import { EnvironmentError } from "../core/errors.js";
import type { DockerCli } from "./docker-cli.js";
import { APT_NO_VALID_UNTIL, MIRROR_ENV, sourcesOfAll } from "./mirror.js";
import type { AptMirror, LabSuites } from "./mirror.js";
import { debianImage } from "./recipes.js";
import { MADISON_PACKAGES, parseMadison, resolveVersions } from "./versions.js";
import type { Resolution, VersionPins, ResolutionProblem } from "./versions.js";

/** apt-get update inside a lab container, its tail on stderr when it fails (exit 100). */
const APT_UPDATE = [
  `printf '%s\\n' '${APT_NO_VALID_UNTIL}' > /etc/apt/apt.conf.d/99kroll-valid-until`,
  'printf "%s\\n" "$KROLL_SOURCES" > /etc/apt/sources.list',
  "apt-get update -qq -o Acquire::Retries=3 >/tmp/update.log 2>&1 || { tail -n 8 /tmp/update.log >&2; exit 100; }",
].join(" && ");

/** PURE. Which suite an apt error line names (`… sid Release …`, `… forky InRelease …`). */
export function suiteInAptError(stderr: string, suites: readonly string[]): string | undefined {
  return suites.find((s) =>
    new RegExp(`\\s${s}(/|\\s|$)|\\s${s} (In)?Release|/dists/${s}/`).test(stderr),
  );
}

/**
 * EFFECT. What the archive serves today for the lab's packages (`apt-cache madison`), read in
 * the proposed suite's Debian image with both tags' suites listed.
 */
export async function readMadison(
  cli: DockerCli,
  m: AptMirror,
  suites: LabSuites,
): Promise<string> {
  const all = [suites.stable, suites.proposed];
  const r = await cli.run(
    [
      "run",
      "--rm",
      "-e",
      `KROLL_SOURCES=${sourcesOfAll(m, all)}`,
      debianImage(suites.proposed),
      "sh",
      "-c",
      `${APT_UPDATE} && apt-cache madison ${MADISON_PACKAGES.join(" ")}`,
    ],
    { timeoutMs: 5 * 60_000 },
  );
  if (r.code !== 0) {
    const tail = r.stderr.trim().split("\n").slice(-5).join(" | ");
    const suite = suiteInAptError(r.stderr, all);
    throw new EnvironmentError(
      suite !== undefined
        ? `the Debian suite ${suite} (cluster.lab.suites) can't be read from ${m.main}: ${tail}; ` +
            `name a suite the mirror serves (bookworm, trixie, forky, sid), or set cluster.lab.apt_mirror or ${MIRROR_ENV}`
        : `reading the Debian archive at ${m.main} and ${m.security} (apt-get update in ${debianImage(suites.proposed)}) failed (exit ${r.code}): ` +
            `${tail}; set cluster.lab.apt_mirror or ${MIRROR_ENV} to a mirror this machine reaches`,
    );
  }
  return r.stdout;
}

/**
 * EFFECT. Whether a tag's packages install together in its suite (`apt-get install -s` of the
 * versions resolved): a transition in unstable can leave a package uninstallable for days.
 * Exit 3 naming the suite, the package and apt's reason, before the long part of the build.
 */
export async function checkInstallable(
  cli: DockerCli,
  m: AptMirror,
  tag: "stable" | "proposed",
  suite: string,
  packages: readonly string[],
): Promise<void> {
  const r = await cli.run(
    [
      "run",
      "--rm",
      "-e",
      `KROLL_SOURCES=${sourcesOfAll(m, [suite])}`,
      debianImage(suite),
      "sh",
      "-c",
      `${APT_UPDATE} && apt-get install -s --no-install-recommends ${packages.join(" ")} >/tmp/sim.log 2>&1 || { cat /tmp/sim.log >&2; exit 101; }`,
    ],
    { timeoutMs: 5 * 60_000 },
  );
  if (r.code === 0) return;
  const reason = explainUninstallable(r.stderr);
  throw new EnvironmentError(
    `the lab's ${tag} packages can't be installed together from ${suite} at ${m.main}` +
      `${reason ? `: ${reason}` : ` (exit ${r.code}): ${r.stderr.trim().split("\n").slice(-4).join(" | ")}`}`,
  );
}

/** PURE. apt's own words on an unmet dependency: `pkg : Depends: x but it is not going to be installed`. */
export function explainUninstallable(stderr: string): string | undefined {
  const lines = stderr.split("\n").map((l) => l.trim());
  const unmet = lines.filter((l) => /^\S+ : (Pre)?Depends: |^\s*(Pre)?Depends: |Breaks: /.test(l));
  const e = lines.find((l) => /^E: /.test(l));
  if (unmet.length === 0 && e === undefined) return undefined;
  return [...unmet.slice(0, 4), ...(e ? [e] : [])].join("; ");
}

/** EFFECT. Resolves the lab's versions; exit 3 naming every package the archive lacks. */
export async function resolveLabVersions(
  cli: DockerCli,
  m: AptMirror,
  pins: VersionPins,
  suites: LabSuites,
): Promise<Resolution> {
  const r = resolveVersions(parseMadison(await readMadison(cli, m, suites)), pins, m.main, suites);
  if (Array.isArray(r))
    throw new EnvironmentError(
      `the lab's package versions can't be resolved:\n${r.map((p: ResolutionProblem) => `  ${p.message}`).join("\n")}`,
    );
  return r;
}

/**
 * PURE. Why a `docker build` failed, from its output: the step that failed, the package apt
 * named, and the last lines of apt's output.
 */
export function explainBuildFailure(ref: string, output: string, code: number): string {
  const lines = output
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "");
  const steps = lines.filter((l) => /^Step \d+\/\d+ : /.test(l));
  const step = steps.at(-1)?.replace(/\s+/g, " ");
  const pkgProblem = lines
    .map(
      (l) =>
        /^E: (Version '[^']+' for '[^']+' was not found)/.exec(l)?.[1] ??
        /^E: (Unable to locate package \S+)/.exec(l)?.[1] ??
        /^E: (Package '[^']+' has no installation candidate)/.exec(l)?.[1] ??
        /^E: (Failed to fetch \S+)/.exec(l)?.[1],
    )
    .find((x) => x !== undefined);
  const tail = lines
    .filter((l) => !/^(Step \d+|Removing intermediate|---> |Sending build context)/.test(l.trim()))
    .slice(-8)
    .map((l) => `    ${l.slice(0, 300)}`)
    .join("\n");
  return [
    `building ${ref} failed (docker build exit ${code})`,
    step ? ` at ${step.slice(0, 200)}` : "",
    pkgProblem ? `: ${pkgProblem}` : "",
    `\n  last lines of its output:\n${tail}`,
  ].join("");
}
