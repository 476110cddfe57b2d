/** Runs the real CLI (`node bin/kroll.js`) as a subprocess, as a user would. */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { REPO } from "../builders.js";

export interface KrollResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runKroll(
  args: readonly string[],
  opts: {
    cwd?: string;
    timeoutMs?: number;
    /** Sends `interruptWith` (SIGINT) once, the first time stderr so far matches. */
    interruptWhen?: RegExp;
    interruptWith?: NodeJS.Signals;
  } = {},
): Promise<KrollResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, "bin", "kroll.js"), ...args], {
      cwd: opts.cwd ?? REPO,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: opts.timeoutMs ?? 60_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    let interrupted = false;
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (!interrupted && opts.interruptWhen?.test(stderr)) {
        interrupted = true;
        child.kill(opts.interruptWith ?? "SIGINT");
      }
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs async jobs with at most `limit` at once (the machine has 2 cores). */
export async function limited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
