/**
 * How kroll runs the few commands the lab needs root for (installing Debian's docker.io or
 * debootstrap, starting dockerd, debootstrap itself and reading its tree): as they are when kroll
 * runs as root; through `sudo -n` when it runs as a user with passwordless sudo (a Zuul node's
 * `zuul`, an operator's own account); otherwise not at all, with an error that names the command
 * and what would let it run. kroll never asks for a password and never installs anything a user
 * without root could not have installed.
 *
 * PURE apart from `hostPrivilege`, which probes this machine once (uid, `sudo -n true`).
 */
import { spawnSync } from "node:child_process";
import { userInfo } from "node:os";
import { EnvironmentError } from "../core/errors.js";

export interface Privilege {
  /** "root", "sudo" (passwordless), or "none". */
  readonly mode: "root" | "sudo" | "none";
  /** The user kroll runs as (for messages). */
  readonly user: string;
  /**
   * The argv that runs `argv` as root in this mode. `why` says what the command is for; with no
   * way to root, an EnvironmentError names both.
   */
  asRoot(argv: readonly string[], why: string): string[];
}

export function privilegeOf(mode: Privilege["mode"], user: string): Privilege {
  return {
    mode,
    user,
    asRoot(argv, why) {
      if (mode === "root") return [...argv];
      if (mode === "sudo") return ["sudo", "-n", "--", ...argv];
      throw new EnvironmentError(
        `${why} needs root: \`${argv.join(" ")}\`. kroll runs as ${user} without passwordless ` +
          `sudo; run it as root, give ${user} passwordless sudo (kroll then runs \`sudo -n ${argv[0] ?? ""} …\`), ` +
          `or do this step yourself first`,
      );
    },
  };
}

let probed: Privilege | undefined;

/** This machine's: root, else `sudo -n true` answering, else none. Probed once per process. */
export function hostPrivilege(): Privilege {
  if (probed) return probed;
  const user = (() => {
    try {
      return userInfo().username;
    } catch {
      return `uid ${process.getuid?.() ?? "?"}`;
    }
  })();
  const mode: Privilege["mode"] =
    process.getuid?.() === 0
      ? "root"
      : spawnSync("sudo", ["-n", "true"], { stdio: "ignore", timeout: 10_000 }).status === 0
        ? "sudo"
        : "none";
  probed = privilegeOf(mode, user);
  return probed;
}

/**
 * The shell command that starts dockerd in the background, its output to `log`. As root, the
 * socket keeps Docker's own group; through sudo, a user outside the docker group gets the socket
 * by its primary group (`gid`), so the engine kroll starts is one it can use.
 */
export function dockerdStart(
  p: Privilege,
  log: string,
  opts: { inDockerGroup: boolean; gid: number },
): string[] {
  const group = p.mode === "root" || opts.inDockerGroup ? [] : ["--group", String(opts.gid)];
  return p.asRoot(
    ["sh", "-c", `exec dockerd ${group.join(" ")} >>${log} 2>&1`.replace(/ {2,}/g, " ")],
    "starting the Docker engine",
  );
}
