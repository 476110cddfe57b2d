/**
 * EFFECT. Makes sure a Docker engine answers on this machine. When none does and kroll may run
 * commands as root (as root, or through passwordless sudo: lab/privilege.ts) on Debian, it
 * installs Debian's docker.io (only from the Debian mirror apt is set up with) and starts dockerd
 * itself, logging to a file, then waits until the API answers. Otherwise it stops with a message
 * saying what to install, or which group the user lacks.
 */
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import type { Clock } from "../core/clock.js";
import { EnvironmentError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { DockerCli } from "./docker-cli.js";
import { dockerdStart, hostPrivilege, type Privilege } from "./privilege.js";

export const DOCKERD_LOG = "/var/log/kroll-dockerd.log";

export interface EngineInfo {
  readonly version: string;
  readonly started: boolean;
  readonly installed: boolean;
}

async function serverVersion(cli: DockerCli): Promise<string | undefined> {
  try {
    const r = await cli.run(["version", "--format", "{{.Server.Version}}"], { timeoutMs: 10_000 });
    return r.code === 0 && r.stdout.trim() !== "" ? r.stdout.trim() : undefined;
  } catch {
    return undefined;
  }
}

const has = (cmd: string): boolean =>
  spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;

export async function ensureEngine(
  cli: DockerCli,
  logger: Logger,
  clock: Clock,
): Promise<EngineInfo> {
  const running = await serverVersion(cli);
  if (running !== undefined) {
    logger.debug(`a Docker engine answers on this machine: ${running}`);
    return { version: running, started: false, installed: false };
  }

  const priv = hostPrivilege();
  const socket = "/var/run/docker.sock";
  if (priv.mode !== "root" && existsSync(socket) && !canUse(socket))
    throw new EnvironmentError(
      `a Docker engine's socket ${socket} is there but not open to ${priv.user}: add ${priv.user} ` +
        `to the docker group (\`sudo usermod -aG docker ${priv.user}\`) and log in again`,
    );
  const debian = existsSync("/etc/debian_version") && has("apt-get");
  if (priv.mode === "none" || !debian) {
    throw new EnvironmentError(
      `no Docker engine answers on ${socket}. Install and start one (on Debian: ` +
        "`apt-get install docker.io` and start dockerd), or run kroll as root (or as a user with " +
        "passwordless sudo) on Debian to let it do that",
    );
  }
  let installed = false;
  if (!has("dockerd")) {
    logger.info("installing Debian's docker.io (no Docker engine here)");
    aptInstall(priv, ["docker.io"], "installing Debian's docker.io");
    installed = true;
  }
  logger.info(
    `starting dockerd (log: ${DOCKERD_LOG})${priv.mode === "sudo" ? ", through sudo" : ""}`,
  );
  const dockerGid = groupId(readEtcGroup(), "docker");
  const argv = dockerdStart(priv, DOCKERD_LOG, {
    inDockerGroup: dockerGid !== undefined && (process.getgroups?.() ?? []).includes(dockerGid),
    gid: process.getgid?.() ?? 0,
  });
  const child = spawn(argv[0] ?? "sh", argv.slice(1), { detached: true, stdio: "ignore" });
  child.unref();
  const deadline = clock.now() + 60_000;
  while (clock.now() < deadline) {
    const v = await serverVersion(cli);
    if (v !== undefined) return { version: v, started: true, installed };
    await clock.sleep(500);
  }
  throw new EnvironmentError(`dockerd did not answer within 60 s; see ${DOCKERD_LOG}`);
}

function canUse(path: string): boolean {
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function readEtcGroup(): string {
  try {
    return readFileSync("/etc/group", "utf8");
  } catch {
    return "";
  }
}

/** PURE. A group's id in /etc/group's text, or undefined. */
export function groupId(etcGroup: string, name: string): number | undefined {
  for (const line of etcGroup.split("\n")) {
    const [n, , gid] = line.split(":");
    if (n === name && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  return undefined;
}

/** apt-get update and install, as root (directly or through sudo); an error names the step. */
export function aptInstall(priv: Privilege, packages: readonly string[], why: string): void {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [
    ["update", "-qq"],
    ["install", "-y", "-qq", "--no-install-recommends", ...packages],
  ]) {
    // Through `env`: sudo passes the environment on only when told; apt-get reads it.
    const argv = priv.asRoot(["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", ...args], why);
    const r = spawnSync(argv[0] ?? "env", argv.slice(1), { env, encoding: "utf8" });
    if (r.status !== 0)
      throw new EnvironmentError(
        `apt-get ${args.join(" ")} failed: ${(r.stderr ?? "").trim().split("\n").slice(-3).join(" ")}`,
      );
  }
}
