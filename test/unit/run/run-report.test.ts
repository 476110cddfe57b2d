import { expect } from "chai";
import type { WatchRecord } from "../../../src/watch/records.js";
import { spansFromJournal } from "../../../src/report/model.js";
import { allowedDisruptionMs, percentile } from "../../../src/run/history.js";
import type { HistoryEntry } from "../../../src/run/history.js";
import { reportHtml } from "../../../src/run/html.js";
import type { ServedBy } from "../../../src/watch/served.js";
import { junitXml } from "../../../src/run/junit.js";
import { buildRunReport, causeOfOperation, causeOver } from "../../../src/run/model.js";
import type { RunReport } from "../../../src/run/model.js";
import type { SloResult } from "../../../src/watch/detectors.js";
import { inputs, journal } from "../../fixtures/run-inputs.js";

describe("run/model: the verdict and what each failure is tied to", () => {
  /** Two failed requests breach the default max_failed_requests of 0. */
  const twoFailed: SloResult = {
    breaches: [
      {
        slo: "max_failed_requests",
        allowed: "0",
        observed: "2",
        message: "2 of 102 requests failed (allowed 0)",
      },
    ],
    recorded: [],
  };

  it("ties failed requests and outages to the step they happened under, and fails that step when the SLO is breached", () => {
    const r = buildRunReport(inputs({ failures: [12_100, 12_600], slo: twoFailed }));
    expect(r.verdict).to.equal("fail");
    expect(r.exitCode).to.equal(1);
    const wave3 = r.steps.find((s) => s.wave === 3);
    expect(wave3).to.deep.include({ failedRequests: 2, unavailableMs: 1_500, status: "done" });
    const step = r.checks.find((c) => c.wave === 3);
    expect(step?.ok).to.equal(false);
    expect(step?.message)
      .to.match(/2 failed request\(s\)/)
      .and.match(/1\.5 s unavailable/);
    const slo = r.checks.find((c) => c.name === "max_failed_requests");
    expect(slo?.ok).to.equal(false);
    expect(slo?.message).to.include("wave 3 (ironic apis) on node2, ironic_api");
    expect(r.load?.failures[0]?.cause?.container).to.equal("ironic_api");
  });

  it("names the known hazard a failure matches in its step's message, the report and the HTML; other failures get none", () => {
    const r = buildRunReport(
      inputs({
        failures: [12_100],
        failure504: [31_000],
        slo: twoFailed,
      }),
    );
    const [refused, lost] = r.load?.failures ?? [];
    expect(refused?.hint).to.equal(undefined);
    expect(lost?.cause?.container).to.equal("heat_engine");
    expect(lost?.hint).to.match(/^known hazard: a stopping heat-engine loses the RPC calls/);
    const step4 = r.checks.find((c) => c.wave === 4);
    expect(step4?.message)
      .to.include("1 failed request(s)")
      .and.include("rabbit_qos_prefetch_count");
    expect(r.checks.find((c) => c.wave === 3)?.message).to.not.include("hazard");
    expect(r.verdict).to.equal("fail");
    expect(reportHtml(r)).to.include('<small class="hint">known hazard: a stopping heat-engine');
  });

  it("within the SLOs a step that saw failures is shown but passes; a failed action always fails its step", () => {
    const r = buildRunReport(inputs({ failures: [12_100] }));
    const step3 = r.checks.find((c) => c.wave === 3);
    expect(step3).to.deep.include({ ok: true });
    expect(step3?.message).to.match(/1 failed request/);
    const step4 = r.checks.find((c) => c.wave === 4);
    expect(step4?.ok).to.equal(false);
    expect(step4?.message).to.include("not healthy in 60 s");
    expect(r.verdict).to.equal("fail");
  });

  it("a stuck Heat stack is recorded only when the engine that took it was replaced while it ran", () => {
    const engine = (node: string): ServedBy[] => [
      { node, container: "heat_api", image: "h:stable", at: 29_000 },
      { node, container: "heat_engine", image: "h:stable", at: 29_000 },
    ];
    const withId = (served: ServedBy[]): RunReport => {
      const i = inputs({});
      const ops = i.load!.summary.operations.map((o) => ({ ...o, requestId: "req-1" }));
      return buildRunReport({
        ...i,
        load: { ...i.load!, summary: { ...i.load!.summary, operations: ops } },
        served: (id) => (id === "req-1" ? served : []),
      });
    };
    // Its engine, on node1, was recreated by wave 4 while the stack was being created.
    const r = withId(engine("node1"));
    const op = r.operations[0];
    expect(op?.id).to.equal("st-1");
    expect(op?.cause).to.deep.include({ wave: 4, node: "node1", container: "heat_engine" });
    expect(op?.excused).to.match(/^heat_engine on node1 took it \(req-1\) and was replaced/);
    expect(r.steps.find((s) => s.wave === 4)?.failedOperations).to.equal(0);
    expect(reportHtml(r)).to.include("recorded: heat_engine on node1 took it");
    // Its engine was on node3, which nothing replaced then: it fails the step it happened in.
    const other = withId(engine("node3"));
    expect(other.operations[0]?.excused).to.equal(undefined);
    expect(other.steps.find((s) => s.wave === 4)?.failedOperations).to.equal(1);
    // No log says which engine took it: not recorded either.
    expect(buildRunReport(inputs({})).operations[0]?.excused).to.equal(undefined);
    const spans = spansFromJournal(journal);
    expect(
      causeOfOperation(spans, { ...op!, service: "ironic", kind: "ironic-node" })?.wave,
    ).to.not.equal(4);
  });

  it("passes when every check passes, and fails on one bad container or resource check", () => {
    const clean = journal.filter(
      (j) =>
        !(j.type === "action" && j.event === "failed") &&
        !(j.type === "wave" && j.event === "failed"),
    );
    const ok = buildRunReport(inputs({ journal: clean, spans: spansFromJournal(clean) }));
    expect(ok.verdict, JSON.stringify(ok.checks.filter((c) => !c.ok))).to.equal("pass");
    expect(ok.reason).to.match(/^all \d+ checks passed$/);
    const bad = buildRunReport(
      inputs({
        journal: clean,
        spans: spansFromJournal(clean),
        containers: [
          {
            node: "node1",
            container: "ironic_api",
            image: "x:stable",
            want: "x:proposed",
            state: "running",
            health: "healthy",
            ok: false,
          },
        ],
      }),
    );
    expect(bad.verdict).to.equal("fail");
    expect(bad.checks.find((c) => !c.ok)?.message).to.include("want x:proposed");
    const res = buildRunReport(
      inputs({
        journal: clean,
        spans: spansFromJournal(clean),
        resources: [
          {
            kind: "heat-stack",
            id: "s",
            name: "kroll-keep-s0",
            check: "state",
            ok: false,
            message: "stack is UPDATE_FAILED",
          },
        ],
      }),
    );
    expect(res.checks.filter((c) => !c.ok).map((c) => c.suite)).to.deep.equal(["resources"]);
    // A load profile that stopped on a kroll bug fails the run by name: its load is missing.
    const lost = buildRunReport(
      inputs({
        journal: clean,
        spans: spansFromJournal(clean),
        slo: {
          breaches: [
            {
              slo: "load_profiles",
              allowed: "every load profile runs to its end",
              observed: "heat stopped 40 s in",
              message: "load profile heat stopped 40 s in on an internal error (a kroll bug): x",
            },
          ],
          recorded: [],
        },
      }),
    );
    expect(lost.verdict).to.equal("fail");
    expect(lost.checks.filter((c) => !c.ok)).to.deep.equal([
      {
        suite: "slo",
        name: "load profiles",
        ok: false,
        message: "load profile heat stopped 40 s in on an internal error (a kroll bug): x",
      },
    ]);
    // A journal that lost records fails the run by name instead of passing on what is left.
    const torn = buildRunReport(
      inputs({
        journal: clean,
        spans: spansFromJournal(clean),
        journalProblem: "the upgrade journal has no end record although the upgrade ran",
      }),
    );
    expect(torn.verdict).to.equal("fail");
    expect(torn.checks.filter((c) => !c.ok).map((c) => `${c.suite}/${c.name}`)).to.deep.equal([
      "steps/upgrade journal",
    ]);
  });

  it("fails 'watchers saw the whole run' when a watcher was blind, and not for a gap it read back or a missed poll", () => {
    const clean = journal.filter(
      (j) =>
        !(j.type === "action" && j.event === "failed") &&
        !(j.type === "wave" && j.event === "failed"),
    );
    const gap = (over: Partial<Extract<WatchRecord, { kind: "gap" }>>): WatchRecord => ({
      kind: "gap",
      at: 10_000,
      to: 40_000,
      watcher: "docker-events",
      where: "node2",
      reason: "the event stream ended",
      recovered: true,
      ...over,
    });
    const check = (watched: WatchRecord[]) =>
      buildRunReport(
        inputs({ journal: clean, spans: spansFromJournal(clean), watched }),
      ).checks.find((c) => c.name === "watchers saw the whole run");
    expect(check([])).to.deep.include({ ok: true, message: "every watcher saw the whole run" });
    expect(check([gap({}), gap({ watcher: "loadbalancer", recovered: false, to: 11_000 })])?.ok).to
      .be.true;
    const blind = check([gap({ watcher: "loadbalancer", where: "node1", recovered: false })]);
    expect(blind?.ok).to.be.false;
    expect(blind?.message).to.match(/^blind: loadbalancer on node1: 30\.0 s from/);
  });
});

