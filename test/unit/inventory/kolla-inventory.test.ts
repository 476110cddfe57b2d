/**
 * The generated multinode inventory: structurally identical to each release's upstream sample,
 * hosts where the scenario's roles put them, byte-for-byte golden files per release.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderInventory } from "../../../src/inventory/kolla-inventory.js";
import { parseSampleInventory } from "../../../src/inventory/sample.js";
import { RELEASES } from "../../../src/kolla/releases.js";
import { goldenScenario, upstreamSamples } from "../../builders.js";

describe("inventory/kolla-inventory", () => {
  for (const release of RELEASES) {
    describe(release, () => {
      const s = goldenScenario(release).scenario;
      const text = renderInventory(s, "stable");
      const parsed = parseSampleInventory(text);
      // Read when the tests run, not when mocha loads the file: a checkout without
      // ../shared/reference then fails these tests naming the file, instead of failing to load.
      let upstream: ReturnType<typeof parseSampleInventory>;
      before(() => {
        upstream = parseSampleInventory(
          readFileSync(join(upstreamSamples(release), "multinode"), "utf8"),
        );
      });

      it("has the same set of groups as the upstream sample", () => {
        const names = (inv: typeof parsed) =>
          [...inv.hostGroups.map((g) => g.name), ...inv.childGroups.map((g) => g.name)].sort();
        expect(names(parsed)).to.deep.equal(names(upstream));
      });
      it("has the same children in every [group:children] section", () => {
        const children = (inv: typeof parsed) =>
          Object.fromEntries(inv.childGroups.map((g) => [g.name, [...g.children].sort()]));
        expect(children(parsed)).to.deep.equal(children(upstream));
      });
      it("puts each node in the top-level groups of its roles, and localhost in deployment", () => {
        const members = Object.fromEntries(parsed.hostGroups.map((g) => [g.name, g.hosts]));
        expect(members).to.deep.equal({
          control: ["ctl1", "ctl2", "ctl3"],
          network: ["net1", "net2"],
          compute: ["cmp1", "cmp2"],
          monitoring: ["ctl1"],
          storage: ["cmp1", "cmp2"],
          deployment: ["localhost"],
        });
      });
    });
  }

  it("writes host vars once, on the host's first line, with shell-safe quoting", () => {
    const text = renderInventory(goldenScenario("2024.1").scenario, "stable");
    expect(text).to.include(
      "ctl1 ansible_host=192.0.2.11 ansible_user=root ansible_port=22 ansible_ssh_private_key_file=/etc/kroll/ssh/id_ed25519 ansible_ssh_common_args='-o UserKnownHostsFile=/etc/kroll/ssh/known_hosts -o StrictHostKeyChecking=yes'\n",
    );
    expect(text).to.include("net2 ansible_host=2001:db8::22 ansible_user=kolla ansible_port=22\n");
    expect(text).to.include(
      "cmp1 ansible_host=cmp1.example.org ansible_user=kolla ansible_port=22 network_interface=bond0 api_interface=bond0.10 tunnel_interface=bond0.20 neutron_external_interface=eth2\n",
    );
    expect(text.match(/^ctl1 ansible_host/gm)).to.have.length(1);
    expect(text).to.match(/\[monitoring\]\nctl1\n/);
  });
  it("pins hosts with image tag host vars in the target phase", () => {
    const s = goldenScenario("2024.1").scenario;
    const target = renderInventory(s, "target");
    expect(target).to.match(/^ctl3 .* nova_tag=canary$/m);
    // cmp2 is left on stable: every enabled service's tag is pinned to its stable tag there.
    expect(target).to.match(
      /^cmp2 .* nova_tag=old-tag neutron_tag=old-tag ironic_tag=old-tag heat_tag=old-heat$/m,
    );
    expect(renderInventory(s, "stable")).to.not.match(/_tag=/);
  });
  it("is deterministic", () => {
    const s = goldenScenario("2025.2").scenario;
    expect(renderInventory(s, "target")).to.equal(
      renderInventory(goldenScenario("2025.2").scenario, "target"),
    );
  });
});
