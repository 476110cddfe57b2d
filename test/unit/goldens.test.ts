import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { GOLDEN_DIR, goldenFilesOnDisk, goldens } from "../goldens.js";

describe("golden files", () => {
  const all = goldens();
  it("every golden file on disk is rendered by something, and every rendered one exists", () => {
    const rendered = all.map((g) => g.path).sort();
    const stale = goldenFilesOnDisk().filter((f) => !rendered.includes(f));
    expect(
      stale,
      "golden files nothing renders any more (npm run update-goldens removes them)",
    ).to.deep.equal([]);
    const missing = rendered.filter((f) => !existsSync(join(GOLDEN_DIR, f)));
    expect(
      missing,
      "rendered files without a golden (npm run update-goldens writes them)",
    ).to.deep.equal([]);
  });
  for (const g of all)
    it(`${g.path} matches what kroll renders`, async () => {
      const path = join(GOLDEN_DIR, g.path);
      expect(await g.render(), `${path} differs (npm run update-goldens to accept)`).to.equal(
        readFileSync(path, "utf8"),
      );
    });
});