describe("run/model.causeOver", () => {
  it("ties a request to the most disruptive action while it was in flight, the earliest first", () => {
    const spans = spansFromJournal(journal);
    // Sent during the ironic-api swap, answered (a timeout) during the heat-engine swap.
    expect(causeOver(spans, 12_000, 35_000)?.container).to.equal("ironic_api");
    // A reset seen just after the swap ended still counts (2 s of grace).
    expect(causeOver(spans, 20_500, 20_600)?.container).to.equal("ironic_api");
    expect(causeOver(spans, 25_000, 26_000)).to.equal(undefined);
  });
});

describe("run/junit", () => {
  it("has a testcase per check, failures with their messages, and escapes what it quotes", () => {
    const breach = {
      slo: "max_failed_requests",
      allowed: "0",
      observed: "1",
      message: '1 of 101 requests failed <"&">',
    };
    const r = buildRunReport(
      inputs({ failures: [12_100], slo: { breaches: [breach], recorded: [] } }),
    );
    const xml = junitXml(r);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).to.equal(true);
    const cases = xml.match(/<testcase /g) ?? [];
    expect(cases.length).to.equal(r.checks.length);
    const failures = xml.match(/<failure /g) ?? [];
    expect(failures.length)
      .to.equal(r.checks.filter((c) => !c.ok).length)
      .and.to.be.greaterThan(1);
    expect(xml).to.include("&lt;&quot;&amp;&quot;&gt;");
    expect(xml).to.match(/<testsuites name="kroll run lab" tests="\d+" failures="\d+"/);
  });
});

