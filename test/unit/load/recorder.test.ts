import { expect } from "chai";
import { Recorder } from "../../../src/load/recorder.js";
import type { RequestRecord } from "../../../src/load/recorder.js";

const req = (over: Partial<RequestRecord>): RequestRecord => ({
  profile: "ironic",
  method: "GET",
  route: "GET /v1/nodes",
  dueAt: 1_000,
  finishedAt: 1_020,
  status: 200,
  errorClass: undefined,
  error: undefined,
  requestId: "req-1",
  ...over,
});

describe("load/recorder", () => {
  it("keeps latencies in histograms per route, counts per second, and failures in full", () => {
    const r = new Recorder(0);
    const seen: string[] = [];
    r.onFailure = (x) => seen.push("route" in x ? x.route : x.id);
    for (let i = 0; i < 100; i++)
      r.request(req({ dueAt: i * 10, finishedAt: i * 10 + 5 + (i === 99 ? 995 : 0) }));
    r.request(
      req({
        dueAt: 1_500,
        finishedAt: 1_510,
        status: 503,
        errorClass: "5xx",
        error: "HTTP 503",
        requestId: "req-9",
      }),
    );
    r.request(
      req({
        route: "POST /v1/nodes",
        method: "POST",
        dueAt: 1_600,
        finishedAt: 1_700,
        status: undefined,
        errorClass: "refused",
        error: "ECONNREFUSED",
      }),
    );
    const s = r.summary();
    expect(s.requests).to.equal(102);
    expect(s.failed).to.equal(2);
    expect(s.byClass).to.deep.equal({ "5xx": 1, refused: 1 });
    const nodes = s.routes.find((x) => x.route === "GET /v1/nodes");
    expect(nodes).to.deep.include({ count: 101, failed: 1, p50Ms: 5 });
    expect(nodes?.maxMs).to.be.within(999, 1_001);
    expect(s.perSecond).to.have.length(2);
    expect(s.perSecond[0]).to.deep.include({ s: 0, ok: 100, failed: 0, p50Ms: 5 });
    expect(s.perSecond[0]?.maxMs).to.be.within(995, 1_010);
    expect(s.perSecond[1]).to.deep.include({ s: 1, ok: 0, failed: 2, p50Ms: 10, p99Ms: 100 });
    expect(s.failures.map((f) => f.requestId)).to.deep.equal(["req-9", "req-1"]);
    expect(seen).to.deep.equal(["GET /v1/nodes", "POST /v1/nodes"]);
  });

  it("keeps a latency histogram per second and reduces old seconds to their percentiles", () => {
    const r = new Recorder(0);
    // Second 0: latencies 1..100 ms; then 200 s later one more request (second 0 is reduced).
    for (let i = 1; i <= 100; i++) r.request(req({ dueAt: 10, finishedAt: 10 + i }));
    r.request(req({ dueAt: 200_000, finishedAt: 200_007 }));
    // A late answer for second 0 still counts and can raise its max.
    r.request(req({ dueAt: 500, finishedAt: 500 + 5_000 }));
    const [s0, s200] = r.summary().perSecond;
    expect(s0).to.deep.include({ s: 0, ok: 101, failed: 0, p50Ms: 50, p99Ms: 99 });
    expect(s0?.maxMs).to.equal(5_000);
    expect(s200).to.deep.include({ s: 200, ok: 1, p50Ms: 7, p99Ms: 7, maxMs: 7 });
  });

  it("bounds the failures it keeps and counts the rest", () => {
    const r = new Recorder(0, 2);
    for (let i = 0; i < 5; i++) r.request(req({ errorClass: "timeout", status: undefined }));
    expect(r.summary().failures).to.have.length(2);
    expect(r.summary().failuresDropped).to.equal(3);
  });

  it("reports failed and stuck operations to the live check, not done ones", () => {
    const r = new Recorder(0);
    const seen: string[] = [];
    r.onFailure = (x) => seen.push("id" in x ? `${x.id} ${x.status}` : "");
    const op = {
      profile: "heat",
      service: "heat",
      kind: "heat-stack" as const,
      verb: "create",
      goal: "CREATE_COMPLETE",
      acceptedAt: 0,
      endedAt: 1,
      state: "",
      reason: "",
    };
    r.operation({ ...op, id: "a", status: "done" });
    r.operation({ ...op, id: "b", status: "stuck", state: "CREATE_IN_PROGRESS" });
    expect(seen).to.deep.equal(["b stuck"]);
    expect(r.summary().operations).to.have.length(2);
  });
});
