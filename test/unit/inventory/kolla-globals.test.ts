import { expect } from "chai";
import { parse } from "yaml";
import { renderGlobals } from "../../../src/inventory/kolla-globals.js";
import { MANAGED_GLOBALS } from "../../../src/scenario/managed-globals.js";
import { RELEASES } from "../../../src/kolla/releases.js";
import { aScenario, goldenScenario, load } from "../../builders.js";

const globalsOf = (release: (typeof RELEASES)[number], phase: "stable" | "target" = "stable") =>
  parse(renderGlobals(goldenScenario(release).scenario, phase)) as Record<string, unknown>;

describe("inventory/kolla-globals", () => {
  it("spells booleans as the release's sample does", () => {
    expect(globalsOf("2025.2").enable_haproxy).to.equal("yes");
    expect(globalsOf("2026.1").enable_haproxy).to.equal(true);
    expect(globalsOf("2026.1").enable_cinder).to.equal(false);
  });
  it("enables exactly the scenario's services, explicitly", () => {
    const g = globalsOf("2024.1");
    expect(g).to.include({
      enable_openstack_core: "no",
      enable_proxysql: "no",
      enable_nova: "yes",
      enable_cinder: "no",
      enable_ironic: "yes",
      enable_keepalived: "yes",
    });
  });
  it("asks for an admin-level HAProxy socket because kroll drains backends", () => {
    expect(globalsOf("zed").haproxy_socket_level_admin).to.equal("yes");
  });
  it("uses the ironic pin variable of each release", () => {
    for (const r of ["zed", "2023.1", "2023.2", "2024.1", "2024.2"] as const) {
      expect(globalsOf(r), r).to.include({
        openstack_previous_release_name: "pinned-release",
        ironic_enable_rolling_upgrade: "yes",
      });
      expect(globalsOf(r), r).to.not.have.property("ironic_pin_release_version");
    }
    expect(globalsOf("2025.1")).to.include({
      ironic_pin_release_version: "pinned-release",
      ironic_enable_rolling_upgrade: "yes",
    });
    expect(globalsOf("2026.1"))
      .to.include({ ironic_pin_release_version: "pinned-release" })
      .and.not.have.property("ironic_enable_rolling_upgrade");
  });
  it("has kolla_container_engine only from 2023.2", () => {
    expect(globalsOf("2023.1")).to.not.have.property("kolla_container_engine");
    expect(globalsOf("2023.2")).to.have.property("kolla_container_engine", "docker");
  });
  it("writes per-service tags only where they differ from openstack_tag", () => {
    expect(globalsOf("2024.1", "stable"))
      .to.include({ openstack_tag: "old-tag", heat_tag: "old-heat" })
      .and.not.have.property("ironic_tag");
    // target: ironic has its own target tag; heat and nova-compute (left on stable) keep old tags.
    expect(globalsOf("2024.1", "target"))
      .to.include({
        openstack_tag: "new-tag",
        ironic_tag: "new-tag-hotfix",
        nova_compute_tag: "old-tag",
      })
      .and.not.have.property("heat_tag");
  });
  it("appends the scenario's extra keys after kroll's own", () => {
    const text = renderGlobals(goldenScenario("2024.1").scenario, "stable");
    expect(
      text
        .trimEnd()
        .endsWith("# Extra keys from the scenario (kolla.globals)\nnova_compute_virt_type: qemu"),
    ).to.equal(true);
  });
  it("omits haproxy's socket and keepalived's router id when there is no load balancer", () => {
    const g = parse(
      renderGlobals(load(aScenario({ services: ["mariadb", "ironic"] })).scenario, "stable"),
    ) as Record<string, unknown>;
    expect(g).to.include({ enable_haproxy: "no", enable_keepalived: "no" });
    expect(g).to.not.have.property("haproxy_socket_level_admin");
    expect(g).to.not.have.property("keepalived_virtual_router_id");
  });
  it("names every key it writes in MANAGED_GLOBALS, so a scenario cannot fight over one", () => {
    for (const r of RELEASES) {
      for (const phase of ["stable", "target"] as const) {
        const g = parse(renderGlobals(goldenScenario(r).scenario, phase)) as Record<
          string,
          unknown
        >;
        const unmanaged = Object.keys(g).filter(
          (k) =>
            !MANAGED_GLOBALS.has(k) &&
            k !== "workaround_ansible_issue_8743" &&
            k !== "nova_compute_virt_type" &&
            !k.endsWith("_tag"),
        );
        expect(unmanaged, `${r} ${phase}`).to.deep.equal([]);
      }
    }
  });
});
