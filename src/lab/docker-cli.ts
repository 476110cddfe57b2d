/**
 * EFFECT. The local Docker engine, driven through the `docker` CLI (Debian's docker.io): the
 * lab builds images with the legacy builder, runs Docker-in-Docker nodes and pushes to its
 * registry exactly as verified by hand (LAB-FACTS.md). Every call has a timeout.
 */
import { spawn } from "node:child_process";
import { EnvironmentError, TimeoutError } from "../core/errors.js";

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface DockerCli {
  /** Runs `docker ARGS`; never throws on a non-zero exit (check `code`). */
  run(
    args: readonly string[],
    opts?: { timeoutMs?: number; input?: string; onOutput?: (chunk: string) => void },
  ): Promise<CliResult>;
  /** Runs `docker ARGS` and returns stdout; throws EnvironmentError with stderr on failure. */
  ok(
    args: readonly string[],
    opts?: {
      timeoutMs?: number;
      input?: string;
      onOutput?: (chunk: string) => void;
      what?: string;
    },
  ): Promise<string>;
}

export function createDockerCli(binary = "docker"): DockerCli {
  const run: DockerCli["run"] = (args, opts = {}) =>
    new Promise((resolve, reject) => {
      const timeoutMs = opts.timeoutMs ?? 60_000;
      const child = spawn(binary, args, { stdio: ["pipe", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new TimeoutError(`docker ${args.slice(0, 3).join(" ")}`, timeoutMs));
      }, timeoutMs);
      child.stdout.on("data", (d: Buffer) => {
        const s = d.toString();
        stdout += s;
        opts.onOutput?.(s);
      });
      child.stderr.on("data", (d: Buffer) => {
        const s = d.toString();
        stderr += s;
        opts.onOutput?.(s);
      });
      child.on("error", (e) => {
        clearTimeout(timer);
        reject(
          new EnvironmentError(`cannot run ${binary}: ${e.message}; install Debian's docker.io`, {
            cause: e,
          }),
        );
      });
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
      // A command that exits before reading its input (a failed `docker run -i`) closes the
      // pipe: EPIPE here is not kroll's bug, the exit code and stderr say what went wrong.
      child.stdin.on("error", () => undefined);
      child.stdin.end(opts.input ?? "");
    });
  return {
    run,
    async ok(args, opts = {}) {
      const r = await run(args, opts);
      if (r.code !== 0) {
        const tail = r.stderr.trim().split("\n").slice(-5).join("\n");
        throw new EnvironmentError(
          `${opts.what ?? `docker ${args.slice(0, 2).join(" ")}`} failed (exit ${r.code}): ${tail}`,
        );
      }
      return r.stdout;
    },
  };
}
