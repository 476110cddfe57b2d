import { expect } from "chai";
import { sloFromHistory } from "../../../src/gate/history-slo.js";
import type { HistoryEntry } from "../../../src/run/history.js";
import { aScenario, load } from "../../builders.js";

const entry = (ms: number, verdict = "pass", strategy = "rolling"): HistoryEntry => ({
  dir: `runs/r${ms}`,
  scenario: "lab",
  strategy,
  startedAt: 0,
  durationMs: 1,
  verdict,
  requests: 1,
  failedRequests: 0,
  disruptionMs: ms,
});

describe("gate/history-slo: max_disruption learnt from earlier passing runs", () => {
  const learning = load(
    aScenario({ slo: { disruption_from_history: true, max_disruption: "2s" } }),
  ).scenario;

  it("takes max(P99 + 5 s, P99 × 1.2) of five passing runs of the strategy, and says so", () => {
    const h = [entry(0), entry(100), entry(200), entry(300), entry(1_000), entry(90_000, "fail")];
    const r = sloFromHistory(learning, h, "rolling");
    expect(r.scenario.slo.max_disruption).to.equal(6_000);
    expect(r.note).to.equal("max_disruption from 5 earlier passing runs: 6000 ms (P99 1000 ms)");
  });

  it("keeps the scenario's bound with fewer runs (failed ones and another strategy's do not count)", () => {
    const h = [
      entry(0),
      entry(0),
      entry(0),
      entry(0),
      entry(0, "pass", "kolla-ansible"),
      entry(0, "fail"),
    ];
    const r = sloFromHistory(learning, h, "rolling");
    expect(r.scenario).to.equal(learning);
    expect(r.learnt).to.equal(undefined);
    expect(r.note).to.match(
      /^slo\.disruption_from_history: fewer than 5 earlier passing runs of "\S+" \(rolling\); using max_disruption 2000 ms$/,
    );
  });

  it("changes nothing and says nothing when the scenario does not learn it (what was learnt is still kept for the report)", () => {
    const fixed = load(aScenario({})).scenario;
    const r = sloFromHistory(fixed, [entry(0), entry(0), entry(0), entry(0), entry(0)], "rolling");
    expect(r.scenario).to.equal(fixed);
    expect(r.note).to.equal(undefined);
    expect(r.learnt?.runs).to.equal(5);
  });
});
