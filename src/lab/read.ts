/** I/O for the lab: recipe files, for content hashes. */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { ImageBuild } from "./recipes.js";

/**
 * The content hash of a recipe: every file of its directory (path and bytes), its build
 * arguments, and the hash of the image it is built from, so a change anywhere below an image
 * rebuilds it and everything above it, and an unchanged recipe is never rebuilt.
 */
export function recipeHash(imagesDir: string, build: ImageBuild, parentHash: string): string {
  const h = createHash("sha256");
  const dir = join(imagesDir, build.dir);
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(dir);
  for (const f of files)
    h.update(`file ${relative(dir, f)}\n`)
      .update(readFileSync(f))
      .update("\n");
  for (const [k, v] of Object.entries(build.args).sort(([a], [b]) => (a < b ? -1 : 1)))
    h.update(`arg ${k}=${v}\n`);
  // A recipe outside the context (one recipe for many images) is part of the hash too.
  if (build.dockerfile !== undefined)
    h.update(`dockerfile ${build.dockerfile}\n`)
      .update(readFileSync(join(imagesDir, build.dockerfile)))
      .update("\n");
  h.update(`parent ${parentHash}\n`);
  return h.digest("hex").slice(0, 16);
}
