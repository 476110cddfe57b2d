import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { aptMirror, sourcesList } from "../../../src/lab/mirror.js";
import { explainBuildFailure } from "../../../src/lab/apt.js";
import { parseVersionsLabel } from "../../../src/lab/images.js";
import { compareDebianVersions, parseMadison, resolveVersions } from "../../../src/lab/versions.js";
import type { Resolution, ResolutionProblem } from "../../../src/lab/versions.js";
import { REPO } from "../../builders.js";

/** `apt-cache madison` as recorded on two days: ironic's security update moved deb12u2 → deb12u3. */
const madison = (day: string): string =>
  readFileSync(join(REPO, "test", "fixtures", "apt", `madison-${day}.txt`), "utf8");
const TODAY = madison("2026-12-05");
const BEFORE = madison("2026-11-21");

const resolved = (r: Resolution | ResolutionProblem[]): Resolution => {
  if (Array.isArray(r)) throw new Error(r.map((p) => p.message).join("; "));
  return r;
};
const problems = (r: Resolution | ResolutionProblem[]): string[] => {
  if (!Array.isArray(r)) throw new Error("expected problems, got a resolution");
  return r.map((p) => p.message);
};

describe("lab/versions", () => {
  it("parses madison lines into package, version and suite", () => {
    const e = parseMadison(TODAY);
    expect(e).to.deep.include({
      pkg: "python3-ironic",
      version: "1:21.4.4-0+deb12u3",
      suite: "bookworm-security",
    });
    expect(e).to.deep.include({ pkg: "heat-api", version: "1:19.0.0-3", suite: "bookworm" });
    expect(e).to.have.length(16);
    expect(parseMadison("junk\npkg | 1.0 | http://x bookworm/main Sources\n")).to.deep.equal([]);
  });

  it("orders versions as dpkg does", () => {
    const lt = (a: string, b: string): void => {
      expect(compareDebianVersions(a, b), `${a} < ${b}`).to.be.lessThan(0);
      expect(compareDebianVersions(b, a), `${b} > ${a}`).to.be.greaterThan(0);
    };
    lt("1:21.4.4-0+deb12u1", "1:21.4.4-0+deb12u2");
    lt("1:21.4.4-0+deb12u9", "1:21.4.4-0+deb12u10");
    lt("21.9", "1:0.1");
    lt("1.0~rc1", "1.0");
    lt("1.0", "1.0a");
    lt("1.0-1", "1.0-1+b1");
    lt("2.6.12-1+deb12u3", "2.6.12-1+deb12u4");
    lt("1:10.11.18-0+deb12u1", "1:10.11.19-0+deb12u1");
    expect(compareDebianVersions("1:19.0.0-3", "1:19.0.0-3")).to.equal(0);
    expect(compareDebianVersions("1.01", "1.1")).to.equal(0);
  });

  it("takes stable from the release pool and proposed from the newest of the three suites", () => {
    const r = resolved(resolveVersions(parseMadison(TODAY)));
    expect(r.stable).to.deep.equal({
      "mariadb-server": "1:10.11.18-0+deb12u1",
      "rabbitmq-server": "3.10.8-1.1+deb12u1",
      haproxy: "2.6.12-1+deb12u3",
      ironic: "1:21.4.4-0+deb12u1",
      heat: "1:19.0.0-3",
      memcached: "1.6.18-1",
    });
    expect(r.proposed).to.include({
      memcached: "1.6.18-1+deb12u1",
      ironic: "1:21.4.4-0+deb12u3",
      haproxy: "2.6.12-1+deb12u4",
      "mariadb-server": "1:10.11.19-0+deb12u1",
    });
    const ironic = r.services.find((s) => s.service === "ironic");
    expect(ironic?.proposed).to.deep.equal({
      version: "1:21.4.4-0+deb12u3",
      suite: "bookworm-security",
      pinned: false,
    });
    // The same resolution on the older archive gave deb12u2: nothing is hand-kept.
    expect(resolved(resolveVersions(parseMadison(BEFORE))).proposed.ironic).to.equal(
      "1:21.4.4-0+deb12u2",
    );
  });

  it("marks a service whose two versions are equal (only base libraries move)", () => {
    const r = resolved(resolveVersions(parseMadison(TODAY)));
    const unchanged = r.services.filter((s) => s.unchanged).map((s) => s.service);
    expect(unchanged).to.deep.equal(["rabbitmq-server", "heat"]);
    expect(r.services.find((s) => s.service === "ironic")?.unchanged).to.equal(false);
  });

  it("refuses a pinned version that disappeared, naming package, version and what is offered", () => {
    const msgs = problems(
      resolveVersions(parseMadison(TODAY), { proposed: { ironic: "1:21.4.4-0+deb12u2" } }),
    );
    expect(msgs).to.have.length(1);
    expect(msgs[0])
      .to.include("python3-ironic 1:21.4.4-0+deb12u2")
      .and.include("cluster.lab.versions.proposed.ironic")
      .and.include("bookworm, bookworm-updates, bookworm-security")
      .and.include("1:21.4.4-0+deb12u3 (bookworm-security)")
      .and.include("1:21.4.4-0+deb12u1 (bookworm)");
  });

  it("keeps a pinned version the archive still has, and marks it pinned", () => {
    const r = resolved(
      resolveVersions(parseMadison(TODAY), { proposed: { ironic: "1:21.4.4-0+deb12u1" } }),
    );
    expect(r.services.find((s) => s.service === "ironic")?.proposed).to.deep.equal({
      version: "1:21.4.4-0+deb12u1",
      suite: "bookworm",
      pinned: true,
    });
  });

  it("refuses a stable pin that only a later suite offers (stable images see bookworm only)", () => {
    const msgs = problems(
      resolveVersions(parseMadison(TODAY), { stable: { haproxy: "2.6.12-1+deb12u4" } }),
    );
    expect(msgs[0]).to.include("haproxy 2.6.12-1+deb12u4").and.include("is not in bookworm at");
  });

  it("names a package missing from every suite, and one whose sibling lags", () => {
    const noEngine = TODAY.split("\n")
      .filter((l) => !l.includes("heat-engine"))
      .join("\n");
    const msgs = problems(resolveVersions(parseMadison(noEngine), {}, "http://mirror.test/debian"));
    expect(msgs.join("\n"))
      .to.include("heat-engine 1:19.0.0-3")
      .and.include("http://mirror.test/debian")
      .and.include("the archive offers nothing");
    const noIronic = TODAY.split("\n")
      .filter((l) => !l.startsWith("python3-ironic"))
      .join("\n");
    expect(problems(resolveVersions(parseMadison(noIronic))).join("\n")).to.include(
      "python3-ironic (the lab's ironic, stable) is not in bookworm",
    );
    const lagging = TODAY.replace(/ironic-common \| 1:21.4.4-0\+deb12u3 \|[^\n]*\n/, "");
    expect(problems(resolveVersions(parseMadison(lagging))).join("\n")).to.include(
      "ironic-common 1:21.4.4-0+deb12u3 (built with python3-ironic 1:21.4.4-0+deb12u3",
    );
  });
});

