/**
 * A long `kroll load` on the lab with the watchers on: does kroll's memory stay flat, and does
 * its timeline stay small, over a gate-length run? The lab is brought up and deployed (stable)
 * first; then `kroll load scenarios/lab.yaml --duration 30m --run-dir runs/bench-soak` runs
 * while this reads the process's resident memory (VmRSS) every 5 s; each minute's figure is the
 * median of its readings, so the garbage collector's saw-tooth (RSS dropping by a fifth and
 * growing back within a minute or two, seen in the first soak) does not decide the verdict.
 * Baseline in the same run: minute 5's figure (the load and every watcher warmed up); the
 * target is every later minute within ±20 % of it, and events.jsonl under 5 MB. The single
 * readings' extremes are reported too.
 * SOAK_MINUTES shortens it (at least 6) for a quick look; the figures then say so.
 * Ends with: {"bench":"soak","minutes":30,"rss_5min_mb":…,"rss_min_mb":…,"rss_max_mb":…,…}
 */
import { spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = join(fileURLToPath(new URL(".", import.meta.url)), "..");
const KROLL = join(REPO, "bin", "kroll.js");
const MINUTES = Math.max(6, Number(process.env.SOAK_MINUTES ?? 30));
const RUN_DIR = join(REPO, "runs", "bench-soak");

function kroll(args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [KROLL, ...args], {
      cwd: REPO,
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.on("close", (code) => resolve(code));
  });
}

const rssMb = (pid: number): number | undefined => {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb === undefined ? undefined : Math.round(Number(kb) / 102.4) / 10;
  } catch {
    return undefined;
  }
};

if ((await kroll(["lab", "up"])) !== 0) throw new Error("kroll lab up failed");
if ((await kroll(["deploy", "scenarios/lab.yaml"])) !== 0) throw new Error("kroll deploy failed");

const t0 = Date.now();
const child = spawn(
  process.execPath,
  [KROLL, "load", "scenarios/lab.yaml", "--duration", `${MINUTES}m`, "--run-dir", RUN_DIR],
  { cwd: REPO, stdio: ["ignore", "inherit", "inherit"] },
);
const pid = child.pid;
if (pid === undefined) throw new Error("kroll load did not start");
const readings: { minute: number; mb: number }[] = [];
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};
const samples: { minute: number; mb: number }[] = [];
const timer = setInterval(() => {
  const mb = rssMb(pid);
  if (mb === undefined) return;
  const minute = Math.floor((Date.now() - t0) / 60_000);
  readings.push({ minute, mb });
  const last = samples.at(-1)?.minute ?? 0;
  if (minute > last) {
    const m = median(readings.filter((r) => r.minute === minute - 1).map((r) => r.mb));
    samples.push({ minute, mb: m });
    process.stderr.write(`soak: minute ${minute}: RSS ${m} MB (median of the minute)\n`);
  }
}, 5_000);
const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
clearInterval(timer);

const at5 = samples.find((s) => s.minute >= 5)?.mb;
const later = samples.filter((s) => s.minute >= 5).map((s) => s.mb);
const raw = readings.filter((r) => r.minute >= 5).map((r) => r.mb);
const events = statSync(join(RUN_DIR, "events.jsonl")).size;
const summary = JSON.parse(readFileSync(join(RUN_DIR, "summary.json"), "utf8")) as {
  requests: number;
  failed: number;
  watcherGaps: { recovered: boolean }[];
};
const lo = Math.min(...later);
const hi = Math.max(...later);
process.stdout.write(
  `${JSON.stringify({
    bench: "soak",
    minutes: MINUTES,
    load_exit: code,
    samples: samples.length,
    rss_5min_mb: at5 ?? null,
    rss_min_mb: lo,
    rss_max_mb: hi,
    rss_end_mb: later.at(-1) ?? null,
    rss_reading_min_mb: Math.min(...raw),
    rss_reading_max_mb: Math.max(...raw),
    rss_within_20pct: at5 !== undefined && hi <= at5 * 1.2 && lo >= at5 * 0.8,
    events_jsonl_mb: Math.round(events / 10_485.76) / 100,
    events_under_5mb: events < 5 * 1024 * 1024,
    requests: summary.requests,
    failed: summary.failed,
    watcher_gaps: summary.watcherGaps.length,
  })}\n`,
);
