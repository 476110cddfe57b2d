import { expect } from "chai";
import { coverWindows, describeCoverage, tagOf, windowsOf } from "../../../src/run/coverage.js";
import type { CoverageStep, CoveredRequest } from "../../../src/run/coverage.js";
import type { ServedBy } from "../../../src/watch/served.js";

/** Ironic on two nodes: a schema upgrade, conductors node by node, then APIs, then the unpin. */
const step = (
  step: string,
  nodes: string[],
  from: number,
  to: number,
  replaces: string[] = [],
  changes = true,
): CoverageStep => ({ service: "ironic", step, nodes, from, to, changes, replaces });
const STEPS: CoverageStep[] = [
  step("upgrade-check", ["node1"], 0, 5, [], false),
  step("db-upgrade", ["node1"], 5, 10),
  step("conductors", ["node1"], 10, 30, ["ironic-conductor"]),
  step("conductors", ["node2"], 30, 50, ["ironic-conductor"]),
  step("apis", ["node1"], 50, 70, ["ironic-api"]),
  step("apis", ["node2"], 70, 90, ["ironic-api"]),
  step("unpin", [], 90, 95),
];
const PLACEMENT = { "ironic-api": ["node1", "node2"], "ironic-conductor": ["node1", "node2"] };
const TAGS = { from: "stable", to: "proposed" };

const img = (component: string, tag: string): string =>
  `kroll-registry:5000/kolla/${component}:${tag}`;
const by = (node: string, component: string, tag: string, at = 0): ServedBy => ({
  node,
  container: component.replaceAll("-", "_"),
  image: img(component, tag),
  at,
});

describe("run/coverage", () => {
  const windows = windowsOf("ironic", STEPS, PLACEMENT, TAGS);

  it("makes a window after every step that changes a version, with the versions present in it", () => {
    expect(windows.map((w) => [w.name, w.from, w.to])).to.deep.equal([
      ["after db-upgrade on node1", 10, 30],
      ["after conductors on node1", 30, 50],
      ["after conductors on node2", 50, 70],
      ["after apis on node1", 70, 90],
      ["after apis on node2", 90, 95],
    ]);
    expect(windows[1]?.versions).to.deep.equal({
      "ironic-api": ["stable"],
      "ironic-conductor": ["proposed", "stable"],
    });
    expect(windows[4]?.versions).to.deep.equal({
      "ironic-api": ["proposed"],
      "ironic-conductor": ["proposed"],
    });
    expect(tagOf("kroll-registry:5000/kolla/ironic-api:change-0123abcd")).to.equal(
      "change-0123abcd",
    );
  });

  it("fails a window where a kind of request the load sends was not answered at all", () => {
    // Creates every 17 s: none landed in the 20 s after db-upgrade.
    const requests: CoveredRequest[] = [
      { service: "ironic", kind: "POST /v1/nodes", at: 5, ok: true, requestId: "req-a" },
      { service: "ironic", kind: "GET /v1/nodes", at: 15, ok: true, requestId: "req-b" },
      { service: "ironic", kind: "POST /v1/nodes", at: 31, ok: false, requestId: "req-c" },
    ];
    const served = (id: string): ServedBy[] =>
      id === "req-b"
        ? [by("node1", "ironic-api", "stable")]
        : [by("node2", "ironic-api", "stable")];
    const c = coverWindows(windows.slice(0, 2), requests, served, {
      ironic: ["POST /v1/nodes", "GET /v1/nodes"],
    });
    expect(c[0]?.covered).to.equal(false);
    expect(c[0]?.kinds.find((k) => k.kind === "POST /v1/nodes")?.missing).to.deep.equal([
      "no request answered",
    ]);
    expect(describeCoverage(c[0]!)).to.match(
      /^window not covered \(\d+ s\): POST \/v1\/nodes: no request answered/,
    );
    // A failed request answers nothing either.
    expect(c[1]?.kinds.find((k) => k.kind === "POST /v1/nodes")?.answered).to.equal(0);
  });

  it("fails a window where a version present never served a kind its component serves", () => {
    // After conductors on node1, provisioning reached only the old conductor on node2.
    const requests: CoveredRequest[] = [
      { service: "ironic", kind: "PUT provide", at: 35, ok: true, requestId: "req-1" },
      { service: "ironic", kind: "PUT provide", at: 40, ok: true, requestId: "req-2" },
      // Elsewhere in the run the new conductor served one: the conductors serve this kind.
      { service: "ironic", kind: "PUT provide", at: 80, ok: true, requestId: "req-3" },
      { service: "ironic", kind: "GET /v1/nodes", at: 36, ok: true, requestId: "req-4" },
    ];
    const served = (id: string): ServedBy[] =>
      ({
        "req-1": [by("node1", "ironic-api", "stable"), by("node2", "ironic-conductor", "stable")],
        "req-2": [by("node2", "ironic-api", "stable"), by("node2", "ironic-conductor", "stable")],
        "req-3": [
          by("node1", "ironic-api", "proposed"),
          by("node1", "ironic-conductor", "proposed"),
        ],
        "req-4": [by("node1", "ironic-api", "stable")],
      })[id] ?? [];
    const [w] = coverWindows([windows[1]!], requests, served, {
      ironic: ["PUT provide", "GET /v1/nodes"],
    });
    expect(w?.covered).to.equal(false);
    const provide = w?.kinds.find((k) => k.kind === "PUT provide");
    expect(provide?.missing).to.deep.equal(["ironic-conductor proposed served none"]);
    expect(provide?.servedBy).to.deep.equal({
      "ironic-api": ["stable"],
      "ironic-conductor": ["stable"],
    });
    // A read the conductors never serve is not asked of them: covered by the old APIs alone.
    expect(w?.kinds.find((k) => k.kind === "GET /v1/nodes")?.missing).to.deep.equal([]);
  });

  it("passes a window where every kind reached every version present", () => {
    const requests: CoveredRequest[] = [
      { service: "ironic", kind: "PUT provide", at: 35, ok: true, requestId: "req-1" },
      { service: "ironic", kind: "PUT provide", at: 45, ok: true, requestId: "req-2" },
    ];
    const served = (id: string): ServedBy[] =>
      id === "req-1"
        ? [by("node1", "ironic-api", "stable"), by("node1", "ironic-conductor", "proposed")]
        : [by("node2", "ironic-api", "stable"), by("node2", "ironic-conductor", "stable")];
    const [w] = coverWindows([windows[1]!], requests, served, { ironic: ["PUT provide"] });
    expect(w?.covered).to.equal(true);
    expect(describeCoverage(w!)).to.include("answered by every version present");
  });
});
