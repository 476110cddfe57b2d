import { expect } from "chai";
import {
  ImportError,
  expandHostPattern,
  importKolla,
  parseIniInventory,
} from "../../../src/inventory/import.js";
import { fromAnsibleList, fromIni } from "../../../src/inventory/ansible-view.js";

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
    inventory: fromIni({ file: "multinode", text: INVENTORY }),
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
        inventory: fromIni({ file: "hosts.yml", text: "all:\n  hosts:\n" }),
        globals: { file: "globals.yml", text: GLOBALS },
        passwords: { file: "passwords.yml", text: "" },
      }),
    ).to.throw(ImportError, /hosts\.yml: line 1: expected an Ansible INI inventory/);
    expect(() =>
      importKolla({
        name: "x",
        inventory: fromIni({ file: "multinode", text: INVENTORY }),
        globals: { file: "globals.yml", text: "- a list\n" },
        passwords: { file: "passwords.yml", text: "" },
      }),
    ).to.throw(ImportError, /globals\.yml: : expected a mapping/);
  });
});

describe("inventory/ansible-view: an inventory as Ansible resolves it", () => {
  const EDITED = [
    "[control]",
    "ctl[1:2] ansible_user=kolla",
    "[network:children]",
    "control",
    "[compute]",
    "cmp1",
    "[compute-gpu]",
    "gpu1 ansible_user=root ansible_ssh_common_args='-o ProxyJump=jump # not a comment'",
    "[compute:children]",
    "compute-gpu",
    "[compute:vars]",
    "ansible_user=nova",
    "ansible_port=2222",
    "[compute-gpu:vars]",
    "ansible_port=2200",
    "[all:vars]",
    "ansible_user=ops",
    "ansible_become=yes",
  ].join("\n");

  it("follows :children (a child's hosts are the parent's) and merges vars all < parent < child < host", () => {
    const v = fromIni({ file: "multinode", text: EDITED });
    expect(v.hostsOf("compute")).to.deep.equal(["cmp1", "gpu1"]);
    expect(v.hostsOf("network")).to.deep.equal(["ctl1", "ctl2"]);
    expect(v.varsOf("cmp1")).to.deep.include({ ansible_user: "nova", ansible_port: "2222" });
    expect(v.varsOf("gpu1")).to.deep.include({
      ansible_user: "root",
      ansible_port: "2200",
      ansible_become: "yes",
      ansible_ssh_common_args: "-o ProxyJump=jump # not a comment",
    });
    expect(v.varsOf("ctl2")).to.deep.include({ ansible_user: "kolla" });
  });

  it("reads ansible-inventory --list JSON the same way, and refuses what is not that", () => {
    const v = fromAnsibleList("hosts.yml", {
      _meta: { hostvars: { a: { ansible_host: "10.0.0.1", ansible_port: 22 } } },
      all: { children: ["ungrouped", "control", "compute"] },
      control: { hosts: ["a"] },
      compute: { children: ["gpu"] },
      gpu: { hosts: ["b", "a"] },
    });
    expect(v.hostsOf("compute")).to.deep.equal(["b", "a"]);
    expect(v.varsOf("a")).to.deep.equal({ ansible_host: "10.0.0.1", ansible_port: 22 });
    expect(v.varsOf("b")).to.deep.equal({});
    expect(() => fromAnsibleList("h", { g: { hosts: "a" } })).to.throw(
      ImportError,
      /h: : ansible-inventory --list: group "g": hosts is not a list of names/,
    );
  });

  it("imports the children's hosts as nodes with their roles, and says what it cannot take over", () => {
    const r = importKolla({
      name: "site",
      inventory: fromIni({ file: "multinode", text: EDITED }),
      globals: { file: "globals.yml", text: GLOBALS },
      passwords: { file: "passwords.yml", text: "" },
    });
    const nodes = (r.scenario as { cluster: { nodes: { name: string; roles: string[] }[] } })
      .cluster.nodes;
    expect(nodes.map((n) => `${n.name}:${n.roles.join("+")}`)).to.deep.equal([
      "ctl1:control+network",
      "ctl2:control+network",
      "cmp1:compute",
      "gpu1:compute",
    ]);
    const notes = r.notes.join("\n");
    expect(notes).to.match(/ctl1, ctl2, cmp1, gpu1: ansible_become is set/);
    expect(notes).to.match(/gpu1: the inventory reaches them through a jump host/);
    expect(notes).to.match(/keystone is on: kroll's load and checks send no token yet/);
    expect(notes).to.match(/read by kroll's INI reader/);
  });

  it("tags images as kolla-ansible does for each release and distro, the suffix last", () => {
    const tagOf = (release: string, distro: string, extra = ""): string =>
      (
        importKolla({
          name: "t",
          inventory: fromIni({ file: "multinode", text: "[control]\nc1\n" }),
          globals: {
            file: "globals.yml",
            text: `openstack_release: "${release}"\nkolla_base_distro: ${distro}\nkolla_internal_vip_address: 10.0.0.9\nenable_neutron: "no"\n${extra}`,
          },
          passwords: { file: "passwords.yml", text: "" },
        }).scenario as { kolla: { stable: string } }
      ).kolla.stable;
    expect(tagOf("2023.1", "debian")).to.equal("2023.1-debian-bullseye");
    expect(tagOf("2023.1", "ubuntu")).to.equal("2023.1-ubuntu-jammy");
    expect(tagOf("2024.2", "ubuntu")).to.equal("2024.2-ubuntu-noble");
    expect(tagOf("2025.2", "rocky")).to.equal("2025.2-rocky-10");
    expect(tagOf("2026.1", "debian")).to.equal("2026.1-debian-trixie");
    expect(tagOf("2025.1", "ubuntu", 'openstack_tag_suffix: "-aarch64"\n')).to.equal(
      "2025.1-ubuntu-noble-aarch64",
    );
    expect(tagOf("2025.1", "rocky", "kolla_base_distro_version: 9.6\n")).to.equal(
      "2025.1-rocky-9.6",
    );
    expect(() => tagOf("2026.2", "centos")).to.throw(
      ImportError,
      /globals\.yml: kolla_base_distro: kolla-ansible 2026\.2 has no default image tag for "centos"/,
    );
  });
});
