import { expect } from "chai";
import { Recorder } from "../../../src/load/recorder.js";
import { spansFromJournal } from "../../../src/report/model.js";
import type { ActionSpan } from "../../../src/report/model.js";
import { checkpointFailures, crossVersionFindings } from "../../../src/run/crossversion.js";
import { buildRunReport } from "../../../src/run/model.js";
import type { RunInputs } from "../../../src/run/model.js";
import { junitXml } from "../../../src/run/junit.js";
import { pinChecks } from "../../../src/run/pins.js";
import { subunitV2 } from "../../../src/run/subunit.js";
import { watchKept } from "../../../src/run/resources.js";
import type { KeptSpec } from "../../../src/services/types.js";
import { loadSlo } from "../../../src/load/session.js";
import { aRequest, aScenario, load } from "../../builders.js";
import { fakeClock } from "../../fakes/fake-clock.js";
import type { JournalRecord } from "../../../src/upgrade/journal.js";
import type { WatchRecord } from "../../../src/watch/records.js";

const rec = (r: Record<string, unknown>): JournalRecord => r as unknown as JournalRecord;

/** One wave of one recreate on `container`: wave start/end and the action's start/end. */
function wave(
  n: number,
  service: string,
  step: string,
  node: string,
  container: string,
  from: number,
  to: number,
): JournalRecord[] {
  const action = { kind: "recreate", node, container, image: "x:change" };
  const base = { wave: n, service, step, why: step, nodes: [node] };
  return [
    rec({ type: "wave", ts: from, ...base, event: "start" }),
    rec({
      type: "action",
      ts: from,
      wave: n,
      track: 0,
      index: 0,
      event: "start",
      rollback: false,
      action,
    }),
    rec({
      type: "action",
      ts: to,
      wave: n,
      track: 0,
      index: 0,
      event: "done",
      rollback: false,
      action,
    }),
    rec({ type: "wave", ts: to, ...base, event: "done" }),
  ];
}

// Ironic's rolling upgrade, shortened: conductors 10–20 s and 20–30 s, APIs 40–50 s and
// 50–60 s, the unpin of both APIs 80–85 s and 85–90 s.
const journal = [
  ...wave(3, "ironic", "conductors", "node1", "ironic_conductor", 10_000, 20_000),
  ...wave(4, "ironic", "conductors", "node2", "ironic_conductor", 20_000, 30_000),
  ...wave(6, "ironic", "apis", "node1", "ironic_api", 40_000, 50_000),
  ...wave(7, "ironic", "apis", "node2", "ironic_api", 50_000, 60_000),
  ...wave(10, "ironic", "unpin", "node1", "ironic_api", 80_000, 85_000),
  ...wave(11, "ironic", "unpin", "node2", "ironic_api", 85_000, 90_000),
];
const spans: ActionSpan[] = spansFromJournal(journal);

const log = (at: number, container: string, finding: string, line: string): WatchRecord =>
  ({ kind: "log", at, node: "node2", container, finding, line }) as WatchRecord;
const event = (
  at: number,
  container: string,
  action: string,
  exitCode?: number,
  image = "x:stable",
): WatchRecord => ({
  kind: "container",
  at,
  node: "node1",
  container,
  action,
  image,
  exitCode,
});

