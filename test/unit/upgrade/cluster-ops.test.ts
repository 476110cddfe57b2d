import { expect } from "chai";
import { silentLogger } from "../../../src/core/logger.js";
import { createClusterOps } from "../../../src/upgrade/cluster-ops.js";
import type { RecreateAction } from "../../../src/upgrade/ops.js";
import type { Desired, Target } from "../../../src/upgrade/types.js";
import { fakeCluster } from "../../support/cluster-fakes.js";
import type { FakeContainer, ShellRule } from "../../support/cluster-fakes.js";

const STABLE = "reg/kolla/heat-api:stable";
const PROPOSED = "reg/kolla/heat-api:proposed";

function opsOn(
  nodes: Readonly<Record<string, Readonly<Record<string, FakeContainer>>>>,
  o: { rules?: readonly ShellRule[]; images?: Readonly<Record<string, readonly string[]>> } = {},
) {
  const f = fakeCluster(nodes, o);
  const ops = createClusterOps({
    cluster: f.cluster,
    dockers: f.dockers,
    logger: silentLogger,
    dbRootPassword: "secret-root",
    apiUrl: () => undefined,
    authToken: undefined,
    addresses: new Map([
      ["node1", "10.9.0.11"],
      ["node2", "10.9.0.12"],
    ]),
    dbMembers: ["node1"],
    vipInterface: () => "eth0",
    vipPrefix: 24,
    scenario: "test",
  });
  return { f, ops };
}

const recreate = (over: Partial<RecreateAction> = {}): RecreateAction => ({
  kind: "recreate",
  node: "node1",
  service: "heat",
  component: "heat-api",
  container: "heat_api",
  from: STABLE,
  image: PROPOSED,
  labels: { "org.openstack.kroll.tag": "proposed" },
  stopGraceS: 30,
  keepAside: true,
  ...over,
});

const target = (node: string, container: string, image: string): Target => ({
  node,
  address: node,
  service: "heat",
  component: container.replaceAll("_", "-"),
  group: "heat-api",
  kind: "api",
  container,
  stable: STABLE,
  image,
  heldBack: false,
  configDir: `/etc/kolla/${container}`,
  configFile: undefined,
  backend: undefined,
  stopGraceS: 30,
  configHash: undefined,
  rpc: undefined,
});

