import { expect } from "chai";
import { pinsToCheck } from "../../../src/run/write.js";
import { aScenario, load } from "../../builders.js";

describe("run/write.pinsToCheck: which pins a run can check, from the packs' load hooks", () => {
  const scenario = (microversions: string[], pins: Record<string, string> = { ironic: "2026.1" }) =>
    load(
      aScenario({
        upgrade: { pins },
        load: { profiles: [{ kind: "ironic", rate: 5, microversions }] },
      }),
    ).scenario;

  it("checks a pinned API whose load reads the newest of several microversions", () => {
    expect(pinsToCheck(scenario(["1.115", "1.80"]))).to.deep.equal([
      { service: "ironic", release: "2026.1", apiContainer: "ironic_api", newest: "1.115" },
    ]);
  });

  it("has nothing to check with one microversion read, or no pin", () => {
    expect(pinsToCheck(scenario(["1.80"]))).to.deep.equal([]);
    expect(pinsToCheck(scenario(["1.115", "1.80"], {}))).to.deep.equal([]);
  });
});