describe("cross-version findings", () => {
  it("keeps RPC, object and data errors wherever they show, tied to the step in flight or the window it left", () => {
    const f = crossVersionFindings(
      [
        log(
          15_000,
          "ironic_conductor",
          "RemoteError",
          "TypeError: do_node_deploy() got an unexpected keyword argument 'configdrive'",
        ),
        log(
          35_000,
          "ironic_api",
          "IncompatibleObjectVersion",
          "Version 1.38 of Node is not supported",
        ),
        log(36_000, "ironic_api", "ERROR", "something else"),
        log(37_000, "ironic_api", "MessagingTimeout", "Timed out waiting for a reply"),
      ],
      spans,
    );
    expect(f.map((x) => [x.kind, x.cause?.wave, x.cause?.step])).to.deep.equal([
      ["rpc", 3, "conductors"],
      // 35 s: between waves 4 and 6, the cluster in the mix wave 4 left.
      ["object", 4, "conductors"],
    ]);
  });

  it("keeps a traceback of a service only while one of its own steps is in flight, logged at ERROR, and never a reconnect", () => {
    const f = crossVersionFindings(
      [
        log(12_000, "ironic_conductor", "Traceback", "Exception during message handling"),
        log(
          13_000,
          "ironic_api",
          "Traceback",
          "Database connection was found disconnected; reconnecting",
        ),
        log(14_000, "heat_engine", "Traceback", "heat's own trouble, not Ironic's step"),
        // eventlet's WSGI server logs a client that hung up at INFO, with its traceback.
        log(
          15_000,
          "ironic_api_kroll_old",
          "Traceback",
          "2026-12-05 14:21:42.926 11 INFO eventlet.wsgi.server [None req-4014 - - - - - -] Traceback (most recent call last):",
        ),
      ],
      spans,
    );
    expect(f.map((x) => [x.kind, x.container, x.cause?.wave])).to.deep.equal([
      ["traceback", "ironic_conductor", 3],
    ]);
  });

  it("counts a container that died without a kill before it, and an OOM kill, but not a stop or a one-shot's exit 0", () => {
    const f = crossVersionFindings(
      [
        // The old conductor stopped and renamed aside: its death is explained.
        event(11_000, "ironic_conductor", "kill"),
        event(11_500, "ironic_conductor", "die", 143),
        event(12_000, "ironic_conductor_kroll_old", "die", 137),
        // The new one (another image) started, then exited 1 on its own.
        event(13_000, "ironic_conductor", "start", undefined, "x:change"),
        event(16_000, "ironic_conductor", "die", 1, "x:change"),
        event(17_000, "ironic_api_kolla_upgrade", "die", 0, "x:change"),
        event(18_000, "ironic_api", "oom", undefined, "x:change"),
        // Restarted in place (same image) and stopped again later: explained.
        event(19_000, "ironic_api", "start", undefined, "x:change"),
        event(20_000, "ironic_api", "kill", undefined, "x:change"),
        event(20_500, "ironic_api", "die", 143, "x:change"),
      ],
      spans,
    );
    expect(f.map((x) => [x.kind, x.what, x.cause?.wave])).to.deep.equal([
      ["died", "ironic_conductor exited 1 without being stopped", 3],
      ["died", "ironic_api killed out of memory", 3],
    ]);
  });

  it("a stop explains a death only for a while: one long after it is a death of its own", () => {
    const f = crossVersionFindings(
      [
        event(11_000, "ironic_conductor", "stop"),
        // The same container (same image, never started again) dies 16 minutes on.
        event(11_000 + 16 * 60_000, "ironic_conductor", "die", 1),
      ],
      spans,
    );
    expect(f.map((x) => [x.kind, x.what])).to.deep.equal([
      ["died", "ironic_conductor exited 1 without being stopped"],
    ]);
    const soon = crossVersionFindings(
      [
        event(11_000, "ironic_conductor", "stop"),
        event(11_000 + 60_000, "ironic_conductor", "die", 1),
      ],
      spans,
    );
    expect(soon).to.deep.equal([]);
  });
});

function inputs(over: Partial<RunInputs>, mv?: (r: Recorder) => void): RunInputs {
  const r = new Recorder(0);
  mv?.(r);
  return {
    scenario: "ironic-gate",
    nodes: ["node1", "node2"],
    file: "ironic-gate.yaml",
    strategy: "rolling",
    runDir: "runs/x",
    startedAt: 0,
    endedAt: 120_000,
    phases: [],
    journal,
    journalProblem: undefined,
    spans,
    outcome: undefined,
    load: { summary: r.summary(), polls: [], slo: { breaches: [], recorded: [] }, startedAt: 0 },
    watched: [],
    trouble: [],
    resources: [],
    containers: [],
    setupError: undefined,
    allowedDisruptionMs: undefined,
    recordedStuck: [],
    ...over,
  };
}

