import { expect } from "chai";
import { homedir } from "node:os";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { scenarioJsonSchemaText } from "../../../src/scenario/json-schema.js";
import { readScenario } from "../../../src/scenario/read.js";
import { Scenario } from "../../../src/scenario/schema.js";
import { aScenario, load, REPO } from "../../builders.js";

describe("scenario/schema", () => {
  it("fills defaults and turns durations into milliseconds", () => {
    const s = Scenario.parse(aScenario());
    expect(s.upgrade).to.include({
      strategy: "rolling",
      max_unavailable: 1,
      drain: true,
      drain_timeout: 60_000,
      healthy_timeout: 180_000,
      stop_grace: 60_000,
      on_failure: "rollback",
    });
    expect(s.load).to.include({
      enabled: true,
      ramp: 10_000,
      drain: 120_000,
      max_duration: 3_600_000,
      probe_interval: 100,
    });
    expect(s.slo).to.include({
      max_failed_requests: 0,
      max_disruption: 0,
      heat_stuck_stacks: "fail",
      on_breach: "stop",
    });
    expect(s.report).to.deep.equal({
      dir: "runs",
      formats: ["json", "junit", "subunit", "html", "events"],
    });
    expect(s.cluster.nodes[0]?.ssh).to.deep.equal({ user: "root", port: 22 });
    expect(s.kolla).to.include({
      base_distro: "debian",
      namespace: "kolla",
      config_strategy: "COPY_ALWAYS",
    });
  });
  it("fills profile defaults per kind", () => {
    const s = Scenario.parse(
      aScenario({
        load: {
          profiles: [
            { kind: "ironic" },
            { kind: "heat", stacks: 4 },
            { kind: "http", name: "v", url: "http://127.0.0.1:1/" },
          ],
        },
      }),
    );
    expect(s.load.profiles[0]).to.include({
      kind: "ironic",
      name: "ironic",
      rate: 10,
      lifecycles: 2,
      operation_deadline: 300_000,
    });
    expect(s.load.profiles[0]).to.have.deep.property("microversions", ["1.82", "1.80"]);
    expect(s.load.profiles[1]).to.include({ kind: "heat", stacks: 4, wait_secs: 3 });
    expect(s.load.profiles[2]).to.include({ kind: "http", method: "GET" });
    expect(s.load.profiles[2]).to.have.deep.property("expect", [200]);
  });
  it("resolves relative paths against the scenario's directory", () => {
    const loaded = load(
      aScenario({
        cluster: {
          nodes: [
            {
              name: "n1",
              address: "10.0.0.11",
              roles: ["control", "network", "compute", "monitoring", "storage"],
              ssh: { private_key: "keys/id", known_hosts: "/abs/kh" },
            },
          ],
        },
        kolla: {
          release: "2023.1",
          stable: "a",
          target: "b",
          auth: "noauth",
          config_dirs: ["lab/cfg"],
        },
      }),
    );
    expect(loaded.scenario.cluster.nodes[0]?.ssh).to.include({
      private_key: "/scenarios/keys/id",
      known_hosts: "/abs/kh",
    });
    expect(loaded.scenario.kolla.config_dirs).to.deep.equal(["/scenarios/lab/cfg"]);
  });
  it("reads ~/ as the user's home in every path, config_dirs included", () => {
    const loaded = load(
      aScenario({
        cluster: {
          nodes: [
            {
              name: "n1",
              address: "10.0.0.11",
              roles: ["control", "network"],
              ssh: { private_key: "~/.ssh/id" },
            },
          ],
        },
        kolla: {
          release: "2023.1",
          stable: "a",
          target: "b",
          auth: "noauth",
          config_dirs: ["~/site/kolla-config"],
        },
      }),
    );
    expect(loaded.scenario.cluster.nodes[0]?.ssh.private_key).to.equal(join(homedir(), ".ssh/id"));
    expect(loaded.scenario.kolla.config_dirs).to.deep.equal([join(homedir(), "site/kolla-config")]);
  });
  for (const example of ["lab.yaml", "site-large.yaml"]) {
    it(`accepts the example scenario ${example} without warnings`, async () => {
      const loaded = await readScenario(join(REPO, "scenarios", example));
      expect(loaded.warnings).to.deep.equal([]);
    });
  }
  it("scenarios/scenario.schema.json matches the schema (run `npm run gen:schema` after changing it)", () => {
    expect(readFileSync(join(REPO, "scenarios", "scenario.schema.json"), "utf8")).to.equal(
      scenarioJsonSchemaText(),
    );
  });
  it("describes durations as strings in the JSON schema (the input side)", () => {
    const js = JSON.parse(scenarioJsonSchemaText()) as {
      properties: { upgrade: { properties: Record<string, { type: string; default: unknown }> } };
    };
    expect(js.properties.upgrade.properties.drain_timeout).to.include({
      type: "string",
      default: "60s",
    });
  });
});
