/**
 * EFFECT. Builds the lab's images in order, skipping any whose recipe hash label already
 * matches, and pushes the kolla images to the lab registry (skipping those already there).
 * The package versions are resolved from the archive first (after the Debian base exists), so
 * a version the archive lost fails here, by name, before any service image is built.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn, spawnSync } from "node:child_process";
import type { Clock } from "../core/clock.js";
import { EnvironmentError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { DockerCli } from "./docker-cli.js";
import { aptInstall } from "./engine.js";
import { hostPrivilege } from "./privilege.js";
import { httpRequest } from "../cluster/http-client.js";
import type { Progress } from "./progress.js";
import { checkInstallable, explainBuildFailure, resolveLabVersions } from "./apt.js";
import type { AptMirror, LabSuites } from "./mirror.js";
import { inDependencyOrder } from "./build-order.js";
import { recipeHash } from "./read.js";
import {
  debianImage,
  HASH_LABEL,
  HOST_SUITE,
  IMAGE_LABEL,
  kollaRef,
  labImagePlan,
  PUSH_REGISTRY,
  SERVICE_IMAGES,
  serviceOf,
} from "./recipes.js";
import type { ImageBuild } from "./recipes.js";
import { NO_CHANGE, showVersion } from "./versions.js";
import type { Resolution, VersionPins } from "./versions.js";

/**
 * How many image builds run at once: they are mostly apt downloads and unpacking, so on 2
 * cores three overlap well (bench/cold-start measures it). KROLL_BUILD_JOBS overrides it.
 */
export function buildJobs(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.KROLL_BUILD_JOBS);
  return Number.isInteger(n) && n >= 1 && n <= 16 ? n : 3;
}

/** The label that records, on each service image, the service's version and its suite. */
export const VERSIONS_LABEL = "org.openstack.kroll.versions";

const debianHash = (m: AptMirror, suite: string): string =>
  `debootstrap minbase ${suite} ${m.main}`;

/**
 * PURE. The debootstrap script for a suite: its own where this debootstrap has one, else sid's
 * (bookworm's debootstrap has no script for forky; testing and unstable share sid's).
 */
export function debootstrapScript(suite: string, has: (path: string) => boolean): string[] {
  const own = `/usr/share/debootstrap/scripts/${suite}`;
  return has(own) ? [] : ["/usr/share/debootstrap/scripts/sid"];
}

export interface BuildReport {
  readonly resolution: Resolution;
  readonly built: string[];
  readonly upToDate: string[];
  readonly plan: ImageBuild[];
  readonly hashes: ReadonlyMap<string, string>;
}

async function labelOf(cli: DockerCli, ref: string): Promise<string | undefined> {
  const r = await cli.run(
    ["image", "inspect", "--format", `{{index .Config.Labels "${HASH_LABEL}"}}`, ref],
    { timeoutMs: 20_000 },
  );
  return r.code === 0 ? r.stdout.trim() : undefined;
}

