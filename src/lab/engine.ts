/**
 * EFFECT. Makes sure a Docker engine answers on this machine. When none does and kroll runs as
 * root on Debian, it installs Debian's docker.io (only from the Debian mirror apt is set up
 * with) and starts dockerd itself, logging to a file, then waits until the API answers.
 * Otherwise it stops with a message saying what to install.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, openSync } from "node:fs";
import type { Clock } from "../core/clock.js";
import { EnvironmentError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { DockerCli } from "./docker-cli.js";

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

  const isRoot = process.getuid?.() === 0;
  const debian = existsSync("/etc/debian_version") && has("apt-get");
  if (!isRoot || !debian) {
    throw new EnvironmentError(
      "no Docker engine answers on /var/run/docker.sock. Install and start one (on Debian: " +
        "`apt-get install docker.io` and start dockerd), or run kroll as root on Debian to let it do that",
    );
  }
  let installed = false;
  if (!has("dockerd")) {
    logger.info("installing Debian's docker.io (no Docker engine here)");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    for (const args of [
      ["update", "-qq"],
      ["install", "-y", "-qq", "--no-install-recommends", "docker.io"],
    ]) {
      const r = spawnSync("apt-get", args, { env, encoding: "utf8" });
      if (r.status !== 0)
        throw new EnvironmentError(
          `apt-get ${args.join(" ")} failed: ${(r.stderr ?? "").trim().split("\n").slice(-3).join(" ")}`,
        );
    }
    installed = true;
  }
  logger.info(`starting dockerd (log: ${DOCKERD_LOG})`);
  const log = openSync(DOCKERD_LOG, "a");
  const child = spawn("dockerd", [], { detached: true, stdio: ["ignore", log, log] });
  child.unref();
  const deadline = clock.now() + 60_000;
  while (clock.now() < deadline) {
    const v = await serverVersion(cli);
    if (v !== undefined) return { version: v, started: true, installed };
    await clock.sleep(500);
  }
  throw new EnvironmentError(`dockerd did not answer within 60 s; see ${DOCKERD_LOG}`);
}
