/**
 * The change under review is untrusted code: what it carries reaches the image build and
 * nothing else. The attacks tried on it, each refused or made harmless: a path that climbs out
 * of the build directory, a file name that a shell would run, a checkout's symlink to the host.
 */
import { expect } from "chai";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildChange, copyPackage } from "../../../src/change/build.js";
import { readChange, unsafePath } from "../../../src/change/read.js";
import type { Change } from "../../../src/change/read.js";
import { UsageError } from "../../../src/core/errors.js";
import type { DockerCli } from "../../../src/lab/docker-cli.js";
import { silentLogger as nullLogger } from "../../../src/core/logger.js";

const patchOf = (files: string): string => `From 3f2a0c1e Mon Sep 17 00:00:00 2001
From: Attacker <a@example.org>
Subject: [PATCH] Innocent-looking change
 with a second line\`$(touch /tmp/kroll-label)\`

---
${files}`;

const create = (path: string): string => `diff --git a/${path} b/${path}
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/${path}
@@ -0,0 +1 @@
+x = 1
`;
const remove = (path: string): string => `diff --git a/${path} b/${path}
deleted file mode 100644
index 3333333..0000000
--- a/${path}
+++ /dev/null
@@ -1 +0,0 @@
-x = 1
`;

/** A DockerCli that keeps what each build was given: its Dockerfile, files and arguments. */
function fakeCli(): {
  cli: DockerCli;
  builds: { args: string[]; dockerfile: string; files: string[] }[];
} {
  const builds: { args: string[]; dockerfile: string; files: string[] }[] = [];
  const list = (dir: string, pre = ""): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? list(join(dir, e.name), `${pre}${e.name}/`) : [`${pre}${e.name}`],
    );
  const run: DockerCli["run"] = (args) => {
    if (args[0] === "build") {
      const ctx = args[args.length - 1] ?? "";
      builds.push({
        args: [...args],
        dockerfile: readFileSync(join(ctx, "Dockerfile"), "utf8"),
        files: list(join(ctx, "files")),
      });
    }
    return Promise.resolve({ code: 0, stdout: args[0] === "run" ? "x = 1\n" : "", stderr: "" });
  };
  return {
    builds,
    cli: { run, ok: async (args, o) => (await run(args, o)).stdout },
  };
}

const refs = {
  from: (i: string) => `reg/${i}:proposed`,
  to: (i: string, t: string) => `reg/${i}:${t}`,
};

describe("change: the change under review is untrusted", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "kroll-untrusted-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const read = (text: string): Change => {
    const file = join(dir, "change.patch");
    writeFileSync(file, text);
    return readChange({ service: "ironic", path: file }, dir);
  };

  it("refuses a patch whose path climbs out of the repository, naming the patch and the path (exit 2)", () => {
    for (const bad of ["ironic/../../../../../outside", "ironic/./x.py", "/etc/cron.d/x"]) {
      let err: unknown;
      try {
        read(patchOf(create(bad)));
      } catch (e) {
        err = e;
      }
      expect(err, bad).to.be.instanceOf(UsageError);
      expect((err as Error).message, bad)
        .to.include(`--change ironic=${join(dir, "change.patch")}`)
        .and.include(JSON.stringify(bad));
    }
    expect(existsSync(join(dir, "..", "outside"))).to.equal(false);
  });

  it("refuses a file name a shell would read (a deleted `ironic/x; touch INJECTED #`)", () => {
    expect(() => read(patchOf(remove("ironic/x; touch INJECTED #"))))
      .to.throw(UsageError)
      .with.property("message")
      .that.includes('"ironic/x; touch INJECTED #"')
      .and.includes("outside letters, digits and ._+-");
    expect(unsafePath("ironic/conductor/manager.py")).to.equal(undefined);
    expect(unsafePath("doc/source/a file.rst", false)).to.equal(undefined);
    expect(unsafePath("doc/../../x", false)).to.match(/climbs out/);
  });

  it("builds deletes and renames with no shell, and the change's subject only as a --label argument", async () => {
    const c = read(patchOf(remove("ironic/old.py") + create("ironic/new.py")));
    const { cli, builds } = fakeCli();
    await buildChange({ cli, logger: nullLogger }, c, refs);
    expect(builds.length).to.be.above(0);
    const b = builds[0]!;
    expect(b.dockerfile).to.include(
      'RUN ["rm","-rf","--","/usr/lib/python3/dist-packages/ironic/old.py"]',
    );
    expect(b.dockerfile).to.not.include("Innocent");
    expect(b.dockerfile).to.not.match(/^LABEL/m);
    expect(b.files).to.deep.equal(["ironic/new.py"]);
    const label = b.args[b.args.indexOf("--label") + 1] ?? "";
    expect(label).to.match(/^org\.openstack\.kroll\.change=ironic patch [0-9a-f]{12}: Innocent/);
    expect(label).to.not.match(/[\n\r]/);
  });

  it("copies a checkout's symlink as its target's contents when inside the checkout, and refuses one out of it", () => {
    const repo = join(dir, "ironic-repo");
    mkdirSync(join(repo, "ironic", "sub"), { recursive: true });
    writeFileSync(join(repo, "ironic", "__init__.py"), "");
    writeFileSync(join(repo, "ironic", "sub", "real.py"), "y = 2\n");
    symlinkSync("sub/real.py", join(repo, "ironic", "alias.py"));
    const out = join(dir, "ctx");
    const change = { service: "ironic" as const, path: repo };
    copyPackage(join(repo, "ironic"), out, repo, change);
    expect(readFileSync(join(out, "alias.py"), "utf8")).to.equal("y = 2\n");
    // Out of the checkout: refused, naming the link.
    const secret = join(dir, "host-secret");
    writeFileSync(secret, "root:x:0:0\n");
    symlinkSync(secret, join(repo, "ironic", "leak.py"));
    expect(() => copyPackage(join(repo, "ironic"), join(dir, "ctx2"), repo, change))
      .to.throw(UsageError)
      .with.property("message")
      .that.includes("ironic/leak.py is a symlink out of the checkout");
    rmSync(join(repo, "ironic", "leak.py"));
    // A loop: refused, not followed forever.
    symlinkSync("..", join(repo, "ironic", "sub", "up"));
    expect(() => copyPackage(join(repo, "ironic"), join(dir, "ctx3"), repo, change)).to.throw(
      /symlink loop/,
    );
  });
});
