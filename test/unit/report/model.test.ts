import { expect } from "chai";
import { buildIntervals, disruptionMs, longestOutageMs } from "../../../src/report/intervals.js";
import { attribute, causeOver, spansFromJournal } from "../../../src/report/model.js";
import type { JournalRecord } from "../../../src/upgrade/journal.js";

describe("report/intervals.buildIntervals", () => {
  const ok = (at: number) => ({ at, ok: true });
  const bad = (at: number, error: string) => ({ at, ok: false, error });
  it("starts a new interval when availability flips or the error changes; closes the last one a period after", () => {
    const iv = buildIntervals(
      [
        ok(0),
        ok(100),
        bad(200, "connection refused"),
        bad(300, "connection refused"),
        bad(400, "HTTP 503"),
        ok(500),
        ok(600),
      ],
      100,
    );
    expect(iv).to.deep.equal([
      { from: 0, to: 200, available: true, message: "" },
      { from: 200, to: 400, available: false, message: "connection refused" },
      { from: 400, to: 500, available: false, message: "HTTP 503" },
      { from: 500, to: 700, available: true, message: "" },
    ]);
    expect(disruptionMs(iv)).to.equal(300);
    expect(longestOutageMs(iv)).to.equal(300);
  });
  it("orders samples by send time (a slow probe finishing late does not move its outage)", () => {
    const iv = buildIntervals([ok(0), bad(200, "timeout"), ok(100), ok(300)], 100);
    expect(iv.map((i) => [i.from, i.to, i.available])).to.deep.equal([
      [0, 200, true],
      [200, 300, false],
      [300, 400, true],
    ]);
  });
  it("has no disruption without failures, and none for no samples", () => {
    expect(disruptionMs(buildIntervals([ok(0), ok(100)], 100))).to.equal(0);
    expect(buildIntervals([], 100)).to.deep.equal([]);
  });
  it("measures the longest outage across consecutive unavailable intervals", () => {
    const iv = buildIntervals([bad(0, "a"), bad(100, "b"), ok(300), bad(400, "a"), ok(450)], 100);
    expect(longestOutageMs(iv)).to.equal(300);
    expect(disruptionMs(iv)).to.equal(350);
  });
});

describe("report/model attribution", () => {
  const rec = (r: Record<string, unknown>): JournalRecord => r as unknown as JournalRecord;
  const journal: JournalRecord[] = [
    rec({
      type: "wave",
      ts: 1000,
      wave: 18,
      service: "ironic",
      step: "apis",
      why: "",
      event: "start",
    }),
    rec({
      type: "action",
      ts: 1000,
      wave: 18,
      track: 0,
      index: 0,
      event: "start",
      rollback: false,
      action: { kind: "drain", lbs: ["node1"], backend: "ironic_api_back", server: "node2" },
    }),
    rec({
      type: "action",
      ts: 1300,
      wave: 18,
      track: 0,
      index: 0,
      event: "done",
      rollback: false,
      action: { kind: "drain", lbs: ["node1"], backend: "ironic_api_back", server: "node2" },
    }),
    rec({
      type: "action",
      ts: 1400,
      wave: 18,
      track: 0,
      index: 3,
      event: "start",
      rollback: false,
      action: {
        kind: "recreate",
        node: "node2",
        service: "ironic",
        component: "ironic-api",
        container: "ironic_api",
        from: "a:stable",
        image: "a:proposed",
        labels: {},
        stopGraceS: 60,
        keepAside: true,
      },
    }),
    rec({
      type: "action",
      ts: 1700,
      wave: 18,
      track: 0,
      index: 3,
      event: "done",
      rollback: false,
      action: {
        kind: "recreate",
        node: "node2",
        service: "ironic",
        component: "ironic-api",
        container: "ironic_api",
        from: "a:stable",
        image: "a:proposed",
        labels: {},
        stopGraceS: 60,
        keepAside: true,
      },
    }),
    rec({
      type: "action",
      ts: 1700,
      wave: 18,
      track: 0,
      index: 4,
      event: "start",
      rollback: false,
      action: { kind: "waitHealthy", node: "node2", container: "ironic_api", timeoutMs: 1 },
    }),
  ];
  const spans = spansFromJournal(journal);
  it("pairs starts with their ends, keeps an action still running open", () => {
    expect(spans.map((s) => [s.kind, s.from, s.to, s.node, s.container])).to.deep.equal([
      ["drain", 1000, 1300, "node2", undefined],
      ["recreate", 1400, 1700, "node2", "ironic_api"],
      ["waitHealthy", 1700, undefined, "node2", "ironic_api"],
    ]);
  });
  it("ties a failure to the step, node and container being changed, the disruptive action first", () => {
    const a = attribute(spans, 1650);
    expect(a[0]).to.deep.equal({
      wave: 18,
      service: "ironic",
      step: "apis",
      node: "node2",
      container: "ironic_api",
      action: "recreate ironic_api on node2: a:stable → a:proposed",
    });
  });
  it("counts a short grace after an action ends (effects trail their causes), and nothing before it starts", () => {
    expect(attribute(spans, 900)).to.deep.equal([]);
    expect(attribute(spans, 1350, 100).map((x) => x.action)).to.deep.equal([
      "drain ironic_api_back/node2 on node1",
    ]);
    expect(attribute(spans, 1350, 0)).to.deep.equal([]);
  });
  it("gives an effect 2 s by default to trail its cause, no more", () => {
    // The drain ended at 1300 and nothing ran until 1400: a failure at 1350 is the drain's.
    const only = spans.filter((x) => x.kind === "drain");
    expect(attribute(only, 1300 + 1_999).map((x) => x.action)).to.deep.equal([
      "drain ironic_api_back/node2 on node1",
    ]);
    expect(attribute(only, 1300 + 2_001)).to.deep.equal([]);
    expect(causeOver(only, 1300 + 1_999, 1300 + 5_000)?.action).to.equal(
      "drain ironic_api_back/node2 on node1",
    );
    expect(causeOver(only, 1300 + 2_001, 1300 + 5_000)).to.equal(undefined);
  });
});
