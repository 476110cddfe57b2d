import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CRUISER = join(ROOT, "node_modules", ".bin", "depcruise");
const CONFIG = join(ROOT, ".dependency-cruiser.cjs");

/** The import check of the test step, run on a tree. */
function cruise(cwd: string): { code: number | null; out: string } {
  const r = spawnSync(CRUISER, ["src", "--config", CONFIG], { cwd, encoding: "utf8" });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("architecture: the import rules (.dependency-cruiser.cjs)", function () {
  this.timeout(60_000);

  it("fail on an import against the direction, a pack importing an engine or another pack, an engine reaching into a pack, and a cycle, naming each", () => {
    const r = cruise(join(ROOT, "test", "fixtures", "architecture"));
    expect(r.code, r.out).to.not.equal(0);
    expect(r.out).to.match(
      /cluster-below-engines: src\/cluster\/adapter\.ts → src\/upgrade\/engine\.ts/,
    );
    expect(r.out).to.match(/no-cycle: src\/core\/a\.ts →/);
    expect(r.out).to.match(
      /packs-import-no-engine: src\/services\/alpha\/index\.ts → src\/upgrade\/engine\.ts/,
    );
    expect(r.out).to.match(
      /packs-are-apart: src\/services\/alpha\/index\.ts → src\/services\/beta\/index\.ts/,
    );
    expect(r.out).to.match(
      /engines-read-the-registry: src\/deploy\/engine\.ts → src\/services\/beta\/index\.ts/,
    );
    // beta imports nothing: a pack on its own is fine.
    expect(r.out).to.not.match(/src\/services\/beta\/index\.ts →/);
  });

  it("pass on kroll's own src/", () => {
    const r = cruise(ROOT);
    expect(r.out).to.match(/no dependency violations found \(\d+ modules/);
    expect(r.code, r.out).to.equal(0);
  });
});
