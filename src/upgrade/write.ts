/** I/O. The run directory of an upgrade: run.json (what to resume) and journal.jsonl. */
import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import type { JournalRecord, JournalSink } from "./journal.js";
import type { Strategy } from "./types.js";

export interface RunInfo {
  readonly scenario: string;
  /** The scenario file, absolute, so `--resume RUN_DIR` needs nothing else. */
  readonly file: string;
  readonly strategy: Strategy;
  readonly started: string;
  /** --adopt: containers kroll did not create are taken over (a resume keeps it). */
  readonly adopt?: boolean;
}

export const JOURNAL = "journal.jsonl";
export const RUN_INFO = "run.json";

/** A compact UTC time for names: 20261122T210531Z. */
export const utcStamp = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");

/** Makes a directory's entries (a new or renamed file) durable. */
function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** run.json, atomically: written beside, flushed, renamed over, the directory flushed. */
export function createRunDir(dir: string, info: RunInfo): void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, RUN_INFO);
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeFileSync(fd, `${JSON.stringify(info, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncDir(dir);
}

/**
 * A journal whose last line was torn (kroll killed mid-append, the disk full) loses that line:
 * the record it began was never complete, so the action it announced is found again from the
 * cluster. Cutting it keeps the next record on a line of its own (appending after it glued the
 * two, and the next --resume could not read the journal).
 */
export function cutTornTail(path: string): boolean {
  if (!existsSync(path)) return false;
  const buf = readFileSync(path);
  if (buf.length === 0 || buf[buf.length - 1] === 0x0a) return false;
  truncateSync(path, buf.lastIndexOf(0x0a) + 1);
  return true;
}

/**
 * Appends each record as one line and flushes it to disk before returning: a journal that
 * survives the process being killed mid-action is the point of having one.
 */
export function openJournal(dir: string): JournalSink & { close(): void } {
  const path = join(dir, JOURNAL);
  const fresh = !existsSync(path);
  cutTornTail(path);
  const fd = openSync(path, "a");
  if (fresh) fsyncDir(dir);
  return {
    append(r: JournalRecord) {
      appendFileSync(fd, `${JSON.stringify(r)}\n`);
      fsyncSync(fd);
    },
    close: () => closeSync(fd),
  };
}

/** Opens the journal and records, first, which run this is (or that it is resumed). */
export function openRunJournal(
  dir: string,
  run: Omit<Extract<JournalRecord, { type: "run" }>, "type">,
): JournalSink & { close(): void } {
  const j = openJournal(dir);
  j.append({ type: "run", ...run });
  return j;
}
