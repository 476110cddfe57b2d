import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, UsageError } from "../../../src/core/errors.js";
import { parseScenarioText } from "../../../src/scenario/read.js";
import { parseSetting } from "../../../src/scenario/settings.js";
import { REPO } from "../../builders.js";

const LAB = readFileSync(join(REPO, "scenarios", "lab.yaml"), "utf8");
const read = (...sets: string[]) =>
  parseScenarioText(LAB, "scenarios/lab.yaml", join(REPO, "scenarios"), sets.map(parseSetting));

describe("scenario/settings (--set)", () => {
  it("reads the value as YAML and the path by dots, numbers as list indexes", () => {
    expect(parseSetting("load.max_duration=20m")).to.deep.include({
      path: ["load", "max_duration"],
      value: "20m",
    });
    expect(parseSetting("slo.max_failed_requests=3").value).to.equal(3);
    expect(parseSetting("upgrade.pins.ironic=").value).to.equal("");
    expect(parseSetting("cluster.nodes.0.address=10.0.0.5").path).to.deep.equal([
      "cluster",
      "nodes",
      0,
      "address",
    ]);
    expect(parseSetting("services=[ironic, heat]").value).to.deep.equal(["ironic", "heat"]);
  });

  it("refuses what is not KEY.PATH=VALUE, saying what it takes", () => {
    for (const bad of ["load", "=3", "a..b=1", "a b=1"])
      expect(() => parseSetting(bad), bad)
        .to.throw(UsageError)
        .with.property("message")
        .match(/--set takes KEY\.PATH=VALUE/);
  });

  it("sets a value over the file, as if it were written there", () => {
    const base = read();
    const l = read("load.max_duration=20m", "report.formats=[json, junit]");
    expect(l.scenario.load.max_duration).to.equal(20 * 60_000);
    expect(l.scenario.load.max_duration).to.not.equal(base.scenario.load.max_duration);
    expect(l.scenario.report.formats).to.deep.equal(["json", "junit"]);
    expect(l.sets.map((s) => s.text)).to.deep.equal([
      "load.max_duration=20m",
      "report.formats=[json, junit]",
    ]);
  });

  it("checks a set value like the file's own, naming the field and the --set", () => {
    const e = (() => {
      try {
        read("load.max_duration=soon");
      } catch (x) {
        return x;
      }
      return undefined;
    })();
    expect(e).to.be.instanceOf(ConfigError);
    const issue = (e as ConfigError).issues.find((i) => i.path === "load.max_duration");
    expect(issue?.file).to.equal("scenarios/lab.yaml");
    expect(issue?.message).to.match(/\(from --set load\.max_duration=soon\)$/);
    expect(() => read("load.nonsense=1")).to.throw(ConfigError, /nonsense/);
    expect(() => read("name.x=1")).to.throw(ConfigError, /--set name\.x=1: .*not a mapping/);
  });
});