describe("upgrade/cluster-ops through fake ports", () => {
  it("replaces a container: stop, rename aside, a clone on the new image, start; the old kept", async () => {
    const { f, ops } = opsOn({ node1: { heat_api: { image: STABLE } } });
    await ops.replace(recreate());
    expect(f.calls).to.deep.equal([
      "node1 docker remove heat_api_kroll_old",
      "node1 docker stop heat_api (30 s)",
      "node1 docker rename heat_api → heat_api_kroll_old",
      `node1 docker clone heat_api_kroll_old → heat_api (${PROPOSED})`,
      "node1 docker start heat_api",
    ]);
    const cs = f.containers("node1");
    expect(cs.get("heat_api")).to.include({ image: PROPOSED, status: "running" });
    expect(cs.get("heat_api")?.labels).to.deep.equal({ "org.openstack.kroll.tag": "proposed" });
    expect(cs.get("heat_api_kroll_old")).to.include({ image: STABLE, status: "exited" });
  });

  it("removes the old one at once when it is not kept aside", async () => {
    const { f, ops } = opsOn({ node1: { heat_api: { image: STABLE } } });
    await ops.replace(recreate({ keepAside: false }));
    expect(f.calls.at(-1)).to.equal("node1 docker remove heat_api_kroll_old");
    expect([...f.containers("node1").keys()]).to.deep.equal(["heat_api"]);
  });

  it("puts the old container back at once when the new one cannot start, and reports the error", async () => {
    const { f, ops } = opsOn({ node1: { heat_api: { image: STABLE } } });
    f.failNext("node1", "start", "heat_api", new Error("port already in use"));
    let err: unknown;
    await ops.replace(recreate()).catch((e: unknown) => (err = e));
    expect(String(err)).to.match(/port already in use/);
    expect(f.calls.slice(4)).to.deep.equal([
      "node1 docker start heat_api",
      "node1 docker remove heat_api",
      "node1 docker rename heat_api_kroll_old → heat_api",
      "node1 docker start heat_api",
    ]);
    expect(
      [...f.containers("node1").values()].map((c) => [c.name, c.image, c.status]),
    ).to.deep.equal([["heat_api", STABLE, "running"]]);
  });

  it("rolls back: the new one removed, the one kept aside renamed back and started", async () => {
    const { f, ops } = opsOn({ node1: { heat_api: { image: STABLE } } });
    await ops.replace(recreate());
    f.calls.length = 0;
    await ops.restore("node1", "heat_api");
    expect(f.calls).to.deep.equal([
      "node1 docker stop heat_api (10 s)",
      "node1 docker remove heat_api",
      "node1 docker rename heat_api_kroll_old → heat_api",
      "node1 docker start heat_api",
    ]);
    expect(f.containers("node1").get("heat_api")).to.include({ image: STABLE, status: "running" });
    expect(f.containers("node1").has("heat_api_kroll_old")).to.equal(false);
  });

  it("refuses a rollback with nothing kept aside, changing nothing", async () => {
    const { f, ops } = opsOn({ node1: { heat_api: { image: PROPOSED } } });
    let err: unknown;
    await ops.restore("node1", "heat_api").catch((e: unknown) => (err = e));
    expect(String(err)).to.match(/cannot roll back heat_api on node1: no heat_api_kroll_old/);
    expect(f.calls.filter((c) => !c.includes(" inspect "))).to.deep.equal([]);
    expect(f.containers("node1").get("heat_api")).to.include({ image: PROPOSED });
  });

  it("retires the copy kept aside; restarts in place", async () => {
    const { f, ops } = opsOn({ node1: { heat_api: { image: STABLE } } });
    await ops.replace(recreate());
    f.calls.length = 0;
    await ops.retire("node1", "heat_api");
    await ops.restart("node1", "heat_api", 5);
    expect(f.calls).to.deep.equal([
      "node1 docker remove heat_api_kroll_old",
      "node1 docker stop heat_api (5 s)",
      "node1 docker start heat_api",
    ]);
  });

  it("observes each target, its copy aside, and the new images present; a loadbalancer without HAProxy has no servers", async () => {
    const { ops } = opsOn(
      {
        node1: {
          heat_api: { image: PROPOSED },
          heat_api_kroll_old: { image: STABLE, status: "exited" },
        },
        node2: { heat_api: { image: STABLE } },
      },
      {
        images: { node2: [PROPOSED] },
        rules: [(argv) => (argv[0] === "sh" ? { stdout: "" } : undefined)],
      },
    );
    const d = {
      targets: [target("node1", "heat_api", PROPOSED), target("node2", "heat_api", PROPOSED)],
      loadbalancers: ["node1"],
      vip: "10.9.0.250",
    } as unknown as Desired;
    const seen = await ops.observe(d);
    expect(seen.containers.map((c) => `${c.node}/${c.name}/${c.image}`).sort()).to.deep.equal([
      `node1/heat_api/${PROPOSED}`,
      `node1/heat_api_kroll_old/${STABLE}`,
      `node2/heat_api/${STABLE}`,
    ]);
    expect(seen.images).to.deep.equal([{ node: "node2", image: PROPOSED }]);
    expect(seen.servers).to.deep.equal([]);
    expect(seen.vipHolder).to.equal(undefined);
  });

  it("reads HAProxy's servers and the VIP holder on a loadbalancer; drains a server with the runtime API", async () => {
    const stat = [
      "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status",
      "heat_api_back,node1,0,0,2,5,,9,0,0,0,0,,0,0,0,0,UP",
      "heat_api_back,node2,0,0,0,5,,9,0,0,0,0,,0,0,0,0,UP",
    ].join("\n");
    const state =
      "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state\n3 heat_api_back 1 node1 10.9.0.11 2 8\n3 heat_api_back 2 node2 10.9.0.12 2 0\n";
    const { f, ops } = opsOn(
      { node1: { haproxy: { image: "reg/kolla/haproxy:stable" } } },
      {
        rules: [
          (argv) => {
            if (argv[0] === "sh") return { stdout: "VIP-HERE\n" };
            const cmd = argv.at(-1) ?? "";
            if (argv[1] === "exec" && cmd === "show stat") return { stdout: stat };
            if (argv[1] === "exec" && cmd === "show servers state") return { stdout: state };
            return undefined;
          },
        ],
      },
    );
    const d = { targets: [], loadbalancers: ["node1"], vip: "10.9.0.250" } as unknown as Desired;
    const seen = await ops.observe(d);
    expect(seen.vipHolder).to.equal("node1");
    expect(
      seen.servers.map((s) => `${s.backend}/${s.server} ${s.admin} ${s.sessions}`),
    ).to.deep.equal(["heat_api_back/node1 drain 2", "heat_api_back/node2 ready 0"]);
    await ops.setServer("node1", "heat_api_back", "node1", "drain");
    expect(f.calls.at(-1)).to.match(
      /docker exec haproxy sh -c .* set server heat_api_back\/node1 state drain$/,
    );
  });

  it("keeps a secret off every command line: the Galera check sends the root password on stdin", async () => {
    const { f, ops } = opsOn(
      { node1: { mariadb: { image: "reg/kolla/mariadb-server:stable" } } },
      {
        rules: [
          (argv) =>
            argv.includes("mariadb")
              ? { stdout: "wsrep_cluster_size\t3\nwsrep_local_state_comment\tSynced\n" }
              : undefined,
        ],
      },
    );
    expect(
      await ops.memberBack({
        kind: "waitMember",
        service: "mariadb",
        node: "node1",
        container: "mariadb",
        size: 3,
        what: "Synced in the whole cluster",
        timeoutMs: 1_000,
      }),
    ).to.deep.equal({ ok: true, seen: "Synced, size 3" });
    expect(f.calls.join("\n")).to.not.include("secret-root");
  });

  it("takes a conductor out of the ring with SQL at a database member, its password off argv", async () => {
    const { f, ops } = opsOn(
      { node1: { mariadb: { image: "reg/kolla/mariadb-server:stable" } } },
      {
        // MariaDB answers every statement with one number: 0 rows moved, 0 node locks held.
        rules: [(argv) => (argv.includes("mariadb") ? { stdout: "0\n" } : undefined)],
      },
    );
    const said = await ops.ringOut({
      kind: "ringOut",
      service: "ironic",
      node: "node2",
      container: "ironic_conductor",
      stopGraceS: 30,
      host: "10.9.0.12",
      databases: [{ node: "node1", container: "mariadb" }],
      settleMs: 0,
      timeoutMs: 1_000,
    });
    expect(said).to.match(/^0 hardware type\(s\) unregistered at node1; no node lock held after/);
    expect(f.calls.filter((c) => c.includes("docker exec -i mariadb"))).to.have.length(2);
    expect(f.calls.join("\n")).to.not.include("secret-root");
  });
});