export async function ensureDebianBase(
  cli: DockerCli,
  logger: Logger,
  progress: Progress,
  mirror: AptMirror,
  suite: string,
): Promise<boolean> {
  const hash = debianHash(mirror, suite);
  const image = debianImage(suite);
  if ((await labelOf(cli, image)) === hash) return false;
  const priv = hostPrivilege();
  if (spawnSync("sh", ["-c", "command -v debootstrap"]).status !== 0) {
    logger.info("installing Debian's debootstrap");
    aptInstall(priv, ["debootstrap"], "installing Debian's debootstrap");
  }
  const root = mkdtempSync(join(tmpdir(), "kroll-debootstrap-"));
  const rootfs = join(root, "rootfs");
  try {
    // debootstrap makes device nodes and chroots: root, or passwordless sudo (lab/privilege.ts).
    const argv = priv.asRoot(
      [
        "debootstrap",
        "--variant=minbase",
        suite,
        rootfs,
        mirror.main,
        ...debootstrapScript(suite, existsSync),
      ],
      `debootstrap of Debian ${suite} (the lab's base image)`,
    );
    progress.step(`debootstrap ${suite} (minbase) → ${image}`);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(argv[0] ?? "debootstrap", argv.slice(1), {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let err = "";
      child.stdout.on("data", (d: Buffer) => progress.detail(d.toString()));
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      child.on("close", (code) =>
        code === 0
          ? resolve()
          : reject(
              new EnvironmentError(
                `debootstrap ${suite} from ${mirror.main} failed (exit ${code}): ${err.trim().split("\n").slice(-3).join(" ")}` +
                  `; is ${suite} a Debian suite this mirror serves (cluster.lab.suites)?`,
              ),
            ),
      );
    });
    // The tree is root's (some files only root may read): read as root too.
    const tarArgv = priv.asRoot(["tar", "-C", rootfs, "-c", "."], "reading the debootstrap tree");
    const tar = spawn(tarArgv[0] ?? "tar", tarArgv.slice(1), {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const imp = spawn(
      "docker",
      ["import", "--change", `LABEL ${IMAGE_LABEL}=true ${HASH_LABEL}="${hash}"`, "-", image],
      { stdio: ["pipe", "pipe", "pipe"] },
    );
    tar.stdout.pipe(imp.stdin);
    await new Promise<void>((resolve, reject) =>
      imp.on("close", (code) =>
        code === 0
          ? resolve()
          : reject(new EnvironmentError(`docker import of the Debian base failed (exit ${code})`)),
      ),
    );
  } finally {
    // The tree is root's: removed through sudo when that is how it was made.
    if (priv.mode === "sudo" && existsSync(rootfs)) {
      const rm = priv.asRoot(["rm", "-rf", "--one-file-system", rootfs], "removing the tree");
      spawnSync(rm[0] ?? "rm", rm.slice(1), { stdio: "ignore" });
    }
    rmSync(root, { recursive: true, force: true });
  }
  return true;
}

export async function buildLabImages(opts: {
  cli: DockerCli;
  imagesDir: string;
  logger: Logger;
  clock: Clock;
  progress: Progress;
  mirror: AptMirror;
  pins: VersionPins;
  suites: LabSuites;
  /** Builds at a time (default: KROLL_BUILD_JOBS, else 3). */
  jobs?: number;
}): Promise<BuildReport> {
  const { cli, imagesDir, logger, progress, mirror, suites } = opts;
  const built: string[] = [];
  const upToDate: string[] = [];
  const bases = [...new Set([HOST_SUITE, suites.stable, suites.proposed])];
  for (const suite of bases) {
    if (await ensureDebianBase(cli, logger, progress, mirror, suite))
      built.push(debianImage(suite));
    else upToDate.push(debianImage(suite));
  }
  progress.step(
    `resolving package versions from ${mirror.main} (${suites.stable} → ${suites.proposed})`,
  );
  const resolution = await resolveLabVersions(cli, mirror, opts.pins, suites);
  for (const v of resolution.services)
    logger.info(
      `lab ${v.service}: stable ${showVersion(v.stable, true)} from ${v.stable.suite} → proposed ${showVersion(v.proposed, true)} from ${v.proposed.suite}${v.unchanged ? `; ${NO_CHANGE}` : ""}`,
    );
  const plan = labImagePlan(resolution, mirror);
  const hashes = new Map<string, string>(bases.map((s) => [debianImage(s), debianHash(mirror, s)]));

  for (const b of plan)
    hashes.set(b.ref, recipeHash(imagesDir, b, hashes.get(b.parent ?? "") ?? ""));
  // A tag with an image to build: its packages must install together in its suite (a
  // transition in unstable can break that for days), said before the long part of the build.
  for (const tag of ["stable", "proposed"] as const) {
    const mine = plan.filter((b) => b.push && b.ref.endsWith(`:${tag}`));
    const stale = await Promise.all(
      mine.map(async (b) => (await labelOf(cli, b.ref)) !== hashes.get(b.ref)),
    );
    if (!stale.some(Boolean)) continue;
    progress.step(`checking that the ${tag} packages install together from ${suites[tag]}`);
    const pkgs = [...new Set(mine.flatMap((b) => b.packages.split(" ")))].filter((p) => p !== "");
    await checkInstallable(cli, mirror, tag, suites[tag], pkgs);
  }
  let n = 0;
  const ready = new Set(bases.map(debianImage));
  await inDependencyOrder(plan, opts.jobs ?? buildJobs(), ready, async (b) => {
    const hash = hashes.get(b.ref) ?? "";
    if ((await labelOf(cli, b.ref)) === hash) {
      upToDate.push(b.ref);
      return;
    }
    const started = opts.clock.now();
    progress.step(`building ${b.ref} (${++n} started of ${plan.length})`);
    const args = [
      "build",
      "--label",
      `${IMAGE_LABEL}=true`,
      "--label",
      `${HASH_LABEL}=${hash}`,
      ...(b.versions === undefined ? [] : ["--label", `${VERSIONS_LABEL}=${b.versions}`]),
      "-t",
      b.ref,
      "-f",
      join(imagesDir, b.dockerfile ?? join(b.dir, "Dockerfile")),
    ];
    for (const [k, v] of Object.entries(b.args)) args.push("--build-arg", `${k}=${v}`);
    args.push(join(imagesDir, b.dir));
    let output = "";
    const r = await cli.run(args, {
      timeoutMs: 30 * 60_000,
      onOutput: (s) => {
        output = (output + s).slice(-64_000);
        progress.detail(s);
      },
    });
    if (r.code !== 0) throw new EnvironmentError(explainBuildFailure(b.ref, output, r.code));
    logger.info(`built ${b.ref} in ${Math.round((opts.clock.now() - started) / 1000)} s`);
    built.push(b.ref);
  }).finally(() => progress.done());

  return { resolution, built, upToDate, plan, hashes };
}

/** Pushes the kolla images to the lab registry, skipping those it already holds. */
export async function pushLabImages(
  cli: DockerCli,
  plan: readonly ImageBuild[],
  progress: Progress,
): Promise<string[]> {
  const pushed: string[] = [];
  // Pushes have no order among them (the registry shares layers); a few at a time.
  const items = plan.filter((p) => p.push).map((p) => ({ ref: p.ref }));
  await inDependencyOrder(items, 3, new Set(), async (b) => {
    if (await registryHas(b.ref, cli)) return;
    progress.step(`pushing ${b.ref}`);
    await cli.ok(["push", b.ref], {
      timeoutMs: 15 * 60_000,
      onOutput: (s) => progress.detail(s),
      what: `pushing ${b.ref}`,
    });
    pushed.push(b.ref);
  }).finally(() => progress.done());
  return pushed;
}

/**
 * Whether the registry already holds this exact image: its manifest digest for the tag equals
 * the digest Docker recorded when the local image was last pushed.
 */
async function registryHas(ref: string, cli: DockerCli): Promise<boolean> {
  const m = /^([^/]+)\/(.+):([^:]+)$/.exec(ref);
  if (!m || m[1] !== PUSH_REGISTRY) return false;
  const [, , repo = "", tag = ""] = m;
  const local = await cli.run(["image", "inspect", "--format", "{{json .RepoDigests}}", ref], {
    timeoutMs: 20_000,
  });
  if (local.code !== 0) return false;
  const digests = JSON.parse(local.stdout) as string[];
  const res = await httpRequest({
    method: "HEAD",
    url: `http://${PUSH_REGISTRY}/v2/${repo}/manifests/${tag}`,
    headers: { Accept: "application/vnd.docker.distribution.manifest.v2+json" },
    timeoutMs: 5_000,
    readHeader: "docker-content-digest",
  });
  return (
    res.status === 200 &&
    res.header !== undefined &&
    digests.includes(`${PUSH_REGISTRY}/${repo}@${res.header}`)
  );
}

/** PURE. The versions label ("<source> <version> (<suite>)") → service and version. */
export function parseVersionsLabel(
  label: string,
): { service: string; version: string } | undefined {
  const m = /^(\S+) (\S+) \(\S+\)$/.exec(label.trim());
  return m ? { service: m[1] ?? "", version: m[2] ?? "" } : undefined;
}

/**
 * What the lab's images carry, per service (stable → proposed), read from their labels: for a
 * run of the lab's own scenario, where no build (and so no resolution) happens.
 */
export async function labImageVersions(
  cli: DockerCli,
): Promise<{ service: string; stable: string; proposed: string }[]> {
  const out: { service: string; stable: string; proposed: string }[] = [];
  // One image per service carries its version: the first of each in SERVICE_IMAGES.
  const firstOfService = SERVICE_IMAGES.filter(
    (img, i) => SERVICE_IMAGES.findIndex((x) => serviceOf(x) === serviceOf(img)) === i,
  );
  for (const image of firstOfService) {
    const read = async (tag: string): Promise<string | undefined> => {
      const r = await cli.run(
        [
          "image",
          "inspect",
          "--format",
          `{{index .Config.Labels "${VERSIONS_LABEL}"}}`,
          kollaRef(image, tag),
        ],
        { timeoutMs: 20_000 },
      );
      return r.code === 0 ? parseVersionsLabel(r.stdout)?.version : undefined;
    };
    const [stable, proposed] = [await read("stable"), await read("proposed")];
    if (stable !== undefined && proposed !== undefined)
      out.push({ service: serviceOf(image), stable, proposed });
  }
  return out;
}
