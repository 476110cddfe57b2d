/**
 * EFFECT. One `kroll` command as a child process of a bench: its output kept in a log file
 * (never on the bench's stdout, whose last line is the bench's JSON), its exit code and seconds.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = join(fileURLToPath(new URL(".", import.meta.url)), "..", "..");
const KROLL = join(REPO, "bin", "kroll.js");

export function kroll(args: string[], log: string): Promise<{ code: number | null; s: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [KROLL, ...args], {
      cwd: REPO,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => chunks.push(d));
    child.stderr.on("data", (d: Buffer) => chunks.push(d));
    child.on("close", (code) => {
      writeFileSync(log, Buffer.concat(chunks));
      resolve({ code, s: (Date.now() - t0) / 1000 });
    });
  });
}
