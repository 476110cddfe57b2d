/**
 * The generated inventory read by Ansible itself: `ansible-inventory -i multinode --list`
 * (Debian's ansible-core, installed by the test setup). For every release, the host → group
 * membership Ansible reports must be what the scenario's roles and the release layout say.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { renderInventory } from "../../src/inventory/kolla-inventory.js";
import { hostsOfGroup, layoutFor } from "../../src/kolla/layout.js";
import { RELEASES } from "../../src/kolla/releases.js";
import { goldenScenario } from "../builders.js";
import { limited } from "../support/run-kroll.js";

const run = promisify(execFile);

interface AnsibleList {
  _meta: { hostvars: Record<string, Record<string, unknown>> };
  [group: string]: { hosts?: string[]; children?: string[] } | AnsibleList["_meta"];
}

/** group → all hosts in it, following children, from ansible-inventory's JSON. */
function membership(list: AnsibleList): Map<string, Set<string>> {
  const memo = new Map<string, Set<string>>();
  const hostsOf = (g: string, seen = new Set<string>()): Set<string> => {
    const hit = memo.get(g);
    if (hit) return hit;
    const out = new Set<string>();
    if (seen.has(g)) return out;
    seen.add(g);
    const entry = list[g] as { hosts?: string[]; children?: string[] } | undefined;
    for (const h of entry?.hosts ?? []) out.add(h);
    for (const c of entry?.children ?? []) for (const h of hostsOf(c, seen)) out.add(h);
    memo.set(g, out);
    return out;
  };
  const result = new Map<string, Set<string>>();
  for (const g of Object.keys(list)) if (g !== "_meta") result.set(g, hostsOf(g));
  return result;
}

describe("integration: ansible-inventory parses the generated inventory", function () {
  this.timeout(180_000);
  let dir: string;
  const listed = new Map<string, AnsibleList>();
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "kroll-ansible-"));
    await limited([...RELEASES], 2, async (release) => {
      const file = join(dir, `multinode-${release}`);
      writeFileSync(file, renderInventory(goldenScenario(release).scenario, "target"));
      const { stdout } = await run("ansible-inventory", ["-i", file, "--list"], {
        env: {
          ...process.env,
          ANSIBLE_INVENTORY_UNPARSED_FAILED: "true",
          ANSIBLE_NOCOLOR: "1",
          ANSIBLE_LOCALHOST_WARNING: "false",
        },
        maxBuffer: 32 * 1024 * 1024,
      });
      listed.set(release, JSON.parse(stdout) as AnsibleList);
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const release of RELEASES) {
    it(`${release}: every group holds exactly the hosts the scenario's roles put there`, () => {
      const list = listed.get(release);
      expect(list, "ansible-inventory produced no output").to.not.equal(undefined);
      const got = membership(list as AnsibleList);
      const s = goldenScenario(release).scenario;
      const layout = layoutFor(release);
      // kroll's nodes, plus localhost: the [deployment] host (bifrost's group draws on it).
      const hosts = [...s.cluster.nodes, { name: "localhost", roles: ["deployment"] }];
      const groups = [...layout.hostGroups, ...layout.childGroups.keys()];
      let checked = 0;
      for (const g of groups) {
        const want = hostsOfGroup(layout, g, hosts).sort();
        expect([...(got.get(g) ?? [])].sort(), `group ${g}`).to.deep.equal(want);
        checked++;
      }
      expect(checked).to.be.greaterThan(150);
      expect([...(got.get("deployment") ?? [])]).to.deep.equal(["localhost"]);
      expect([...(got.get("bifrost") ?? [])]).to.deep.equal(["localhost"]);
      expect([...(got.get("ironic-conductor") ?? [])].sort()).to.deep.equal([
        "ctl1",
        "ctl2",
        "ctl3",
      ]);
      expect([...(got.get("openvswitch") ?? [])].sort()).to.deep.equal([
        "cmp1",
        "cmp2",
        "net1",
        "net2",
      ]);
    });
    it(`${release}: host vars reach Ansible intact`, () => {
      const vars = (listed.get(release) as AnsibleList)._meta.hostvars;
      expect(vars.ctl1).to.include({
        ansible_host: "192.0.2.11",
        ansible_user: "root",
        ansible_ssh_private_key_file: "/etc/kroll/ssh/id_ed25519",
        ansible_ssh_common_args:
          "-o UserKnownHostsFile=/etc/kroll/ssh/known_hosts -o StrictHostKeyChecking=yes",
      });
      expect(String(vars.ctl1?.ansible_port)).to.equal("22");
      expect(String(vars.net1?.ansible_port)).to.equal("2222");
      expect(vars.net2).to.include({ ansible_host: "2001:db8::22" });
      expect(vars.cmp1).to.include({
        network_interface: "bond0",
        api_interface: "bond0.10",
        neutron_external_interface: "eth2",
      });
      expect(vars.ctl3).to.include({ nova_tag: "canary" });
      expect(vars.cmp2).to.include({ ironic_tag: "old-tag", heat_tag: "old-heat" });
    });
  }
});
