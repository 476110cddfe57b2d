import { expect } from "chai";
import { formatDuration, parseDuration } from "../../../src/core/duration.js";

describe("core/duration", () => {
  const cases: [string, number | undefined][] = [
    ["500ms", 500],
    ["90s", 90_000],
    ["5m", 300_000],
    ["1h30m", 5_400_000],
    ["1m30s", 90_000],
    ["0s", 0],
    ["2h3m4s5ms", 7_384_005],
    ["", undefined],
    ["5", undefined],
    ["5 min", undefined],
    ["1.5s", undefined],
    ["30s5m", undefined],
    ["-1s", undefined],
  ];
  for (const [text, ms] of cases) {
    it(`parses ${JSON.stringify(text)} as ${String(ms)}`, () => {
      expect(parseDuration(text)).to.equal(ms);
    });
  }
  it("formats milliseconds back to the shortest exact form", () => {
    expect([0, 500, 90_000, 5_400_000, 1_500].map(formatDuration)).to.deep.equal([
      "0s",
      "500ms",
      "1m30s",
      "1h30m",
      "1s500ms",
    ]);
  });
  it("round-trips every formatted duration", () => {
    for (const ms of [1, 999, 1000, 61_001, 3_600_000, 86_399_999]) {
      expect(parseDuration(formatDuration(ms))).to.equal(ms);
    }
  });
});
