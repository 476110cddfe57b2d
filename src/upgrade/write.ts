/** I/O. The run directory of an upgrade: run.json (what to resume) and journal.jsonl. */
import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { JournalRecord, JournalSink } from "./journal.js";
import type { Strategy } from "./types.js";

export interface RunInfo {
  readonly scenario: string;
  /** The scenario file, absolute, so `--resume RUN_DIR` needs nothing else. */
  readonly file: string;
  readonly strategy: Strategy;
  readonly started: string;
}

export const JOURNAL = "journal.jsonl";
export const RUN_INFO = "run.json";

/** A compact UTC time for names: 20261122T210531Z. */
export const utcStamp = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");

export function createRunDir(dir: string, info: RunInfo): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, RUN_INFO), `${JSON.stringify(info, null, 2)}\n`);
}

/**
 * Appends each record as one line and flushes it to disk before returning: a journal that
 * survives the process being killed mid-action is the point of having one.
 */
export function openJournal(dir: string): JournalSink & { close(): void } {
  const fd = openSync(join(dir, JOURNAL), "a");
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
