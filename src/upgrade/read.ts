/** I/O. Reads an upgrade's run directory back (for `--resume`). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../core/errors.js";
import { JournalLineError, parseJournal } from "./journal.js";
import type { JournalRecord } from "./journal.js";
import { JOURNAL, RUN_INFO } from "./write.js";
import type { RunInfo } from "./write.js";

export function readRun(dir: string): { info: RunInfo; records: JournalRecord[] } {
  let info: RunInfo;
  try {
    info = JSON.parse(readFileSync(join(dir, RUN_INFO), "utf8")) as RunInfo;
  } catch {
    throw new UsageError(`${dir} is not an upgrade run directory (no readable ${RUN_INFO})`);
  }
  let text = "";
  try {
    text = readFileSync(join(dir, JOURNAL), "utf8");
  } catch {
    text = "";
  }
  try {
    return { info, records: parseJournal(text) };
  } catch (e) {
    if (!(e instanceof JournalLineError)) throw e;
    throw new UsageError(
      `${join(dir, JOURNAL)}: ${e.message} (it is not the last line, so it is not a write cut short): kroll will not resume from a journal with a hole, which could redo or skip a step; look at the line, or start a new run`,
    );
  }
}
