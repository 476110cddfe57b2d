/**
 * EFFECT. Builds the proposed images of a change under review: each component image of the
 * service from its proposed (target) image plus the change, installed over the Python package the image
 * holds (as kolla-build's `type: local` source would), labelled with the change, tagged
 * `change-<id>` and pushed. A patch is applied here, to the files the proposed image holds, so a
 * conflict is exit 2 naming the file and the hunk; a checkout's package replaces the image's.
 */
import {
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { EnvironmentError, UsageError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { DockerCli } from "../lab/docker-cli.js";
import { packOf } from "../services/catalogue.js";
import type { ServiceName } from "../services/catalogue.js";
import { applyFile, PatchError } from "./patch.js";
import type { Change } from "./read.js";

/** Where Debian's python3-<service> packages install (and kolla's Debian images hold them). */
export const SITE_PACKAGES = "/usr/lib/python3/dist-packages";
export const CHANGE_LABEL = "org.openstack.kroll.change";

/** The tag of a change's images: `change-` and its id's first 12 characters. */
export const changeTag = (c: Pick<Change, "id">): string =>
  `change-${c.id.replace(/[^0-9a-zA-Z]/g, "").slice(0, 12) || "uncommitted"}`;

/** How the report and the image label name a change. */
export const describeChange = (c: Change): string =>
  `${c.service} ${c.kind === "patch" ? "patch" : "commit"} ${c.id}${c.subject ? `: ${c.subject}` : ""}`;

export interface BuiltChange {
  readonly service: ServiceName;
  readonly kind: Change["kind"];
  readonly id: string;
  readonly subject: string;
  readonly tag: string;
  /** Each component image and the reference it was pushed as. */
  readonly images: readonly { readonly image: string; readonly ref: string }[];
  /** Files of the patch outside the Python package, not built (release notes, tests). */
  readonly ignored: readonly string[];
  /** What the build could not take from the change, for the report and the terminal. */
  readonly notes: readonly string[];
}

/** Files that say what a service needs installed: a change to them is not built. */
const PACKAGING = /^(requirements\.txt|setup\.cfg|setup\.py|pyproject\.toml|bindep\.txt)$/;

/**
 * PURE. What a change carries that its images do not: the images keep the proposed release's
 * Python packages from Debian, so new or moved requirements and entry points are not installed.
 */
export function packagingNotes(c: Change): string[] {
  if (c.kind === "checkout")
    return [
      `${c.service}: only the ${c.service}/ package of the checkout is built; its requirements.txt and setup.cfg are not installed (the image keeps the proposed release's Debian packages and entry points)`,
    ];
  const touched = c.ignored.filter((f) => PACKAGING.test(f));
  return touched.length === 0
    ? []
    : [
        `${c.service}: the change edits ${touched.join(", ")}, which kroll does not install: the image keeps the proposed release's Debian packages and entry points, so a new or raised requirement is not there`,
      ];
}

export async function buildChange(
  deps: { readonly cli: DockerCli; readonly logger: Logger },
  change: Change,
  refs: {
    /** The image a component image of the change is built on (the target tag), as this Docker engine pulls it. */
    readonly from: (image: string) => string;
    /** Where the change's image of it is pushed. */
    readonly to: (image: string, tag: string) => string;
  },
): Promise<BuiltChange> {
  const { cli } = deps;
  const log = deps.logger.child({ service: change.service });
  const images = (packOf(change.service).lab?.images ?? []).map((i) => i.image);
  const pkg = packOf(change.service).python?.package ?? change.service;
  const tag = changeTag(change);
  const first = images[0];
  if (first === undefined)
    throw new UsageError(`--change ${change.service}: kroll knows no image of it to build from`);
  for (const image of images) {
    if ((await cli.run(["image", "inspect", refs.from(image)], { timeoutMs: 20_000 })).code !== 0)
      await cli.ok(["pull", refs.from(image)], {
        timeoutMs: 10 * 60_000,
        what: `pulling ${refs.from(image)} to build the change on`,
      });
  }

  const ctx = mkdtempSync(join(tmpdir(), "kroll-change-"));
  try {
    const files = join(ctx, "files");
    mkdirSync(files, { recursive: true });
    const removes: string[] = [];
    if (change.kind === "checkout") {
      copyPackage(change.packageDir, join(files, pkg), change.path, change);
      removes.push(`${SITE_PACKAGES}/${pkg}`);
    } else {
      for (const f of change.patch.files) {
        const source =
          f.from === undefined ? undefined : await catFile(cli, refs.from(first), f.from);
        let text: string | undefined;
        try {
          text = applyFile(f, source);
        } catch (e) {
          if (e instanceof PatchError)
            throw new UsageError(`--change ${change.service}=${change.path}: ${e.message}`);
          throw e;
        }
        // A deleted or renamed file leaves the image (paths checked safe by readChange).
        if (f.from !== undefined && f.from !== f.to) removes.push(`${SITE_PACKAGES}/${f.from}`);
        if (text !== undefined) {
          const out = resolve(files, f.to ?? "");
          if (!out.startsWith(`${resolve(files)}${sep}`))
            throw new UsageError(
              `--change ${change.service}=${change.path}: ${f.to ?? ""} leaves the build directory`,
            );
          mkdirSync(dirname(out), { recursive: true });
          writeFileSync(out, text);
        }
      }
    }
    const built: { image: string; ref: string }[] = [];
    for (const image of images) {
      const from = refs.from(image);
      const user = (
        await cli.ok(["image", "inspect", "--format", "{{.Config.User}}", from], {
          timeoutMs: 20_000,
        })
      ).trim();
      writeFileSync(
        join(ctx, "Dockerfile"),
        [
          `FROM ${from}`,
          "USER root",
          // Exec form: no shell reads the names (they are also a safe set, see unsafePath).
          ...(removes.length > 0 ? [`RUN ${JSON.stringify(["rm", "-rf", "--", ...removes])}`] : []),
          `COPY files/ ${SITE_PACKAGES}/`,
          ...(user !== "" ? [`USER ${user}`] : []),
          "",
        ].join("\n"),
      );
      const ref = refs.to(image, tag);
      log.info(`building ${ref} from ${from} + ${describeChange(change)}`);
      // The label's text (the change's subject) is the change's own: an argument, never a line.
      const label = `${CHANGE_LABEL}=${[...describeChange(change)].map((ch) => (ch < " " || ch === "\x7f" ? " " : ch)).join("")}`;
      await cli.ok(["build", "-q", "--label", label, "-t", ref, ctx], {
        timeoutMs: 10 * 60_000,
        what: `building ${ref}`,
      });
      await cli.ok(["push", ref], { timeoutMs: 10 * 60_000, what: `pushing ${ref}` });
      built.push({ image, ref });
    }
    return {
      service: change.service,
      kind: change.kind,
      id: change.id,
      subject: change.subject,
      tag,
      images: built,
      ignored: change.kind === "patch" ? change.ignored : [],
      notes: packagingNotes(change),
    };
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}

/**
 * Copies a checkout's package into the build context. The checkout is untrusted: a symlink is
 * copied as its target's contents when the target is inside the checkout, and refused (exit 2,
 * naming the link) when it points anywhere else; nothing else than files and directories is
 * copied. Byte code is left out.
 */
export function copyPackage(
  from: string,
  to: string,
  checkout: string,
  change: Pick<Change, "service" | "path">,
): void {
  const root = realpathSync(checkout);
  const walk = (src: string, dst: string, above: ReadonlySet<string> = new Set()): void => {
    const name = src.split(sep).pop() ?? "";
    if (name === "__pycache__" || name.endsWith(".pyc")) return;
    let st = lstatSync(src);
    let real = src;
    if (st.isSymbolicLink()) {
      try {
        real = realpathSync(src);
      } catch {
        throw new UsageError(
          `--change ${change.service}=${change.path}: ${relative(checkout, src)} is a symlink to nothing`,
        );
      }
      if (real !== root && !real.startsWith(`${root}${sep}`))
        throw new UsageError(
          `--change ${change.service}=${change.path}: ${relative(checkout, src)} is a symlink out of the checkout; kroll copies only what the checkout holds`,
        );
      st = statSync(real);
    }
    if (st.isDirectory()) {
      const here = realpathSync(real);
      if (above.has(here))
        throw new UsageError(
          `--change ${change.service}=${change.path}: ${relative(checkout, src)} is a symlink loop`,
        );
      mkdirSync(dst, { recursive: true });
      for (const e of readdirSync(real))
        walk(join(real, e), join(dst, e), new Set([...above, here]));
    } else if (st.isFile()) copyFileSync(real, dst);
  };
  walk(from, to);
}

/** A file of the package as the image holds it; undefined when it has none. */
async function catFile(cli: DockerCli, image: string, path: string): Promise<string | undefined> {
  const r = await cli.run(
    ["run", "--rm", "--network", "none", "--entrypoint", "cat", image, `${SITE_PACKAGES}/${path}`],
    { timeoutMs: 60_000 },
  );
  if (r.code === 0) return r.stdout;
  if (/No such file/.test(r.stderr)) return undefined;
  throw new EnvironmentError(`reading ${path} from ${image}: ${r.stderr.trim()}`);
}
