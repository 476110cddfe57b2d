/**
 * A change under review: a patch in git format applied hunk by hunk to the proposed image's file
 * (a conflict names its file and hunk), and `--change SERVICE=PATH` read as a patch or a
 * checkout (a checkout without the package, or a patch outside it, refused clearly).
 */
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../../../src/core/errors.js";
import { applyFile, parseGitPatch, PatchError } from "../../../src/change/patch.js";
import { parseChangeOption, readChange } from "../../../src/change/read.js";
import { changeTag, packagingNotes } from "../../../src/change/build.js";
import { withChanges } from "../../../src/change/scenario.js";
import { aScenario, load } from "../../builders.js";

const MANAGER = [
  "import logging",
  "",
  "LOG = logging.getLogger(__name__)",
  "",
  "",
  "class ConductorManager(object):",
  "    RPC_API_VERSION = '1.56'",
  "",
  "    def do_node_deploy(self, context, node_id):",
  "        LOG.debug('deploy %s', node_id)",
  "        return node_id",
  "",
].join("\n");

const PATCH = `From 3f2a0c1e Mon Sep 17 00:00:00 2001
From: Reviewer <r@example.org>
Subject: [PATCH] Log each deploy at info

---
 ironic/conductor/manager.py | 2 +-
 releasenotes/notes/log-deploy.yaml | 2 ++
 2 files changed

diff --git a/ironic/conductor/manager.py b/ironic/conductor/manager.py
index 1111111..2222222 100644
--- a/ironic/conductor/manager.py
+++ b/ironic/conductor/manager.py
@@ -8,5 +8,5 @@ class ConductorManager(object):
 
     def do_node_deploy(self, context, node_id):
-        LOG.debug('deploy %s', node_id)
+        LOG.info('deploy %s', node_id)
         return node_id
 
diff --git a/releasenotes/notes/log-deploy.yaml b/releasenotes/notes/log-deploy.yaml
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/releasenotes/notes/log-deploy.yaml
@@ -0,0 +1,2 @@
+---
+other: [deploys are logged at info]
-- 
2.39.5
`;

describe("change: patches and checkouts", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "kroll-change-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("parses a git patch: its id (sha256), its subject, the repository paths it touches", () => {
    const p = parseGitPatch(PATCH);
    expect(p.id).to.match(/^[0-9a-f]{12}$/);
    expect(p.subject).to.equal("Log each deploy at info");
    expect(p.files.map((f) => [f.from, f.to])).to.deep.equal([
      ["ironic/conductor/manager.py", "ironic/conductor/manager.py"],
      [undefined, "releasenotes/notes/log-deploy.yaml"],
    ]);
  });

  it("applies a file's hunks to the proposed image's text", () => {
    const [f] = parseGitPatch(PATCH).files;
    const out = applyFile(f!, MANAGER);
    expect(out).to.include("LOG.info('deploy %s', node_id)").and.not.include("LOG.debug");
  });

  it("a hunk that does not apply is an error naming the file and the hunk", () => {
    const [f] = parseGitPatch(PATCH).files;
    const changed = MANAGER.replace("LOG.debug('deploy %s', node_id)", "LOG.warning('x')");
    expect(() => applyFile(f!, changed))
      .to.throw(PatchError)
      .with.property(
        "message",
        "ironic/conductor/manager.py: hunk 1 of 1 (@@ -8,5 +8,5 @@) does not apply to the proposed image's file",
      );
    expect(() => applyFile(f!, undefined)).to.throw(
      /ironic\/conductor\/manager\.py: the proposed image has no such file/,
    );
  });

  it("reads --change ironic=PATCH: only the package's files are built, the rest said", () => {
    const file = join(dir, "change.patch");
    writeFileSync(file, PATCH);
    const c = readChange(parseChangeOption(`ironic=${file}`), dir);
    expect(c.kind).to.equal("patch");
    if (c.kind !== "patch") return;
    expect(c.patch.files.map((f) => f.to)).to.deep.equal(["ironic/conductor/manager.py"]);
    expect(c.ignored).to.deep.equal(["releasenotes/notes/log-deploy.yaml"]);
    expect(c.subject).to.equal("Log each deploy at info");
    expect(packagingNotes(c)).to.deep.equal([]);
  });

  it("says plainly that a change's requirements.txt or setup.cfg is not installed", () => {
    const file = join(dir, "reqs.patch");
    const reqs = PATCH.replaceAll("releasenotes/notes/log-deploy.yaml", "requirements.txt");
    writeFileSync(file, reqs);
    const c = readChange(parseChangeOption(`ironic=${file}`), dir);
    expect(packagingNotes(c)).to.have.length(1);
    expect(packagingNotes(c)[0])
      .to.include("the change edits requirements.txt, which kroll does not install")
      .and.include("proposed release's Debian packages");
  });

  it("refuses a patch outside the package, a checkout without it, a service it cannot build, bad syntax (exit 2)", () => {
    const notes = join(dir, "notes.patch");
    writeFileSync(
      notes,
      PATCH.split("diff --git a/releasenotes")[0]!.replaceAll("ironic/", "doc/"),
    );
    expect(() => readChange({ service: "ironic", path: notes }, dir))
      .to.throw(UsageError)
      .with.property("message")
      .that.matches(/changes nothing under ironic\/ \(its files: doc\/conductor\/manager\.py\)/);
    const empty = join(dir, "not-ironic");
    mkdirSync(empty);
    expect(() => readChange({ service: "ironic", path: empty }, dir))
      .to.throw(UsageError)
      .with.property("message")
      .that.matches(/not a checkout of ironic's repository: it has no ironic\/__init__\.py/);
    expect(() => readChange({ service: "mariadb", path: empty }, dir)).to.throw(
      /kroll builds changes of ironic, heat; "mariadb" is not one of them/,
    );
    expect(() => readChange({ service: "ironic", path: "nope.patch" }, dir)).to.throw(
      /--change ironic=nope\.patch: no such file or directory/,
    );
    expect(() => parseChangeOption("ironic")).to.throw(UsageError, /--change takes SERVICE=PATH/);
  });

  it("reads a checkout: the package directory and the commit it is at", () => {
    const repo = join(dir, "ironic-repo");
    mkdirSync(join(repo, "ironic"), { recursive: true });
    writeFileSync(join(repo, "ironic", "__init__.py"), "");
    const c = readChange({ service: "ironic", path: repo }, dir);
    expect(c).to.deep.include({ kind: "checkout", packageDir: join(repo, "ironic") });
    // Not a git repository: said, not guessed.
    expect(c.id).to.equal("uncommitted");
  });

  it("upgrades only what a change touches: its service to the change's tag, the others kept on stable", () => {
    const s = load(aScenario({})).scenario;
    const t = changeTag({ id: "3f2a0c1e9d8b7a65" });
    expect(t).to.equal("change-3f2a0c1e9d8b");
    const c = withChanges(s, [{ service: "ironic", tag: t }]);
    expect(c.kolla.tags.ironic).to.deep.equal({ stable: s.kolla.stable, target: t });
    expect([...c.upgrade.leave_on_stable.services].sort()).to.deep.equal(
      s.services.filter((x) => x !== "ironic").sort(),
    );
    // No change: the scenario as it was.
    expect(withChanges(s, [])).to.equal(s);
  });
});