describe("a cross-version finding fails its step", () => {
  it("fails the step in whose window it showed and the cross-version check; a clean run passes both", () => {
    const clean = buildRunReport(inputs({}));
    expect(clean.verdict).to.equal("pass");
    const cv = clean.checks.find((c) => c.name.startsWith("cross-version"));
    expect(cv?.ok).to.equal(true);

    const bad = buildRunReport(
      inputs({
        watched: [
          log(
            25_000,
            "ironic_conductor",
            "RemoteError",
            "got an unexpected keyword argument 'configdrive'",
          ),
        ],
      }),
    );
    expect(bad.verdict).to.equal("fail");
    const failed = bad.checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failed).to.include("ironic conductors on node2");
    expect(failed.some((n) => n.startsWith("cross-version"))).to.equal(true);
    expect(failed).to.not.include("ironic conductors on node1");
    const step = bad.steps.find((s) => s.wave === 4);
    expect(step?.crossVersion).to.equal(1);
    expect(bad.crossVersion[0]?.cause?.wave).to.equal(4);
  });

  it("reports a finding that matches a known upstream defect as known, by its bug, and does not fail on it", () => {
    const watched = [
      log(
        25_000,
        "ironic_conductor",
        "RemoteError",
        "got an unexpected keyword argument 'configdrive'",
      ),
    ];
    const known = {
      pattern: "unexpected keyword argument 'configdrive'",
      bug: "https://bugs.launchpad.net/ironic/+bug/1",
      what: "the deploy RPC's renamed argument",
    };
    const r = buildRunReport(inputs({ watched, known: [known] }));
    expect(r.verdict).to.equal("pass");
    expect(r.crossVersion).to.deep.equal([]);
    const k = r.checks.find(
      (c) => c.name === "known upstream failure: the deploy RPC's renamed argument",
    );
    expect(k?.ok).to.equal(true);
    expect(k?.message).to.include("https://bugs.launchpad.net/ironic/+bug/1: 1 finding(s)");
    // Off by default: the same run without the signature fails.
    expect(buildRunReport(inputs({ watched })).verdict).to.equal("fail");
    // A signature that matches nothing is still listed (0 matched), and fails nothing.
    const other = buildRunReport(
      inputs({ watched, known: [{ ...known, pattern: "never seen", what: "another" }] }),
    );
    expect(other.verdict).to.equal("fail");
    expect(
      other.checks.find((c) => c.name === "known upstream failure: another")?.message,
    ).to.include("0 finding(s)");
  });
});

describe("a known upstream failure that fails an operation", () => {
  // The lab run of 2026-12-08: an old conductor's node save met the migration's DDL on Galera.
  const deadlocked = {
    profile: "ironic",
    service: "ironic",
    kind: "ironic-node",
    id: "e4c4ba36",
    verb: "deleted",
    goal: "available",
    acceptedAt: 12_000,
    endedAt: 14_000,
    status: "failed" as const,
    state: "clean failed",
    reason:
      "Unexpected error when processing next clean step. DBDeadlock: (pymysql.err.OperationalError) (1213, 'Deadlock found when trying to get lock; try restarting transaction')",
  };
  const known = {
    pattern: "clean failed Unexpected error when processing next clean step\\. DBDeadlock",
    bug: "https://bugs.launchpad.net/ironic/+bug/2",
    what: "a node save aborted by Galera during a migration",
  };
  const withOp = (r: Recorder) => {
    r.operationStarted(deadlocked.acceptedAt);
    r.operation(deadlocked);
  };

  it("counts against its step without a signature; with one it is named by its bug and not failed on", () => {
    const bare = buildRunReport(inputs({}, withOp));
    expect(bare.steps.find((x) => x.wave === 3)?.failedOperations).to.equal(1);
    const r = buildRunReport(inputs({ known: [known] }, withOp));
    expect(r.steps.find((x) => x.wave === 3)?.failedOperations).to.equal(0);
    expect(r.operations[0]?.excused).to.equal(
      "known upstream failure: a node save aborted by Galera during a migration (https://bugs.launchpad.net/ironic/+bug/2)",
    );
    expect(
      r.checks.find((c) => c.name === `known upstream failure: ${known.what}`)?.message,
    ).to.include("0 failed request(s) and 1 failed operation(s) matched");
    expect(r.verdict).to.equal("pass");
  });

  it("is not counted against max_failed_operations by the load's SLO", () => {
    const rec = new Recorder(0);
    withOp(rec);
    const s = load(aScenario({ known_failures: [known] })).scenario;
    expect(loadSlo(s, rec.summary(), [], () => undefined).breaches).to.deep.equal([]);
    const plain = load(aScenario({})).scenario;
    expect(
      loadSlo(plain, rec.summary(), [], () => undefined).breaches.map((b) => b.slo),
    ).to.include("max_failed_operations");
  });
});

