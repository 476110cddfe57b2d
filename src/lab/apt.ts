/**
 * The Debian archive the lab builds from: where it is (the mirror, configurable), what it
 * serves today (read with `apt-cache madison` inside the lab's Debian base image, so the host
 * need not be Debian), and why an image build that ran apt failed.
 */
import { EnvironmentError } from "../core/errors.js";
import type { DockerCli } from "./docker-cli.js";
import { MIRROR_ENV, sourcesList } from "./mirror.js";
import type { AptMirror } from "./mirror.js";
import { DEBIAN_IMAGE } from "./recipes.js";
import { MADISON_PACKAGES, parseMadison, resolveVersions } from "./versions.js";
import type { Resolution, VersionPins, ResolutionProblem } from "./versions.js";

/** EFFECT. What the archive serves today for the lab's packages (`apt-cache madison`). */
export async function readMadison(cli: DockerCli, m: AptMirror): Promise<string> {
  const script = [
    'printf "%s\\n" "$KROLL_SOURCES" > /etc/apt/sources.list',
    "apt-get update -qq -o Acquire::Retries=3 >/tmp/update.log 2>&1 || { tail -n 5 /tmp/update.log >&2; exit 100; }",
    `apt-cache madison ${MADISON_PACKAGES.join(" ")}`,
  ].join(" && ");
  const r = await cli.run(
    [
      "run",
      "--rm",
      "-e",
      `KROLL_SOURCES=${sourcesList(m, "proposed")}`,
      DEBIAN_IMAGE,
      "sh",
      "-c",
      script,
    ],
    { timeoutMs: 5 * 60_000 },
  );
  if (r.code !== 0)
    throw new EnvironmentError(
      `reading the Debian archive at ${m.main} and ${m.security} (apt-get update in ${DEBIAN_IMAGE}) failed (exit ${r.code}): ` +
        `${r.stderr.trim().split("\n").slice(-5).join(" | ")}; set cluster.lab.apt_mirror or ${MIRROR_ENV} to a mirror this machine reaches`,
    );
  return r.stdout;
}

/** EFFECT. Resolves the lab's versions; exit 3 naming every package the archive lacks. */
export async function resolveLabVersions(
  cli: DockerCli,
  m: AptMirror,
  pins: VersionPins,
): Promise<Resolution> {
  const r = resolveVersions(parseMadison(await readMadison(cli, m)), pins, m.main);
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
