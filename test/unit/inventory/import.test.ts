import { expect } from "chai";
import {
  ImportError,
  expandHostPattern,
  importKolla,
  parseIniInventory,
} from "../../../src/inventory/import.js";

const INVENTORY = `
# an operator's multinode
[control]
ctl[1:2] ansible_user=kolla ansible_ssh_private_key_file=~/.ssh/kolla
ctl3 ansible_host=10.0.0.13 ansible_user=kolla ansible_port=2222

[network]
ctl1
net1 ansible_host=10.0.0.21 neutron_external_interface=eth9

[compute]
cmp01 ansible_host=10.0.0.31 neutron_external_interface=eth9

[monitoring]
ctl1

[storage]

[deployment]
localhost ansible_connection=local

[baremetal:children]
control
network

[control:vars]
api_interface=eth1
`;

const GLOBALS = `---
openstack_release: "2025.1"
kolla_base_distro: "ubuntu"
kolla_internal_vip_address: "10.0.0.250"
network_interface: "eth0"
neutron_external_interface: "eth2"
enable_ironic: "yes"
enable_cinder: "no"
enable_octavia: "yes"
nova_compute_virt_type: "qemu"
`;

const run = (globals = GLOBALS, given?: Record<string, unknown>) =>
  importKolla({
    name: "site",
    inventory: { file: "multinode", text: INVENTORY },
    globals: { file: "globals.yml", text: globals },
    passwords: { file: "passwords.yml", text: "database_password: x\nkeystone_admin_password:\n" },
    configDir: "../etc/kolla/config",
    ...(given ? { given } : {}),
  });

describe("inventory/import (kroll import)", () => {
  it("expands Ansible's numeric host ranges", () => {
    expect(expandHostPattern("ctl[01:03]")).to.deep.equal(["ctl01", "ctl02", "ctl03"]);
    expect(expandHostPattern("plain")).to.deep.equal(["plain"]);
  });

  it("refuses a host range too large to be a cloud (it once ran out of memory), naming the file and line", () => {
    const inventory = { file: "multinode", text: "[control]\nctl[00000000:99999999]\n" };
    expect(() => parseIniInventory(inventory))
      .to.throw(ImportError)
      .with.property("message")
      .that.equals(
        "multinode: line 2: the host range ctl[00000000:99999999] names 100000000 hosts; expected a range of 1 to 1000 hosts, such as control[01:03]",
      );
    expect(() => expandHostPattern("ctl[09:01]")).to.throw(/runs backwards/);
  });

  it("makes nodes of the role groups' hosts: roles, address, SSH, per-host interfaces", () => {
    const s = run().scenario as {
      cluster: {
        nodes: {
          name: string;
          address: string;
          ssh: object;
          roles: string[];
          interfaces?: object;
        }[];
      };
    };
    const byName = new Map(s.cluster.nodes.map((n) => [n.name, n]));
    expect([...byName.keys()]).to.deep.equal(["ctl1", "ctl2", "ctl3", "net1", "cmp01"]);
    expect(byName.get("ctl1")).to.deep.include({
      address: "ctl1",
      ssh: { user: "kolla", private_key: "~/.ssh/kolla" },
      roles: ["control", "network", "monitoring"],
      interfaces: { api: "eth1" },
    });
    expect(byName.get("ctl3")).to.deep.include({
      address: "10.0.0.13",
      ssh: { user: "kolla", port: 2222 },
    });
    expect(byName.get("net1")?.interfaces).to.deep.equal({ neutron_external: "eth9" });
    // localhost in [deployment] is where kolla-ansible runs, not a node.
    expect(byName.has("localhost")).to.equal(false);
  });

  it("takes release, images, network and services from globals.yml, kolla-ansible's defaults elsewhere; keeps the other keys", () => {
    const r = run();
    const s = r.scenario as {
      kolla: Record<string, unknown>;
      network: Record<string, unknown>;
      services: string[];
    };
    expect(s.kolla).to.deep.include({
      release: "2025.1",
      base_distro: "ubuntu",
      registry: "quay.io",
      namespace: "openstack.kolla",
      stable: "2025.1-ubuntu-noble",
      auth: "keystone",
      config_dirs: ["../etc/kolla/config"],
      globals: { nova_compute_virt_type: "qemu" },
    });
    expect(s.network).to.deep.include({
      internal_vip: "10.0.0.250",
      interface: "eth0",
      neutron_external_interface: "eth2",
      enable_haproxy: true,
      enable_keepalived: true,
    });
    expect(s.services).to.include.members(["keystone", "nova", "neutron", "heat", "ironic"]);
    expect(s.services).to.not.include("cinder");
    expect(r.notes.join("\n")).to.match(/not upgraded by kroll \(no pack\): octavia/);
    expect(r.notes.join("\n")).to.match(/passwords\.yml: 1 keys without a value/);
  });

  it("says what the files lack, naming the file and the key, unless --set gives it", () => {
    const bare = "---\nkolla_base_distro: rocky\n";
    try {
      run(bare);
      expect.fail("no error");
    } catch (e) {
      expect(e).to.be.instanceOf(ImportError);
      expect((e as ImportError).problems.map((p) => `${p.file} ${p.key}`)).to.deep.equal([
        "globals.yml openstack_release",
        "globals.yml kolla_internal_vip_address",
        // ctl1 is a network host without an external interface of its own.
        "globals.yml neutron_external_interface",
      ]);
    }
    const ok = run(bare, {
      "kolla.release": 2025.1,
      "network.internal_vip": "10.0.0.9",
      "network.neutron_external_interface": "eth1",
    });
    expect((ok.scenario as { kolla: { stable: string } }).kolla.stable).to.equal("2025.1-rocky-9");
  });

  it("refuses what is not an INI inventory or a YAML mapping", () => {
    expect(() =>
      importKolla({
        name: "x",
        inventory: { file: "hosts.yml", text: "all:\n  hosts:\n" },
        globals: { file: "globals.yml", text: GLOBALS },
        passwords: { file: "passwords.yml", text: "" },
      }),
    ).to.throw(ImportError, /hosts\.yml: line 1: expected an Ansible INI inventory/);
    expect(() =>
      importKolla({
        name: "x",
        inventory: { file: "multinode", text: INVENTORY },
        globals: { file: "globals.yml", text: "- a list\n" },
        passwords: { file: "passwords.yml", text: "" },
      }),
    ).to.throw(ImportError, /globals\.yml: : expected a mapping/);
  });
});