describe("pinned API checks", () => {
  const pins = [{ service: "ironic", release: "zed", apiContainer: "ironic_api", newest: "1.82" }];
  /** Reads at 1.82 every 500 ms: `statusAt(t)` answers each. */
  const reads = (statusAt: (t: number) => number) => (r: Recorder) => {
    for (let t = 0; t < 120_000; t += 500)
      r.request(aRequest(t, { status: statusAt(t), microversion: "1.82" }));
  };
  const run = (statusAt: (t: number) => number) => {
    const r = new Recorder(0);
    reads(statusAt)(r);
    return pinChecks(pins, spans, r.summary().microversions, 0, 120_000);
  };
  // Stable unpinned until the APIs move (200), pinned from 60 s to 80 s (406), unpinned after 90 s.
  const right = (t: number): number => (t >= 50_000 && t < 85_000 ? 406 : 200);

  it("passes a pin that answers 406 above it while every API is pinned, and 200 once unpinned", () => {
    const r = run(right);
    expect(r.map((x) => x.ok)).to.deep.equal([true, true]);
    expect(r[0]?.message).to.match(/read\(s\) at 1\.82 answered 406 .* none 200/);
  });

  it("fails a pin that caps nothing (200 while pinned)", () => {
    const r = run(() => 200);
    expect(r[0]?.ok).to.equal(false);
    expect(r[0]?.message).to.match(/the pin caps nothing: \d+ read\(s\) at 1\.82 answered 200/);
  });

  it("fails a pin that lets some reads through (200s among the 406s while pinned)", () => {
    // One API left unpinned behind the VIP: most reads 406, every fourth answered 200.
    const r = run((t) => (t >= 60_000 && t < 80_000 && t % 2_000 === 0 ? 200 : right(t)));
    expect(r[0]?.ok).to.equal(false);
    expect(r[0]?.message).to.match(/answered 200/);
  });

  it("fails a pin that never lets go (406 after the unpin)", () => {
    const r = run((t) => (t >= 50_000 ? 406 : 200));
    expect(r[0]?.ok).to.equal(true);
    expect(r[1]?.ok).to.equal(false);
    expect(r[1]?.message).to.match(/the pin never let go/);
  });

  it("fails the run through the report when the pin is broken", () => {
    const report = buildRunReport(
      inputs(
        { pins },
        reads(() => 200),
      ),
    );
    expect(report.verdict).to.equal("fail");
    expect(report.checks.find((c) => c.name.includes("answers 406 while pinned"))?.ok).to.equal(
      false,
    );
  });

  it("says 'not reached' when the upgrade stopped before the APIs were pinned", () => {
    const early = spansFromJournal(journal.slice(0, 8));
    const r = new Recorder(0);
    reads(() => 200)(r);
    const out = pinChecks(pins, early, r.summary().microversions, 0, 120_000);
    expect(out.map((x) => [x.ok, x.message.startsWith("not reached")])).to.deep.equal([
      [true, true],
    ]);
  });
});

