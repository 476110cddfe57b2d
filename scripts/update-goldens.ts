/**
 * `npm run update-goldens`: rewrites every golden file from what kroll renders now, and removes
 * the ones nothing renders any more. The test run never writes them.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { GOLDEN_DIR, goldenFilesOnDisk, goldens } from "../test/goldens.js";

const all = goldens();
for (const g of all) {
  const path = join(GOLDEN_DIR, g.path);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, await g.render());
}
const rendered = new Set(all.map((g) => g.path));
const stale = goldenFilesOnDisk().filter((f) => !rendered.has(f));
for (const f of stale) rmSync(join(GOLDEN_DIR, f));
process.stdout.write(
  `${all.length} golden files written${stale.length ? `, ${stale.length} removed: ${stale.join(", ")}` : ""}; review with git diff\n`,
);
