/**
 * I/O. Writes generated files atomically: each file goes to a temporary name in its own
 * directory and is renamed over the old one, so a reader never sees half a file. The config/
 * tree is built beside the old one and swapped in whole, so an override removed from the
 * scenario does not linger.
 */
import { chmod, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { UsageError } from "../core/errors.js";
import type { FileWrite } from "./overrides.js";

/** Refuses a path that would land outside `root` (a "..", an absolute path). */
function inside(root: string, path: string): string {
  const full = resolve(root, path);
  const rel = relative(resolve(root), full);
  if (rel === "" || rel.startsWith("..") || resolve(root, rel) !== full)
    throw new UsageError(`refusing to write ${path}: it is outside ${root}`);
  return full;
}

export async function writeFilesAtomically(
  outDir: string,
  files: readonly FileWrite[],
): Promise<void> {
  // Every path is checked before anything is written.
  for (const f of files) inside(outDir, f.path);
  await mkdir(outDir, { recursive: true });
  const tag = `${process.pid}-${Date.now()}`;
  const config = files.filter((f) => f.path.startsWith("config/"));
  const top = files.filter((f) => !f.path.startsWith("config/"));

  const stagedConfig = join(outDir, `.config.${tag}`);
  await mkdir(stagedConfig, { recursive: true });
  try {
    for (const f of config) await writeOne(inside(stagedConfig, f.path.slice("config/".length)), f);
    for (const f of top) {
      const dest = join(outDir, f.path);
      const tmp = `${dest}.${tag}.tmp`;
      await mkdir(dirname(dest), { recursive: true });
      await writeOne(tmp, f);
      await rename(tmp, dest);
    }
    const old = join(outDir, `.config.${tag}.old`);
    await rename(join(outDir, "config"), old).catch((e: unknown) => {
      if ((e as { code?: string }).code !== "ENOENT") throw e;
    });
    await rename(stagedConfig, join(outDir, "config"));
    await rm(old, { recursive: true, force: true });
  } finally {
    await rm(stagedConfig, { recursive: true, force: true });
  }
}

async function writeOne(path: string, f: FileWrite): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // Created with the final mode, so a secret is never readable by others even for a moment.
  await writeFile(path, f.content, { mode: f.mode });
  await chmod(path, f.mode);
}
