import { expect } from "chai";
import { DEPLOYABLE, LABELS } from "../../../src/deploy/render.js";
import { DEPLOY_PASSWORDS, deployPlan as plan } from "../../goldens.js";

describe("deploy/render", () => {
  const p = plan();
  const units = p.services.flatMap((sp) => sp.units);
  const unit = (container: string, node: string) => {
    const u = units.find((x) => x.container === container && x.node === node);
    if (!u) throw new Error(`no ${container} on ${node}`);
    return u;
  };
  const file = (container: string, node: string, name: string) =>
    unit(container, node).files.find((f) => f.name === name)?.content ?? "";

  it("lays services out in kolla's order, workers before APIs", () => {
    expect(p.services.map((sp) => sp.service)).to.deep.equal([
      "haproxy",
      "mariadb",
      "rabbitmq",
      "ironic",
      "heat",
    ]);
    expect(
      p.services
        .find((sp) => sp.service === "ironic")
        ?.units.map((u) => `${u.container}@${u.node}`),
    ).to.deep.equal([
      "ironic_conductor@node1",
      "ironic_conductor@node2",
      "ironic_conductor@node3",
      "ironic_api@node1",
      "ironic_api@node2",
      "ironic_api@node3",
    ]);
    expect(
      p.services.find((sp) => sp.service === "rabbitmq")?.units.map((u) => u.node),
    ).to.deep.equal(["node1"]);
    expect(DEPLOYABLE).to.include.members(["haproxy", "mariadb", "rabbitmq", "ironic", "heat"]);
  });
  it("creates containers as kolla-ansible does", () => {
    const u = unit("ironic_api", "node2");
    expect(u.image).to.equal("kroll-registry:5000/kolla/ironic-api:stable");
    expect(u.configDir).to.equal("/etc/kolla/ironic-api/");
    expect(u.spec).to.deep.include({
      name: "ironic_api",
      hostNetwork: true,
      restartPolicy: "unless-stopped",
      stopTimeoutS: 60,
    });
    expect(u.spec.binds).to.deep.equal([
      "/etc/kolla/ironic-api/:/var/lib/kolla/config_files/:ro",
      "kolla_logs:/var/log/kolla/",
    ]);
    expect(u.spec.env).to.deep.equal({
      KOLLA_CONFIG_STRATEGY: "COPY_ALWAYS",
      KOLLA_SERVICE_NAME: "ironic-api",
    });
    expect(u.spec.healthcheck?.test).to.deep.equal([
      "CMD-SHELL",
      "healthcheck_curl http://10.0.0.12:6385",
    ]);
    expect(u.spec.labels).to.include({
      [LABELS.scenario]: "test",
      [LABELS.service]: "ironic",
      [LABELS.component]: "ironic-api",
      [LABELS.image]: u.image,
      [LABELS.config]: u.configHash,
    });
    expect(unit("mariadb", "node1").spec.binds).to.include("mariadb:/var/lib/mysql");
    expect(unit("mariadb", "node2").spec.healthcheck?.test).to.deep.equal([
      "CMD-SHELL",
      "healthcheck_tcp 10.0.0.12 3306",
    ]);
    expect(unit("haproxy", "node3").spec.binds).to.include(
      "haproxy_socket:/var/lib/kolla/haproxy/",
    );
  });
  it("writes config.json per kolla's contract", () => {
    expect(JSON.parse(file("heat_engine", "node1", "config.json"))).to.deep.equal({
      command: "heat-engine --config-file /etc/heat/heat.conf",
      config_files: [
        {
          source: "/var/lib/kolla/config_files/heat.conf",
          dest: "/etc/heat/heat.conf",
          owner: "heat",
          perm: "0600",
        },
      ],
      permissions: [{ path: "/var/log/kolla/heat", owner: "heat:heat", recurse: true }],
    });
    expect(unit("heat_engine", "node1").files.every((f) => f.mode === 0o600)).to.equal(true);
  });
  it("merges overrides in kolla's order, per component and host", () => {
    const conductor = file("ironic_conductor", "node2", "ironic.conf");
    expect(conductor).to.include(
      "[DEFAULT]\nhost = 10.0.0.12\ndebug = False\nrpc_transport = json-rpc\nauth_strategy = noauth\n",
    );
    expect(conductor).to.include(
      "connection = mysql+pymysql://ironic:ironicpw@10.0.0.250/ironic?charset=utf8",
    );
    expect(file("heat_engine", "node3", "heat.conf")).to.include("num_engine_workers = 4");
    expect(file("heat_api", "node3", "heat.conf")).to.include("num_engine_workers = 1");
  });
  it("renders a Galera member per control host", () => {
    const cnf = file("mariadb", "node2", "galera.cnf");
    expect(cnf)
      .to.include("wsrep_cluster_address = gcomm://10.0.0.11,10.0.0.12,10.0.0.13\n")
      .and.include("wsrep_node_address = 10.0.0.12\n")
      .and.include("bind-address = 10.0.0.12\n");
    expect(p.databases).to.deep.equal([
      { name: "ironic", user: "ironic", password: "ironicpw" },
      { name: "heat", user: "heat", password: "heatpw" },
    ]);
  });
  it("renders HAProxy: APIs on the VIP with L7 checks, MariaDB active/backup, admin socket", () => {
    const cfg = file("haproxy", "node1", "haproxy.cfg");
    expect(cfg).to.include("stats socket /var/lib/kolla/haproxy/haproxy.sock mode 660 level admin");
    expect(cfg).to.include(
      "backend ironic_api_back\n    option httpchk GET /v1/\n    http-check expect status 200\n    server node1 10.0.0.11:6385 check inter 2000 rise 2 fall 5\n    server node2 10.0.0.12:6385",
    );
    expect(cfg).to.include(
      "backend heat_api_back\n    option httpchk GET /\n    http-check expect status 300\n",
    );
    expect(cfg).to.include("    bind 10.0.0.250:3306\n");
    expect(cfg).to.match(
      /server node1 10\.0\.0\.11:3306 check port 3306 inter 2000 rise 2 fall 5\n\s+server node2 10\.0\.0\.12:3306 .* backup\n/,
    );
    expect(p).to.include({ vip: "10.0.0.250", vipHolder: "node1" });
  });
  it("changes the config hash when anything rendered changes, and only then", () => {
    expect(unit("ironic_api", "node1").configHash).to.equal(
      plan().services[3]?.units[3]?.configHash,
    );
    const target = plan({}, "target")
      .services.flatMap((sp) => sp.units)
      .find((u) => u.container === "ironic_api" && u.node === "node1");
    expect(target?.image).to.equal("kroll-registry:5000/kolla/ironic-api:proposed");
    expect(target?.configHash).to.not.equal(unit("ironic_api", "node1").configHash);
    // Same images, one rendered file's content changed (Ironic's database password): every
    // Ironic container's hash moves, and no Heat container's does.
    const other = plan({}, "stable", { ...DEPLOY_PASSWORDS, ironic_database_password: "other" });
    const hashOf = (p: typeof other, container: string, node: string): string | undefined =>
      p.services.flatMap((sp) => sp.units).find((u) => u.container === container && u.node === node)
        ?.configHash;
    for (const node of ["node1", "node2", "node3"]) {
      expect(hashOf(other, "ironic_api", node), node).to.not.equal(
        unit("ironic_api", node).configHash,
      );
      expect(hashOf(other, "ironic_conductor", node), node).to.not.equal(
        unit("ironic_conductor", node).configHash,
      );
      expect(hashOf(other, "heat_engine", node), node).to.equal(
        unit("heat_engine", node).configHash,
      );
    }
  });
  it("keeps secrets out of everything but the 0600 files", () => {
    for (const u of units) {
      expect(JSON.stringify(u.spec))
        .to.not.include("ironicpw")
        .and.not.include("rootpw")
        .and.not.include("rabbitpw");
    }
  });
});

describe("deploy/render layout", () => {
  it("renders 19 containers on 3 nodes (each file's golden: test/unit/goldens.test.ts)", () => {
    expect(plan().services.flatMap((sp) => sp.units)).to.have.length(19);
  });
});