describe("kept resources watched during the upgrade", () => {
  it("records the first change of a kept resource's data, once, and ties it to the window it showed in", async () => {
    // Virtual time whose sleeps yield to the event loop (the watch loop never spins).
    const base = fakeClock(0);
    const clock = {
      ...base,
      sleep: async (ms: number) => {
        base.advance(ms);
        await new Promise((r) => setImmediate(r));
      },
    };
    let reads = 0;
    const spec: KeptSpec = {
      api: "ironic-api",
      count: 1,
      create: () => Promise.resolve(),
      verify: () => Promise.resolve(),
      drift: () => {
        reads++;
        // Unchanged for 3 reads, unreadable once, then changed.
        if (reads === 4) return Promise.reject(new Error("HTTP 503"));
        return Promise.resolve(
          reads < 4 ? undefined : "node n0 extra changed: kroll: x → undefined",
        );
      },
    };
    const kept = [{ service: "ironic", kind: "ironic-node", id: "n0", name: "n0", data: {} }];
    const w = watchKept(
      {
        services: [{ service: "ironic", spec, url: "http://127.0.0.1:1" }],
        clock,
        deadlineMs: 1_000,
      },
      kept,
      5_000,
    );
    // Let the loop run: virtual sleeps resolve at once.
    for (let i = 0; i < 50 && reads < 8; i++) await new Promise((r) => setImmediate(r));
    const recs = await w.stop();
    expect(recs.map((r) => [r.kind, r.at])).to.deep.equal([["kept", 25_000]]);
    // 25 s: between the conductors (ended 30 s)… in wave 4's flight.
    const f = crossVersionFindings(recs, spans);
    expect(f.map((x) => [x.kind, x.container, x.cause?.wave])).to.deep.equal([
      ["data", "ironic-node n0", 4],
    ]);
    expect(f[0]?.what).to.equal("kept node n0 extra changed: kroll: x → undefined");
  });
});

describe("a checkpoint's checks", () => {
  it("names an SLO breach and the cross-version findings so far, each only when asked for", () => {
    const rpc = [
      log(15_000, "ironic_conductor", "RemoteError", "got an unexpected keyword argument 'x'"),
    ];
    expect(checkpointFailures(["slo", "cross-version"], undefined, [])).to.deep.equal([]);
    expect(
      checkpointFailures(["slo", "cross-version"], "1 of 9 requests failed", rpc),
    ).to.deep.equal([
      "slo: 1 of 9 requests failed",
      "cross-version: 1 finding(s), first node2 RemoteError: got an unexpected keyword argument 'x'",
    ]);
    expect(checkpointFailures(["slo"], undefined, rpc)).to.deep.equal([]);
  });
});

describe("test ids stay the same from run to run", () => {
  it("names step checks by step and node, the wave only in the message: two runs whose waves are numbered apart give the same ids in summary, JUnit and subunit", () => {
    // The second run's plan had five more waves before Ironic's (another service first).
    const shifted = journal.map((r) =>
      "wave" in r ? rec({ ...(r as unknown as Record<string, unknown>), wave: r.wave + 5 }) : r,
    );
    const a = buildRunReport(inputs({}));
    const b = buildRunReport(inputs({ journal: shifted, spans: spansFromJournal(shifted) }));
    const ids = (r: typeof a) => ({
      summary: r.checks.map((c) => `${c.suite}.${c.name}`).sort(),
      junit: [...junitXml(r).matchAll(/<testcase classname="([^"]+)" name="([^"]+)"/g)]
        .map((m) => `${m[1]}.${m[2]}`)
        .sort(),
      subunit: [
        ...subunitV2(r)
          .toString("latin1")
          .matchAll(/kroll\.ironic-gate\.[ -~]+?(?=[^ -~]|$)/g),
      ]
        .map((m) => m[0])
        .filter((x, i, all) => all.indexOf(x) === i)
        .sort(),
    });
    const ia = ids(a);
    expect(ia.summary).to.include("steps.ironic conductors on node1");
    expect(ia.summary.some((x) => /wave \d/.test(x))).to.equal(false);
    expect(ia.junit).to.include("kroll.ironic-gate.steps.ironic conductors on node1");
    expect(ia.subunit).to.include("kroll.ironic-gate.steps.ironic conductors on node1");
    expect(ids(b)).to.deep.equal(ia);
    // The wave is still told: in the check and its message.
    const c = b.checks.find((x) => x.name === "ironic conductors on node1");
    expect([c?.wave, c?.message.startsWith("wave 8: ")]).to.deep.equal([8, true]);
  });
});
