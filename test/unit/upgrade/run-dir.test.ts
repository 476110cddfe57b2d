/** The run directory on disk: run.json written whole, a torn journal line cut before resuming. */
import { expect } from "chai";
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../../../src/core/errors.js";
import { parseJournal } from "../../../src/upgrade/journal.js";
import { readRun } from "../../../src/upgrade/read.js";
import { createRunDir, JOURNAL, openRunJournal } from "../../../src/upgrade/write.js";

const wave = (ts: number, event: "start" | "done"): string =>
  JSON.stringify({ type: "wave", ts, wave: 0, service: "cluster", step: "pull", why: "", event });

describe("upgrade/write run directory", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "kroll-run-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes run.json whole, leaving no temporary file", () => {
    createRunDir(dir, { scenario: "lab", file: "/s.yaml", strategy: "rolling", started: "t" });
    expect(readdirSync(dir)).to.deep.equal(["run.json"]);
    expect(readRun(dir).info).to.deep.include({ scenario: "lab", strategy: "rolling" });
  });

  it("resumes after a torn last line: the torn record is cut, the next one stands on its own line, and a second resume reads it all", () => {
    createRunDir(dir, { scenario: "lab", file: "/s.yaml", strategy: "rolling", started: "t" });
    // kroll was killed halfway through writing the third record.
    appendFileSync(
      join(dir, JOURNAL),
      `${wave(1, "start")}\n${wave(2, "done")}\n{"type":"wave","ts":3,"wa`,
    );
    const j = openRunJournal(dir, { ts: 4, resumed: true } as never);
    j.append(JSON.parse(wave(5, "start")) as never);
    j.close();
    const text = readFileSync(join(dir, JOURNAL), "utf8");
    expect(text.split("\n").filter((l) => l !== "")).to.have.length(4);
    expect(() => parseJournal(text)).to.not.throw();
    // The resumed run's own records follow; a later --resume reads every one.
    const again = openRunJournal(dir, { ts: 6, resumed: true } as never);
    again.close();
    expect(readRun(dir).records.map((r) => r.ts)).to.deep.equal([1, 2, 4, 5, 6]);
  });

  it("refuses to resume from a journal with a torn line that is not the last (exit 2, naming the file and line), never a crash", () => {
    createRunDir(dir, { scenario: "lab", file: "/s.yaml", strategy: "rolling", started: "t" });
    appendFileSync(join(dir, JOURNAL), `${wave(1, "start")}\n{"type":"wa\n${wave(3, "done")}\n`);
    expect(() => readRun(dir))
      .to.throw(UsageError)
      .with.property("message")
      .that.matches(/journal\.jsonl: line 2 is not a journal record \(it is not the last line/);
  });
});
