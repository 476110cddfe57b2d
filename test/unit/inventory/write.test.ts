import { expect } from "chai";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../../../src/core/errors.js";
import { writeFilesAtomically } from "../../../src/inventory/write.js";

describe("inventory/write", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "kroll-write-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes files with their modes and leaves no temporary files", async () => {
    await writeFilesAtomically(dir, [
      { path: "passwords.yml", content: "secret: x\n", mode: 0o600 },
      { path: "globals.yml", content: "a: 1\n", mode: 0o644 },
      { path: "config/ironic/node1/ironic.conf", content: "[DEFAULT]\n", mode: 0o640 },
    ]);
    expect(statSync(join(dir, "passwords.yml")).mode & 0o777).to.equal(0o600);
    expect(statSync(join(dir, "globals.yml")).mode & 0o777).to.equal(0o644);
    expect(statSync(join(dir, "config/ironic/node1/ironic.conf")).mode & 0o777).to.equal(0o640);
    expect(readdirSync(dir).sort()).to.deep.equal(["config", "globals.yml", "passwords.yml"]);
  });
  it("replaces the config tree whole, so removed overrides do not linger", async () => {
    await writeFilesAtomically(dir, [{ path: "config/old.conf", content: "[a]\n", mode: 0o640 }]);
    await writeFilesAtomically(dir, [{ path: "config/new.conf", content: "[b]\n", mode: 0o640 }]);
    expect(readdirSync(join(dir, "config"))).to.deep.equal(["new.conf"]);
    expect(readFileSync(join(dir, "config/new.conf"), "utf8")).to.equal("[b]\n");
  });
  it("refuses a path outside the directory before writing anything (exit 2)", async () => {
    for (const path of ["../escaped.conf", "config/ironic/../../../escaped.conf", "/etc/passwd"]) {
      const err = await writeFilesAtomically(join(dir, "out"), [
        { path: "globals.yml", content: "a: 1\n", mode: 0o644 },
        { path, content: "x\n", mode: 0o600 },
      ]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, path).to.be.instanceOf(UsageError);
      expect(String(err)).to.include(`refusing to write ${path}: it is outside`);
    }
    expect(readdirSync(dir), "nothing written, not even the output directory").to.deep.equal([]);
  });
  it("tightens the mode of an existing, too-open file", async () => {
    await writeFilesAtomically(dir, [{ path: "passwords.yml", content: "a\n", mode: 0o644 }]);
    await writeFilesAtomically(dir, [{ path: "passwords.yml", content: "b\n", mode: 0o600 }]);
    expect(statSync(join(dir, "passwords.yml")).mode & 0o777).to.equal(0o600);
  });
});