describe("lab/mirror", () => {
  it("takes the environment over the scenario over Debian's own, security beside it", () => {
    expect(aptMirror(undefined, {})).to.deep.equal({
      main: "http://deb.debian.org/debian",
      security: "http://deb.debian.org/debian-security",
    });
    expect(aptMirror({ apt_mirror: "http://m.ci/debian/" }, {})).to.deep.equal({
      main: "http://m.ci/debian",
      security: "http://m.ci/debian-security",
    });
    expect(
      aptMirror(
        { apt_mirror: "http://m.ci/debian", apt_security_mirror: "http://s.ci/sec" },
        { KROLL_APT_MIRROR: "http://env.ci/debian" },
      ),
    ).to.deep.equal({ main: "http://env.ci/debian", security: "http://s.ci/sec" });
    expect(
      aptMirror(undefined, {
        KROLL_APT_MIRROR: "http://env.ci/deb",
        KROLL_APT_SECURITY_MIRROR: "http://env.ci/sec",
      }),
    ).to.deep.equal({ main: "http://env.ci/deb", security: "http://env.ci/sec" });
  });
  it("writes the release pool for stable and the three suites for proposed", () => {
    const m = { main: "http://m/debian", security: "http://m/debian-security" };
    expect(sourcesList(m, "stable")).to.equal("deb http://m/debian bookworm main");
    expect(sourcesList(m, "proposed").split("\n")).to.deep.equal([
      "deb http://m/debian bookworm main",
      "deb http://m/debian bookworm-updates main",
      "deb http://m/debian-security bookworm-security main",
    ]);
  });
});

describe("lab/apt.explainBuildFailure", () => {
  it("names the image, the step, the package and apt's last lines", () => {
    const out = [
      "Sending build context to Docker daemon  3.072kB",
      "Step 1/6 : ARG FROM_IMAGE",
      "Step 4/6 : RUN apt-get update  && apt-get install -y --no-install-recommends --allow-downgrades ${PACKAGES}",
      " ---> Running in 0123abcd",
      "Reading package lists...",
      "E: Version '1:21.4.4-0+deb12u2' for 'python3-ironic' was not found",
      "The command '/bin/sh -c apt-get update …' returned a non-zero code: 100",
    ].join("\n");
    const msg = explainBuildFailure("localhost:5000/kolla/ironic-api:proposed", out, 100);
    expect(msg)
      .to.include(
        "building localhost:5000/kolla/ironic-api:proposed failed (docker build exit 100)",
      )
      .and.include("at Step 4/6 : RUN apt-get update")
      .and.include(": Version '1:21.4.4-0+deb12u2' for 'python3-ironic' was not found")
      .and.include("    Reading package lists...");
    expect(msg).to.not.include("Sending build context");
  });
});

describe("lab/images.parseVersionsLabel", () => {
  it("reads back the label each service image carries", () => {
    expect(parseVersionsLabel("ironic 1:21.4.4-0+deb12u3 (bookworm-security)\n")).to.deep.equal({
      service: "ironic",
      version: "1:21.4.4-0+deb12u3",
    });
    expect(parseVersionsLabel("<no value>")).to.equal(undefined);
    expect(parseVersionsLabel("")).to.equal(undefined);
  });
});
