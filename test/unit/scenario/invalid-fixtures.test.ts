/**
 * Every file under test/fixtures/scenarios/invalid/ must fail with exactly the issues in its
 * .expect sidecar: file:line:column: field: message, one per line, in order.
 */
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, formatIssue } from "../../../src/core/errors.js";
import { parseScenarioText } from "../../../src/scenario/read.js";
import { FIXTURES } from "../../builders.js";

const DIR = join(FIXTURES, "scenarios", "invalid");
const files = readdirSync(DIR)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

describe("scenario: invalid fixtures", () => {
  it("has at least 15 invalid fixtures, each with its expectation", () => {
    expect(files.length).to.be.at.least(15);
    for (const f of files) expect(readdirSync(DIR)).to.include(f.replace(/\.yaml$/, ".expect"));
  });
  for (const f of files) {
    it(`rejects ${f} with the exact field and message`, () => {
      const want = readFileSync(join(DIR, f.replace(/\.yaml$/, ".expect")), "utf8")
        .trimEnd()
        .split("\n");
      let got: string[] | undefined;
      try {
        parseScenarioText(readFileSync(join(DIR, f), "utf8"), f, DIR);
      } catch (e: unknown) {
        expect(e).to.be.instanceOf(ConfigError);
        got = (e as ConfigError).issues.map(formatIssue);
      }
      expect(got, `${f} was accepted`).to.deep.equal(want);
    });
  }
});
