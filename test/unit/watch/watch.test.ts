import { expect } from "chai";
import { aScenario, load } from "../../builders.js";
import { evaluateSlo } from "../../../src/watch/detectors.js";
import { readStampedLogs, scanLogLine, scanLogLines } from "../../../src/watch/logscan.js";

describe("watch/logscan", () => {
  const table: [string, string | undefined][] = [
    ["2026-11-22 01:02:03.456 7 ERROR ironic.conductor.manager [-] boom", "ERROR"],
    ["2026-11-22 01:02:03.456 7 INFO ironic.api [-] GET /v1/nodes", undefined],
    ["Traceback (most recent call last):", "Traceback"],
    [
      "oslo_messaging.exceptions.MessagingTimeout: Timed out waiting for a reply",
      "MessagingTimeout",
    ],
    [
      "ERROR ... UnsupportedVersion: Endpoint does not support RPC version 1.56",
      "UnsupportedVersion",
    ],
    [
      "IncompatibleObjectVersion: Version 1.40 of Node is not supported",
      "IncompatibleObjectVersion",
    ],
    ["ironic.common.exception.NodeNotLocked: Node 1 found not to be locked", "NodeNotLocked"],
    ["deploy of node 1 can't be resumed, marking it failed", "cannot-resume"],
  ];
  for (const [line, want] of table)
    it(`${want ?? "nothing"} in ${JSON.stringify(line.slice(0, 50))}`, () =>
      expect(scanLogLine(line)).to.equal(want));

  it("makes one finding of each oslo.log record, however many lines its traceback has", () => {
    const p = "2026-11-22 11:38:26.654 17 ERROR oslo_db.sqlalchemy.engines";
    const q = "2026-11-22 11:40:13.101 19 ERROR ironic.api.controllers.v1.utils";
    const lines = [
      `${p} [-] Database connection was found disconnected; reconnecting`,
      `${p} Traceback (most recent call last):`,
      ...Array.from({ length: 70 }, (_, i) => `${p}   File "x.py", line ${i}, in f`),
      `${p} oslo_db.exception.DBConnectionError: (2013, 'Lost connection')`,
      "2026-11-22 11:38:27.001 17 INFO eventlet.wsgi.server [-] GET /v1/nodes 200",
      `${q} [-] RPC call failed`,
      `${q} oslo_messaging.exceptions.MessagingTimeout: Timed out waiting for a reply`,
      // The same prefix in another container is another record.
      `${p} [-] Database connection was found disconnected; reconnecting`,
    ].map((text, i, all) => ({
      container: i === all.length - 1 ? "heat_api" : "ironic_api",
      text,
    }));
    const found = scanLogLines(lines);
    // The traceback behind oslo.log's prefix is seen as one (the record names its first line).
    expect(found.map((f) => `${f.container} ${f.finding} ${f.lines}`)).to.deep.equal([
      "ironic_api Traceback 73",
      "ironic_api MessagingTimeout 2",
      "heat_api ERROR 1",
    ]);
    // The record keeps its first line: the message, not the last frame.
    expect(found[0]?.line).to.include("found disconnected");
    expect(found[1]?.line).to.include("RPC call failed");
  });
});