describe("run/html", () => {
  it("is one self-contained page: a lane per node, rate, latency, outages, failures linked to their step", () => {
    const r = buildRunReport(inputs({ failures: [12_100] }));
    const html = reportHtml(r);
    expect(html).to.not.match(/<script|<link |src="http/);
    for (const id of [
      "timeline",
      "lane-node1",
      "lane-node2",
      "rate",
      "latency",
      "operations",
      "checks",
      "steps",
      "failures",
      "stuck",
      "wave-3",
      "wave-4",
    ])
      expect(html, id).to.include(`id="${id}"`);
    expect(html).to.include('href="#wave-3"');
    expect(html).to.include('class="outage"');
  });

  it("has a row per route (success %, p50/p90/p99/max), each backend's disruption against its bound, and links to the collected log of what a failure is tied to", () => {
    const logs = {
      files: 3,
      bytes: 10,
      maxTotalBytes: 100,
      leftOut: 0,
      cut: 0,
      containerLogs: [
        "node2/containers/ironic_api.log",
        "node2/retired/ironic_api.log",
        "node1/containers/ironic_api.log",
      ],
    };
    const r = buildRunReport(inputs({ failures: [12_100], maxDisruptionMs: 1_000, logs }));
    const html = reportHtml(r);
    const section = (id: string): string =>
      html.slice(
        html.indexOf(`<table id="${id}"`),
        html.indexOf("</table>", html.indexOf(`<table id="${id}"`)),
      );
    const routes = section("routes");
    expect(routes).to.include("<th>p90 ms</th>");
    // 100 good requests and one refused on the same route.
    expect(routes).to.match(/<td>101<\/td><td>1<\/td><td>99\.010<\/td>/);
    const dis = section("disruption");
    expect(dis).to.include("<th>bound ms</th>");
    expect(dis).to.match(/<td>1500<\/td><td>1000 <b>exceeded<\/b><\/td>/);
    // The failure at 12.1 s lies in wave 3 (ironic_api on node2): both of its logs, none of node1's.
    const failures = section("failures");
    expect(failures).to.include('<a href="logs/node2/containers/ironic_api.log">final</a>');
    expect(failures).to.include('<a href="logs/node2/retired/ironic_api.log">replaced</a>');
    expect(failures).to.not.include("node1/containers");
    // Without collected logs, no link to a file the run directory lacks.
    expect(reportHtml(buildRunReport(inputs({ failures: [12_100] })))).to.not.include(
      'href="logs/',
    );
    // Within its bound a backend's row is not marked.
    const within = reportHtml(buildRunReport(inputs({ maxDisruptionMs: 5_000 })));
    expect(within.slice(within.indexOf('<table id="disruption"'))).to.match(
      /<tr class="ok"><td>ironic_api/,
    );
  });

  it("has a row per window and request kind: who served it, at which version, and what is missing", () => {
    const window = {
      service: "ironic",
      from: 20_000,
      to: 30_000,
      versions: { "ironic-conductor": ["proposed", "stable"] },
    };
    const r = buildRunReport(
      inputs({
        coverage: [
          {
            ...window,
            name: "after conductors on node1",
            covered: false,
            kinds: [
              {
                kind: "PUT provide",
                answered: 4,
                servedBy: { "ironic-conductor": ["stable"] },
                missing: ["ironic-conductor proposed served none"],
              },
              {
                kind: "GET /v1/nodes",
                answered: 9,
                servedBy: { "ironic-api": ["stable"] },
                missing: [],
              },
            ],
          },
          {
            ...window,
            name: "after conductors on node2",
            covered: true,
            kinds: [{ kind: "<x>", answered: 1, servedBy: {}, missing: [] }],
          },
        ],
      }),
    );
    const html = reportHtml(r);
    expect(html).to.include('id="coverage"');
    expect(html).to.include("Mixed-version windows (2, 1 not covered)");
    const table = html.slice(
      html.indexOf('<table id="coverage"'),
      html.indexOf("<h2>Upgrade steps"),
    );
    expect(table.match(/<tr class="bad">/g)).to.have.length(1);
    expect(table).to.include("not covered: ironic-conductor proposed served none");
    expect(table).to.include("ironic-conductor: proposed + stable");
    expect(table).to.include('rowspan="2"');
    expect(table).to.include("&lt;x&gt;");
    expect(r.checks.some((c) => c.name.includes("after conductors on node1") && !c.ok)).to.equal(
      true,
    );
  });

  it("escapes what a crafted summary.json puts in attributes: the verdict, a step's kind, an operation's status", () => {
    const bad = '"><img src=x onerror=alert(1)>';
    const r = buildRunReport(inputs({}));
    const crafted = {
      ...r,
      verdict: bad,
      spans: r.spans.map((x) => ({ ...x, kind: bad })),
      operations: r.operations.map((o) => ({ ...o, status: bad })),
    } as unknown as RunReport;
    const html = reportHtml(crafted);
    expect(html).to.not.include("<img");
    expect(html).to.include("&quot;&gt;&lt;img");
  });

  it("inlines the chart library and its data, and nothing can close a script early", () => {
    const r = buildRunReport(inputs({ failures: [12_100] }));
    const html = reportHtml(r, {
      script: "window.uPlot = function () {}; // '</script><b>x</b>'",
      css: ".uplot{}",
    });
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    expect(scripts).to.have.length(3);
    // Every script element closes where it should: no "</script" inside one.
    expect(html.split("</script>")).to.have.length(4);
    // The charts' time axis and legend in the timeline's format (HH:MM:SS UTC), not uPlot's own.
    expect(html).to.match(
      /function hhmmss\(t\) \{ return new Date\(t\)\.toISOString\(\)\.slice\(11, 19\); \}/,
    );
    expect(html).to.include(
      "axes: [{ values: function (u, splits) { return splits.map(function (v) { return hhmmss(v * 1000); }); } }",
    );
    expect(html).to.include(
      'series: [{ value: function (u, v) { return v == null ? "--" : hhmmss(v * 1000); } }]',
    );
    const data = JSON.parse(/id="kroll-data">([^]*?)<\/script>/.exec(html)?.[1] ?? "{}") as {
      seconds: number[];
      p99: (number | null)[];
      t0: number;
    };
    expect(data.t0).to.equal(r.startedAt);
    expect(data.seconds.length).to.equal(r.load?.perSecond.length);
    // Bars and marks carry their times, for the script's zoom.
    expect(html).to.match(/<rect [^>]*data-f="\d+" data-t="\d+"/);
    expect(html).to.include('id="charts"');
    // Latency is drawn on a log scale in the static picture too.
    expect(html).to.match(/latency p50\/p99, log/);
  });
});

describe("run/history: OpenShift's allowed disruption", () => {
  const e = (ms: number, strategy = "rolling"): HistoryEntry => ({
    dir: "",
    scenario: "lab",
    strategy,
    startedAt: 0,
    durationMs: 0,
    verdict: "pass",
    requests: 0,
    failedRequests: 0,
    disruptionMs: ms,
  });
  it("needs 5 runs, then allows max(P99 + 5 s, P99 × 1.2)", () => {
    expect(allowedDisruptionMs([e(0), e(0), e(0), e(0)], "rolling")).to.equal(undefined);
    expect(allowedDisruptionMs([e(0), e(100), e(200), e(300), e(1_000)], "rolling")).to.deep.equal({
      allowedMs: 6_000,
      p99Ms: 1_000,
      runs: 5,
    });
    expect(
      allowedDisruptionMs([e(10_000), e(40_000), e(20_000), e(30_000), e(50_000)], "rolling")
        ?.allowedMs,
    ).to.equal(60_000);
    expect(
      allowedDisruptionMs([e(1), e(1), e(1), e(1), e(1, "kolla-ansible")], "rolling"),
    ).to.equal(undefined);
  });
  it("takes the nearest-rank percentile", () => {
    expect(percentile([5, 1, 3], 50)).to.equal(3);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        99,
      ),
    ).to.equal(99);
    expect(percentile([], 99)).to.equal(0);
  });
});
