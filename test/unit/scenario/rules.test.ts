import { expect } from "chai";
import { Scenario } from "../../../src/scenario/schema.js";
import type { ScenarioInput } from "../../../src/scenario/schema.js";
import { checkRules, ipv4InSubnet } from "../../../src/scenario/rules.js";
import { formatPath } from "../../../src/scenario/issues.js";
import { aScenario } from "../../builders.js";

const findings = (over: Partial<ScenarioInput>) => {
  const r = checkRules(Scenario.parse(aScenario(over)));
  return {
    errors: r.errors.map((e) => `${formatPath(e.path)}: ${e.message}`),
    warnings: r.warnings.map((e) => `${formatPath(e.path)}: ${e.message}`),
  };
};

describe("scenario/rules", () => {
  it("finds nothing wrong with the base scenario", () => {
    expect(findings({})).to.deep.equal({ errors: [], warnings: [] });
  });
  it("warns when target equals stable", () => {
    expect(
      findings({ kolla: { release: "2023.1", stable: "x", target: "x", auth: "noauth" } }).warnings,
    ).to.deep.equal([
      'kolla.target: target tag equals stable tag "x": the upgrade will replace containers with the same images',
    ]);
  });
  it("checks the external VIP too", () => {
    expect(
      findings({ network: { internal_vip: "10.0.0.250", external_vip: "10.0.0.13" } }).errors,
    ).to.deep.equal([
      "network.external_vip: VIP 10.0.0.13 is the address of node node3 (cluster.nodes[2]); a VIP must be an unused address that moves between loadbalancer hosts",
    ]);
  });
  it("requires neutron's external interface on every agent host", () => {
    const nodes = aScenario().cluster.nodes;
    const r = findings({
      kolla: { release: "2023.1", stable: "a", target: "b" },
      services: ["mariadb", "memcached", "rabbitmq", "keystone", "neutron"],
      cluster: {
        nodes: nodes.map((n, i) =>
          i === 0 ? { ...n, interfaces: { neutron_external: "eth1" } } : n,
        ),
      },
    });
    expect(r.errors).to.deep.equal([
      'services[4]: service "neutron" needs network.neutron_external_interface (or interfaces.neutron_external on node2, node3)',
    ]);
  });
  it("checks groups per release: nova-metadata exists only from 2025.1", () => {
    const base = {
      services: [
        "mariadb",
        "memcached",
        "rabbitmq",
        "keystone",
        "glance",
        "placement",
        "neutron",
        "nova",
      ] as ScenarioInput["services"],
      network: { internal_vip: "10.0.0.250", neutron_external_interface: "eth1" },
    };
    const onlyCompute = aScenario().cluster.nodes.map((n) => ({
      ...n,
      roles: ["compute", "network"] as ("compute" | "network")[],
    }));
    for (const release of ["2024.2", "2025.1"] as const) {
      const r = findings({
        ...base,
        kolla: { release, stable: "a", target: "b" },
        cluster: { nodes: onlyCompute },
      });
      const nova = r.errors.find((e) => e.includes('"nova"'));
      expect(nova, release).to.be.a("string");
      expect(nova?.includes("nova-metadata"), release).to.equal(release === "2025.1");
    }
  });
  it("rejects unknown groups, components and hosts in upgrade settings, with hints", () => {
    const r = findings({
      upgrade: {
        max_unavailable_per_group: { "ironic-conductr": 1 },
        stop_grace_per_component: { "heat-engin": "5m" },
        leave_on_stable: { services: ["nova"], hosts: ["node7"] },
        order: ["heat", "heat", "nova"],
        pins: { nova: "auto" },
      },
    });
    expect(r.errors).to.deep.equal([
      'upgrade.order[2]: service "nova" is not enabled',
      'upgrade.order[1]: service "heat" listed twice',
      'upgrade.max_unavailable_per_group.ironic-conductr: no group "ironic-conductr" in the 2023.1 inventory; did you mean "ironic-conductor"?',
      'upgrade.stop_grace_per_component.heat-engin: no component "heat-engin" among the enabled services; did you mean "heat-engine"?',
      'upgrade.pins.nova: pin given for service "nova", which is not enabled',
      'upgrade.leave_on_stable.services[0]: "nova" is neither an enabled service nor one of its components',
      'upgrade.leave_on_stable.hosts[0]: no node named "node7"; did you mean "node1"?',
    ]);
  });
  it("requires hold or until on a checkpoint, and unique names", () => {
    const r = findings({
      upgrade: {
        checkpoints: [
          { name: "a", after: "heat" },
          { name: "a", after: "ironic", hold: "1s" },
        ],
      },
    });
    expect(r.errors).to.deep.equal([
      'upgrade.checkpoints[1].name: duplicate checkpoint name "a" (also upgrade.checkpoints[0])',
      'upgrade.checkpoints[0]: checkpoint "a" needs "hold" (a duration) or "until"',
    ]);
  });
  it("accepts a checkpoint on a service, a component, and a component on a node that runs it", () => {
    const r = findings({
      upgrade: {
        checkpoints: [
          { name: "a", after: "heat", hold: "1s" },
          { name: "b", after: "ironic-api", until: "load-settled" },
          { name: "c", after: "heat-engine", node: "node2", hold: "5s" },
        ],
      },
    });
    expect(r.errors).to.deep.equal([]);
  });
  it("flags tags for services that are not enabled", () => {
    const r = findings({
      kolla: {
        release: "2023.1",
        stable: "a",
        target: "b",
        auth: "noauth",
        tags: { nova: { target: "x" } },
        host_tags: { node1: { glance: { stable: "y" } } },
      },
    });
    expect(r.errors).to.deep.equal([
      'kolla.tags.nova: tags given for service "nova", which is not enabled',
      'kolla.host_tags.node1.glance: tags given for service "glance", which is not enabled',
    ]);
  });
  it("warns about keepalived without haproxy", () => {
    const r = findings({
      services: ["mariadb", "ironic"],
      network: { internal_vip: "10.0.0.250", enable_keepalived: true },
    });
    expect(r.warnings).to.deep.equal([
      "network.enable_keepalived: keepalived without haproxy moves the VIP but nothing listens on it",
    ]);
  });
  it("does subnet maths on whole blocks", () => {
    expect(ipv4InSubnet("172.30.92.11", "172.30.92.0/24")).to.equal(true);
    expect(ipv4InSubnet("172.30.93.11", "172.30.92.0/24")).to.equal(false);
    expect(ipv4InSubnet("10.1.255.255", "10.0.0.0/15")).to.equal(true);
    expect(ipv4InSubnet("10.2.0.0", "10.0.0.0/15")).to.equal(false);
    expect(ipv4InSubnet("fd00::1", "10.0.0.0/8")).to.equal(false);
  });
});