describe("watch/logscan.readStampedLogs", () => {
  it("returns each line once across polls whose --since overlap, a cursor per container", () => {
    const cursors = new Map<string, string>();
    const first = [
      "heat_engine 2026-11-22T15:00:01.5Z 2026-11-22 15:00:01.500 7 ERROR heat.engine boom",
      "ironic_api 2026-11-22T15:00:01.25Z GET /v1/nodes",
      "ironic_api 2026-11-22T15:00:02.000000001Z POST /v1/nodes",
      "",
    ].join("\n");
    expect(readStampedLogs(first, cursors).map((l) => l.text)).to.deep.equal([
      "2026-11-22 15:00:01.500 7 ERROR heat.engine boom",
      "GET /v1/nodes",
      "POST /v1/nodes",
    ]);
    // The next poll asks from each cursor; docker repeats the line at it, and the second
    // container's lines between its own cursor and the first's are not lost.
    const second = [
      "heat_engine 2026-11-22T15:00:01.5Z 2026-11-22 15:00:01.500 7 ERROR heat.engine boom",
      "heat_engine 2026-11-22T15:00:01.50000001Z later in the same millisecond",
      "ironic_api 2026-11-22T15:00:02.000000001Z POST /v1/nodes",
      "ironic_api 2026-11-22T15:00:03Z DELETE /v1/nodes/x",
    ].join("\n");
    expect(readStampedLogs(second, cursors)).to.deep.equal([
      { container: "heat_engine", text: "later in the same millisecond" },
      { container: "ironic_api", text: "DELETE /v1/nodes/x" },
    ]);
    expect(cursors.get("ironic_api")).to.equal("2026-11-22T15:00:03.000000000Z");
  });
  it("follows a container by its id: renamed aside (<name>_kroll_old), its lines are not read again", () => {
    const cursors = new Map<string, string>();
    const before =
      "a1b2/ironic_conductor 2026-11-22T15:00:01Z 2026-11-22 15:00:01.000 1 ERROR x boom";
    expect(readStampedLogs(before, cursors)).to.deep.equal([
      { container: "ironic_conductor", text: "2026-11-22 15:00:01.000 1 ERROR x boom" },
    ]);
    const after = [
      "a1b2/ironic_conductor_kroll_old 2026-11-22T15:00:01Z 2026-11-22 15:00:01.000 1 ERROR x boom",
      "a1b2/ironic_conductor_kroll_old 2026-11-22T15:00:04Z stopping",
      "c3d4/ironic_conductor 2026-11-22T15:00:01Z starting",
    ].join("\n");
    expect(readStampedLogs(after, cursors)).to.deep.equal([
      { container: "ironic_conductor_kroll_old", text: "stopping" },
      { container: "ironic_conductor", text: "starting" },
    ]);
  });
  it("keeps a message's unprefixed lines in its record: the traceback after them still names the DBDeadlock", () => {
    // As the lab run of 2026-12-08 logged it (SQLAlchemy's text appended to the message).
    const p = "2026-12-08 00:43:31.322 40 ERROR ironic.conductor.utils";
    const found = scanLogLines(
      [
        `${p} [None req-69d3dea4-529b-4eda-a1c2-68f066859723 - - - - - -] Unexpected error when processing next clean step. DBDeadlock: (pymysql.err.OperationalError) (1213, 'Deadlock found when trying to get lock; try restarting transaction')`,
        "(Background on this error at: https://sqlalche.me/e/20/e3q8): oslo_db.exception.DBDeadlock: (pymysql.err.OperationalError) (1213, 'Deadlock found when trying to get lock; try restarting transaction')",
        "(Background on this error at: https://sqlalche.me/e/20/e3q8)",
        `${p} Traceback (most recent call last):`,
        `${p}   File "api.py", line 1022, in _do_update_node`,
        // Another container's line between them is its own (and says nothing here).
        "2026-12-08 00:43:31.400 7 INFO heat.engine.service [-] tick",
      ].map((text, i) => ({ container: i === 5 ? "heat_engine" : "ironic_conductor", text })),
    );
    expect(found.map((f) => [f.container, f.finding, f.lines])).to.deep.equal([
      ["ironic_conductor", "Traceback", 5],
    ]);
    expect(found[0]?.line).to.match(
      /Traceback \(most recent call last\): \(in: .* Unexpected error when processing next clean step\. DBDeadlock/,
    );
    // A bare traceback (a crashing process's stderr) after a record is a record of its own.
    const bare = scanLogLines(
      [`${p} [-] boom`, "Traceback (most recent call last):"].map((text) => ({
        container: "ironic_conductor",
        text,
      })),
    );
    expect(bare.map((f) => f.finding)).to.deep.equal(["ERROR", "Traceback"]);
  });
  it("puts the line that says most first: a TypeError deep in an RPC error's traceback", () => {
    const p = "2026-12-05 14:28:38.242 10 ERROR ironic_lib.json_rpc.server";
    const found = scanLogLines(
      [
        `${p} [req-1] Unexpected exception in RPC`,
        `${p} Traceback (most recent call last):`,
        `${p}   File "server.py", line 1, in f`,
        `${p} TypeError: do_node_deploy() got an unexpected keyword argument 'configdrive'`,
      ].map((text) => ({ container: "ironic_conductor", text })),
    );
    expect(found.map((f) => [f.finding, f.lines])).to.deep.equal([["RemoteError", 4]]);
    expect(found[0]?.line).to.equal(
      `${p} TypeError: do_node_deploy() got an unexpected keyword argument 'configdrive' (in: ${p} [req-1] Unexpected exception in RPC)`,
    );
  });
  it("finds a traceback behind oslo.log's prefix and terminal colours, and the RPC errors of two versions", () => {
    const esc = String.fromCharCode(27);
    expect(
      scanLogLine(
        `${esc}[01;31m2026-11-22 01:02:03.456 7 ERROR ironic.x Traceback (most recent call last):${esc}[00m`,
      ),
    ).to.equal("Traceback");
    expect(
      scanLogLine("TypeError: do_node_deploy() got an unexpected keyword argument 'configdrive'"),
    ).to.equal("RemoteError");
    expect(
      scanLogLine(
        "oslo_messaging.rpc.client.RPCVersionCapError: Requested message version, 1.56 is incompatible",
      ),
    ).to.equal("RemoteError");
    expect(scanLogLine("NoSuchMethod: Endpoint does not support RPC method frobnicate")).to.equal(
      "RemoteError",
    );
    expect(scanLogLine("heat ... json.decoder.JSONDecodeError: Expecting value")).to.equal(
      "Deserialization",
    );
  });
  it("skips lines without a timestamp (an empty line, a message docker printed)", () => {
    const cursors = new Map<string, string>();
    expect(
      readStampedLogs("x Error response from daemon: No such container\n\nx", cursors),
    ).to.deep.equal([]);
    expect(cursors.size).to.equal(0);
  });
});

describe("watch/detectors.evaluateSlo", () => {
  const slo = (over: object = {}) => load(aScenario({ slo: over })).scenario.slo;
  const clean = {
    requests: 2000,
    failedRequests: 0,
    disruption: [{ backend: "ironic_api_back", connection: "new", ms: 0 }],
    stuck: [],
    failedOperations: 0,
    p99Ms: 80,
  };
  it("passes a clean run with the defaults (0 failures, 0 s disruption, nothing stuck)", () => {
    expect(evaluateSlo(slo(), clean)).to.deep.equal({ breaches: [], recorded: [] });
  });
  it("names every breach with what was allowed and what was seen", () => {
    const r = evaluateSlo(slo({ p99_latency: "500ms" }), {
      ...clean,
      failedRequests: 7,
      disruption: [{ backend: "ironic_api_back", connection: "new", ms: 3_200 }],
      stuck: [{ kind: "ironic-node", id: "n-1" }],
      failedOperations: 1,
      p99Ms: 812,
    });
    expect(r.breaches.map((b) => b.slo)).to.deep.equal([
      "max_failed_requests",
      "max_disruption",
      "max_stuck_operations",
      "max_failed_operations",
      "p99_latency",
    ]);
    expect(r.breaches[1]?.message).to.equal(
      "ironic_api_back was unavailable over new connections for 3.2 s (allowed 0 s)",
    );
  });
  it("records a stuck Heat stack only with an excuse (its engine replaced), and never hides them", () => {
    const excused = { kind: "heat-stack", id: "s-9", excused: "heat_engine on node1 replaced" };
    const r = evaluateSlo(slo({ heat_stuck_stacks: "record" }), {
      ...clean,
      stuck: [excused],
    });
    expect(r.breaches).to.deep.equal([]);
    expect(r.recorded).to.deep.equal([
      "1 Heat stack(s) stuck: s-9 (heat_engine on node1 replaced) (heat_stuck_stacks: record)",
    ]);
    // Stuck on an engine nobody touched: a breach, whatever the scenario records.
    const bare = evaluateSlo(slo({ heat_stuck_stacks: "record" }), {
      ...clean,
      stuck: [excused, { kind: "heat-stack", id: "s-10" }],
    });
    expect(bare.breaches.map((b) => b.message)).to.deep.equal([
      "1 operation(s) never finished: heat-stack s-10",
    ]);
    expect(bare.recorded).to.have.length(1);
    // Not recorded by the scenario: the excuse does not matter.
    expect(evaluateSlo(slo(), { ...clean, stuck: [excused] }).breaches).to.have.length(1);
  });
});
