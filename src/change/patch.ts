/**
 * PURE. A change under review given as a patch in git format (`git format-patch`, `git diff`)
 * against a service's repository: which files of the Python package it touches, applied to
 * the files the proposed image holds. jsdiff (`diff`) parses and applies the unified diff; this
 * module applies it hunk by hunk so a conflict names its file and hunk.
 */
import { createHash } from "node:crypto";
import { applyPatch, parsePatch } from "diff";
import type { StructuredPatch } from "diff";

export interface PatchFile {
  /** The path in the repository, e.g. `ironic/conductor/manager.py`; undefined for a new file. */
  readonly from: string | undefined;
  /** undefined for a deleted file. */
  readonly to: string | undefined;
  readonly patch: StructuredPatch;
}

export interface ParsedPatch {
  /** sha256 of the patch text, 12 hex digits: the change's id. */
  readonly id: string;
  /** The commit subject (`Subject: [PATCH] ...`), else the patch's first line. */
  readonly subject: string;
  readonly files: readonly PatchFile[];
}

export class PatchError extends Error {
  readonly path: string | undefined;
  constructor(message: string, path?: string) {
    super(message);
    this.path = path;
  }
}

/** `a/x/y.py` → `x/y.py`; `/dev/null` → undefined. */
const repoPath = (name: string | undefined): string | undefined => {
  if (name === undefined || name === "/dev/null") return undefined;
  return name.replace(/^[ab]\//, "").split("\t")[0];
};

export function parseGitPatch(text: string): ParsedPatch {
  const id = createHash("sha256").update(text).digest("hex").slice(0, 12);
  const subjectLine = /^Subject: (?:\[PATCH[^\]]*\] )?(.+)$/m.exec(text)?.[1];
  const subject = (subjectLine ?? text.split("\n").find((l) => l.trim() !== "") ?? "").trim();
  // git format-patch ends with a signature ("-- " and git's version): not a diff line.
  const body = text.replace(/\n-- \n[^\n]*\n*$/, "\n");
  let parsed: StructuredPatch[];
  try {
    parsed = parsePatch(body);
  } catch (e) {
    throw new PatchError(`not a patch in git format: ${(e as Error).message}`);
  }
  const files = parsed
    .filter((p) => p.hunks.length > 0 || p.oldFileName !== p.newFileName)
    .map((p) => ({ from: repoPath(p.oldFileName), to: repoPath(p.newFileName), patch: p }));
  if (files.length === 0) throw new PatchError("the patch changes no file");
  return { id, subject, files };
}

/** The hunk's header as a person reads it in the patch. */
export const hunkHeader = (h: StructuredPatch["hunks"][number]): string =>
  `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`;

/**
 * Applies one file's hunks to its text in the proposed image, one after another; a hunk that fits
 * nowhere is a PatchError naming the file and the hunk (its number and header).
 */
export function applyFile(f: PatchFile, source: string | undefined): string | undefined {
  const path = f.to ?? f.from ?? "?";
  if (f.to === undefined) return undefined; // deleted
  if (f.from !== undefined && source === undefined)
    throw new PatchError(`${path}: the proposed image has no such file`, path);
  let text = source ?? "";
  f.patch.hunks.forEach((h, i) => {
    const one: StructuredPatch = { ...f.patch, hunks: [h] };
    const out = applyPatch(text, one);
    if (out === false)
      throw new PatchError(
        `${path}: hunk ${i + 1} of ${f.patch.hunks.length} (${hunkHeader(h)}) does not apply to the proposed image's file`,
        path,
      );
    text = out;
  });
  return text;
}
