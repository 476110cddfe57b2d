import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { aptMirror, labSuites, sourcesList } from "../../../src/lab/mirror.js";
import {
  explainBuildFailure,
  explainUninstallable,
  suiteInAptError,
} from "../../../src/lab/apt.js";
import { debootstrapScript, parseVersionsLabel } from "../../../src/lab/images.js";
import {
  compareDebianVersions,
  parseMadison,
  resolveVersions,
  showVersion,
} from "../../../src/lab/versions.js";
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

  const NEW = madison("2026-12-07");
  const FORKY_SID = { stable: "forky", proposed: "sid" };
  const BOOKWORM = { stable: "bookworm", proposed: "bookworm" };

  it("takes each tag from its own suite: forky 2026.1 → sid 2026.2 by default", () => {
    const r = resolved(resolveVersions(parseMadison(NEW)));
    expect(r.suites).to.deep.equal(FORKY_SID);
    expect(r.stable).to.include({ ironic: "1:35.0.1-10", heat: "1:26.0.1-1" });
    expect(r.proposed).to.include({ ironic: "1:39.0.0-6", heat: "1:27.0.0-4" });
    const ironic = r.services.find((s) => s.service === "ironic");
    expect(ironic?.stable).to.deep.equal({
      version: "1:35.0.1-10",
      suite: "forky",
      pinned: false,
      series: "2026.1",
    });
    expect(ironic?.proposed).to.include({ suite: "sid", series: "2026.2" });
    expect(showVersion(ironic!.proposed)).to.equal("39.0.0 (2026.2)");
    // Infrastructure has no OpenStack series.
    expect(r.services.find((s) => s.service === "haproxy")?.stable.series).to.equal(undefined);
  });

  it("takes a released suite with its -updates and -security (bookworm, trixie)", () => {
    const r = resolved(resolveVersions(parseMadison(TODAY), {}, "m", BOOKWORM));
    expect(r.stable.ironic).to.equal("1:21.4.4-0+deb12u3");
    expect(r.services.find((s) => s.service === "ironic")?.stable).to.include({
      suite: "bookworm-security",
      series: "2023.1",
    });
    // Heat 19 is zed: the same version on both sides is no upgrade at all, and no refusal.
    expect(r.services.find((s) => s.service === "heat")?.proposed.series).to.equal("zed");
    // The same resolution on the older archive gave deb12u2: nothing is hand-kept.
    expect(
      resolved(resolveVersions(parseMadison(BEFORE), {}, "m", BOOKWORM)).stable.ironic,
    ).to.equal("1:21.4.4-0+deb12u2");
  });

  it("takes the SLURP step trixie 2025.1 → forky 2026.1", () => {
    const r = resolved(
      resolveVersions(parseMadison(NEW), {}, "m", { stable: "trixie", proposed: "forky" }),
    );
    const ironic = r.services.find((s) => s.service === "ironic");
    expect([ironic?.stable.series, ironic?.proposed.series]).to.deep.equal(["2025.1", "2026.1"]);
    expect(r.stable.ironic).to.equal("1:29.0.5-0+deb13u4"); // trixie-security's
    expect(r.proposed["rabbitmq-server"]).to.equal("4.3.6-1");
  });

  it("refuses a pair backwards, naming the service, both versions and what to do (exit 3 upstream)", () => {
    const msgs = problems(
      resolveVersions(parseMadison(NEW), {}, "m", { stable: "sid", proposed: "forky" }),
    );
    expect(msgs.join("\n"))
      .to.include("ironic: proposed 1:35.0.1-10 (forky) is older than stable 1:39.0.0-6 (sid)")
      .and.include("swap cluster.lab.suites.stable and .proposed");
  });

  it("refuses a pair more than one release apart unless both ends are SLURP", () => {
    const msgs = problems(
      resolveVersions(parseMadison(NEW), {}, "m", { stable: "trixie", proposed: "sid" }),
    );
    expect(msgs.join("\n"))
      .to.include("ironic: 29.0.5 (2025.1) → 39.0.0 (2026.2) is not an upgrade ironic supports")
      .and.include("skips 2 releases")
      .and.include("heat: 24.0.0 (2025.1) → 27.0.0 (2026.2)");
  });

  it("refuses a version whose release kroll can't tell, naming what it knows", () => {
    const future = NEW.replace(/1:39\.0\.0-6/g, "1:40.0.0-1");
    const msgs = problems(resolveVersions(parseMadison(future)));
    expect(msgs.join("\n"))
      .to.include(
        "ironic 1:40.0.0-1 (proposed, from sid): kroll can't tell which OpenStack release",
      )
      .and.include("2026.2 from 36.0.0, through 39.99")
      .and.include("cluster.lab.versions.proposed.ironic");
    // Heat releases one major a series: 28 is taken as 2027.1, marked as inferred.
    const heat28 = NEW.replace(/1:27\.0\.0-4/g, "1:28.0.0-1");
    const h = resolved(resolveVersions(parseMadison(heat28))).services.find(
      (s) => s.service === "heat",
    );
    expect(showVersion(h!.proposed)).to.equal("28.0.0 (2027.1?)");
  });

  it("marks a service whose two versions are equal (only base libraries move)", () => {
    const r = resolved(resolveVersions(parseMadison(NEW)));
    const unchanged = r.services.filter((s) => s.unchanged).map((s) => s.service);
    expect(unchanged).to.deep.equal(["haproxy", "memcached", "rabbitmq-server"]);
    expect(r.services.find((s) => s.service === "ironic")?.unchanged).to.equal(false);
  });

  it("refuses a pinned version that disappeared, naming package, version and what is offered", () => {
    const msgs = problems(
      resolveVersions(
        parseMadison(TODAY),
        { proposed: { ironic: "1:21.4.4-0+deb12u2" } },
        "m",
        BOOKWORM,
      ),
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
      resolveVersions(
        parseMadison(TODAY),
        { stable: { ironic: "1:21.4.4-0+deb12u1" }, proposed: { ironic: "1:21.4.4-0+deb12u1" } },
        "m",
        BOOKWORM,
      ),
    );
    expect(r.services.find((s) => s.service === "ironic")?.proposed).to.deep.equal({
      version: "1:21.4.4-0+deb12u1",
      suite: "bookworm",
      pinned: true,
      series: "2023.1",
    });
  });

  it("refuses a stable pin that only another suite offers", () => {
    const msgs = problems(resolveVersions(parseMadison(NEW), { stable: { ironic: "1:39.0.0-6" } }));
    expect(msgs[0]).to.include("python3-ironic 1:39.0.0-6").and.include("is not in forky at");
  });

  it("names a package missing from every suite, and one whose sibling lags", () => {
    const noEngine = NEW.split("\n")
      .filter((l) => !l.includes("heat-engine"))
      .join("\n");
    const msgs = problems(resolveVersions(parseMadison(noEngine), {}, "http://mirror.test/debian"));
    expect(msgs.join("\n"))
      .to.include("heat-engine 1:26.0.1-1")
      .and.include("http://mirror.test/debian")
      .and.include("the archive offers nothing");
    const noIronic = NEW.split("\n")
      .filter((l) => !l.startsWith("python3-ironic"))
      .join("\n");
    expect(problems(resolveVersions(parseMadison(noIronic))).join("\n")).to.include(
      "python3-ironic (the lab's ironic, stable) is not in forky",
    );
    const lagging = NEW.replace(/ironic-common \| 1:39.0.0-6 \|[^\n]*\n/, "");
    expect(problems(resolveVersions(parseMadison(lagging))).join("\n")).to.include(
      "ironic-common 1:39.0.0-6 (built with python3-ironic 1:39.0.0-6",
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
  it("writes a released suite with -updates and -security, testing and unstable alone", () => {
    const m = { main: "http://m/debian", security: "http://m/debian-security" };
    expect(sourcesList(m, "sid")).to.equal("deb http://m/debian sid main");
    expect(sourcesList(m, "forky")).to.equal("deb http://m/debian forky main");
    expect(sourcesList(m, "trixie").split("\n")).to.deep.equal([
      "deb http://m/debian trixie main",
      "deb http://m/debian trixie-updates main",
      "deb http://m/debian-security trixie-security main",
    ]);
  });
  it("defaults to forky → sid, and takes the scenario's suites", () => {
    expect(labSuites(undefined)).to.deep.equal({ stable: "forky", proposed: "sid" });
    expect(labSuites({ suites: { stable: "trixie" } })).to.deep.equal({
      stable: "trixie",
      proposed: "sid",
    });
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

describe("lab/apt: suites and installability", () => {
  it("names the suite apt could not read", () => {
    const err =
      "E: The repository 'http://deb.debian.org/debian bogus Release' does not have a Release file.";
    expect(suiteInAptError(err, ["forky", "bogus"])).to.equal("bogus");
    expect(
      suiteInAptError("E: Failed to fetch http://m/debian/dists/sid/InRelease", ["sid"]),
    ).to.equal("sid");
    expect(suiteInAptError("E: something else", ["sid"])).to.equal(undefined);
  });
  it("gives apt's reason for a package set that can't be installed together", () => {
    const out = [
      "Some packages could not be installed. This may mean that you have",
      "The following packages have unmet dependencies:",
      " python3-ironic : Depends: python3-oslo.db (>= 17.0.0) but 16.1.0-1 is to be installed",
      "E: Unable to correct problems, you have held broken packages.",
    ].join("\n");
    expect(explainUninstallable(out))
      .to.include(
        "python3-ironic : Depends: python3-oslo.db (>= 17.0.0) but 16.1.0-1 is to be installed",
      )
      .and.include("E: Unable to correct problems");
    expect(explainUninstallable("all fine")).to.equal(undefined);
  });
  it("debootstraps a suite this debootstrap has no script for with sid's", () => {
    expect(debootstrapScript("forky", () => false)).to.deep.equal([
      "/usr/share/debootstrap/scripts/sid",
    ]);
    expect(debootstrapScript("trixie", () => true)).to.deep.equal([]);
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
