/** Test builders: scenarios as data, in the style of Nomad's mock.Job(). */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import type { RequestRecord } from "../src/load/recorder.js";
import type { RunReport } from "../src/run/model.js";
import type { LoadedScenario } from "../src/scenario/read.js";
import { parseScenarioText } from "../src/scenario/read.js";
import type { ScenarioInput } from "../src/scenario/schema.js";

export const REPO = join(dirname(fileURLToPath(import.meta.url)), "..");
export const FIXTURES = join(REPO, "test", "fixtures");
/** shared/ sits beside the checkout (CI clones main with shared/ next to it). */
export const SHARED_REFERENCE = join(REPO, "..", "shared", "reference");

/**
 * The folder of a release's upstream kolla-ansible samples (multinode, passwords.yml): the
 * shared reference's, or for a release it does not hold yet, the repository's own record of
 * upstream's groups and keys (test/fixtures/kolla-ansible/README says where it was read).
 */
export const upstreamSamples = (release: string): string => {
  const own = join(REPO, "test", "fixtures", "kolla-ansible", release);
  return existsSync(own) ? own : join(SHARED_REFERENCE, "kolla-ansible-inventories", release);
};

/** A small valid scenario: 3 all-role nodes, ironic + heat in noauth mode behind haproxy. */
export function aScenario(over: Partial<ScenarioInput> = {}): ScenarioInput {
  return {
    name: "test",
    cluster: {
      nodes: [1, 2, 3].map((i) => ({
        name: `node${i}`,
        address: `10.0.0.${10 + i}`,
        roles: ["control", "network", "compute", "monitoring", "storage"] as const,
      })),
    },
    kolla: { release: "2023.1", stable: "stable", target: "proposed", auth: "noauth" },
    network: { internal_vip: "10.0.0.250" },
    services: ["haproxy", "mariadb", "rabbitmq", "ironic", "heat"],
    ...over,
  };
}

/** Parse a scenario given as data, the way `kroll validate` parses a file. */
export function load(input: unknown, file = "test.yaml"): LoadedScenario {
  return parseScenarioText(stringify(input), file, "/scenarios");
}

export function goldenScenario(release: string): LoadedScenario {
  const text = readFileSync(join(FIXTURES, "scenarios", "valid", "golden.yaml"), "utf8").replace(
    "release: RELEASE",
    `release: "${release}"`,
  );
  return parseScenarioText(text, "golden.yaml", "/scenarios");
}

/** A load request answered 200 in 5 ms, due at `dueAt` (GET /v1/nodes), with `over` on top. */
export const aRequest = (dueAt: number, over: Partial<RequestRecord> = {}): RequestRecord => ({
  profile: "ironic",
  method: "GET",
  route: "GET /v1/nodes",
  dueAt,
  finishedAt: dueAt + 5,
  status: 200,
  errorClass: undefined,
  error: undefined,
  requestId: undefined,
  ...over,
});

/** A run report with nothing in it but what `over` sets. */
export function aRunReport(over: Partial<RunReport> = {}): RunReport {
  return {
    version: 1,
    scenario: "lab",
    nodes: ["node1"],
    file: "s.yaml",
    strategy: "rolling",
    runDir: "runs/a",
    startedAt: 0,
    endedAt: 100_000,
    phases: [{ name: "upgrade", from: 10_000, to: 70_000, ok: true, message: "" }],
    verdict: "pass",
    exitCode: 0,
    reason: "",
    upgrade: undefined,
    steps: [],
    spans: [],
    load: undefined,
    operations: [],
    disruption: [],
    slo: [],
    recorded: [],
    resources: [],
    containers: [],
    watch: { containerEvents: 0, logFindings: 0, loadbalancerChanges: 0, trouble: [] },
    loadbalancer: [],
    allowedDisruptionMs: undefined,
    crossVersion: [],
    checks: [],
    ...over,
  };
}

/** A disruption record: a backend probed through `via`, unavailable `ms` (longest `longest`). */
export function aDisruption(
  backend: string,
  via: string,
  ms: number,
  longest = ms,
): RunReport["disruption"][number] {
  return {
    backend,
    via,
    connection: "new",
    samples: 9,
    unavailableMs: ms,
    longestMs: longest,
    outages: [],
  };
}
