// Makes sure the machine has what the whole suite needs, installing it from Debian's archive
// when it is missing and we are root (CI and fresh machines of this kind). Never skips: if a
// prerequisite cannot be had, the suite stops here with a message saying what to install.
import { execFileSync, spawnSync } from "node:child_process";

const isRoot = process.getuid?.() === 0;
let aptUpdated = false;

function has(cmd) {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

function aptInstall(packages, why) {
  if (!isRoot || !has("apt-get")) {
    throw new Error(
      `${why}: install Debian packages ${packages.join(" ")} (needs root and apt-get)`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (!aptUpdated) {
    process.stdout.write("prerequisites: apt-get update\n");
    execFileSync("apt-get", ["update", "-qq"], { stdio: ["ignore", "ignore", "inherit"], env });
    aptUpdated = true;
  }
  process.stdout.write(`prerequisites: apt-get install ${packages.join(" ")} (${why})\n`);
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...packages], {
    stdio: ["ignore", "ignore", "inherit"],
    env,
  });
}

/** ansible-inventory, to check generated inventories with Ansible's own parser. */
export function ensureAnsible() {
  if (!has("ansible-inventory"))
    aptInstall(["ansible-core"], "ansible-inventory parses generated inventories");
  if (!has("ansible-inventory"))
    throw new Error("ansible-inventory still missing after installing ansible-core");
}

/**
 * A Docker engine for the lab tests: kroll's own `lab engine` installs Debian's docker.io and
 * starts dockerd when none answers and we are root; otherwise it says what to install.
 */
export function ensureDocker() {
  const r = spawnSync(process.execPath, ["bin/kroll.js", "lab", "engine"], { stdio: "inherit" });
  if (r.status !== 0) throw new Error("no Docker engine for the lab tests (see above)");
}

/** Headless Chromium, to render `kroll run`'s report.html and take its screenshot. */
export function ensureChromium() {
  if (!has("chromium")) aptInstall(["chromium"], "the HTML report is checked in headless Chromium");
  if (!has("chromium")) throw new Error("chromium still missing after installing it");
}

/** python-subunit, to read kroll's results.subunit back with subunit's own parser. */
export function ensureSubunit() {
  const ok = () =>
    spawnSync("/usr/bin/python3", ["-c", "import subunit, testtools"], { stdio: "ignore" })
      .status === 0;
  if (!ok()) aptInstall(["python3-subunit"], "results.subunit is read back by python-subunit");
  if (!ok()) throw new Error("python3 cannot import subunit after installing python3-subunit");
}

export function ensureAll() {
  ensureAnsible();
  ensureSubunit();
  ensureChromium();
  ensureDocker();
}
