/**
 * kroll's release layouts against kolla-ansible's own sample inventories and passwords files
 * (../shared/reference/kolla-ansible-inventories): same groups, same children, same keys.
 */
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { hostsOfGroup, layoutFor, rolesOfGroup } from "../../../src/kolla/layout.js";
import { parseSampleInventory, parseSamplePasswords } from "../../../src/inventory/sample.js";
import { RELEASES } from "../../../src/kolla/releases.js";
import { SHARED_REFERENCE, upstreamSamples } from "../../builders.js";

const SAMPLES = join(SHARED_REFERENCE, "kolla-ansible-inventories");

describe("kolla/layout", () => {
  it("finds the upstream samples beside the checkout", () => {
    expect(existsSync(SAMPLES), `missing ${SAMPLES}`).to.equal(true);
  });
  for (const release of RELEASES) {
    it(`${release}: groups and children are exactly upstream's`, () => {
      const sample = parseSampleInventory(
        readFileSync(join(upstreamSamples(release), "multinode"), "utf8"),
      );
      const layout = layoutFor(release);
      expect(layout.hostGroups).to.deep.equal(sample.hostGroups.map((g) => g.name));
      expect([...layout.childGroups]).to.deep.equal(
        sample.childGroups.map((g) => [g.name, g.children]),
      );
    });
    it(`${release}: passwords keys and key pairs are exactly upstream's`, () => {
      const sample = parseSamplePasswords(
        readFileSync(join(upstreamSamples(release), "passwords.yml"), "utf8"),
      );
      expect(layoutFor(release).passwords).to.deep.equal(sample);
    });
  }
  it("resolves groups to roles through :children", () => {
    const l = layoutFor("2024.1");
    expect([...rolesOfGroup(l, "ironic-api")]).to.deep.equal(["control"]);
    expect([...rolesOfGroup(l, "loadbalancer")]).to.deep.equal(["network"]);
    expect([...rolesOfGroup(l, "openvswitch")].sort()).to.deep.equal(["compute", "network"]);
    expect([...rolesOfGroup(l, "compute")]).to.deep.equal(["compute"]);
  });
  it("knows the layout changes between releases", () => {
    expect(layoutFor("2025.1").childGroups.has("ironic-inspector")).to.equal(true);
    expect(layoutFor("2025.2").childGroups.has("ironic-inspector")).to.equal(false);
    expect(layoutFor("2025.2").childGroups.has("ironic-dnsmasq")).to.equal(true);
    expect(layoutFor("2023.1").childGroups.has("outward-rabbitmq")).to.equal(true);
    expect(layoutFor("2024.1").childGroups.has("outward-rabbitmq")).to.equal(false);
    expect(layoutFor("2026.1").childGroups.get("cinder-volume")).to.deep.equal(["cinder"]);
    expect(layoutFor("2025.2").childGroups.get("cinder-volume")).to.deep.equal(["storage"]);
    for (const r of RELEASES) {
      expect(layoutFor(r).childGroups.has("haproxy"), r).to.equal(false);
      expect(layoutFor(r).childGroups.has("nova-compute"), r).to.equal(false);
      expect(layoutFor(r).childGroups.get("loadbalancer"), r).to.deep.equal(["network"]);
    }
  });
  it("lists a group's hosts in node order", () => {
    const nodes = [
      { name: "c1", roles: ["control"] },
      { name: "n1", roles: ["network"] },
      { name: "x1", roles: ["compute", "network"] },
    ];
    expect(hostsOfGroup(layoutFor("2024.1"), "openvswitch", nodes)).to.deep.equal(["n1", "x1"]);
    expect(hostsOfGroup(layoutFor("2024.1"), "heat-engine", nodes)).to.deep.equal(["c1"]);
  });
});
