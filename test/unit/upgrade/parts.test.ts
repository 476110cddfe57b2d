import { expect } from "chai";
import { RELEASE_PINNED } from "../../../src/services/catalogue.js";
import { RECIPES } from "../../../src/services/catalogue.js";
import { cloneCreateOptions } from "../../../src/cluster/docker/clone.js";
import { editIniOption } from "../../../src/kolla/ini.js";
import { maxUnavailableOf, quorumCap } from "../../../src/upgrade/fenceposts.js";
import { connectionPorts, topPids } from "../../../src/cluster/procs.js";
import {
  httpFrontends,
  parseServersState,
  parseShowStat,
} from "../../../src/services/haproxy/stats.js";
import {
  describeAction,
  journalForReport,
  markersOf,
  nextWaveNumber,
  parseJournal,
} from "../../../src/upgrade/journal.js";

describe("fenceposts", () => {
  const table: [number | string, number, number][] = [
    [1, 3, 1],
    [5, 3, 3],
    [0, 3, 1],
    ["25%", 10, 2],
    ["25%", 3, 1],
    ["50%", 5, 2],
    ["100%", 4, 4],
    [1, 0, 0],
  ];
  for (const [v, size, want] of table)
    it(`max unavailable ${v} of ${size} → ${want}`, () =>
      expect(maxUnavailableOf(v, size)).to.equal(want));
  it("keeps Galera's quorum: 1 of 3, 2 of 5, 1 of 1", () => {
    expect([quorumCap(3), quorumCap(5), quorumCap(1), quorumCap(2)]).to.deep.equal([1, 2, 1, 1]);
  });
});

describe("kolla/ini.editIniOption", () => {
  const text = "[DEFAULT]\ndebug = false\nhost = 10.0.0.11\n\n[api]\nport = 6385\n";
  it("adds an option at the end of its section and removes it again byte for byte", () => {
    const pinned = editIniOption(text, "DEFAULT", "pin_release_version", "zed");
    expect(pinned.text).to.equal(
      "[DEFAULT]\ndebug = false\nhost = 10.0.0.11\npin_release_version = zed\n\n[api]\nport = 6385\n",
    );
    expect(pinned.previous).to.equal(null);
    const back = editIniOption(pinned.text, "DEFAULT", "pin_release_version", null);
    expect(back).to.deep.equal({ text, previous: "zed" });
  });
  it("replaces a value in place and reports the old one", () => {
    expect(editIniOption(text, "api", "port", "6386")).to.deep.equal({
      text: text.replace("6385", "6386"),
      previous: "6385",
    });
  });
  it("appends a missing section", () => {
    expect(editIniOption("[api]\nport = 1\n", "DEFAULT", "x", "y").text).to.equal(
      "[api]\nport = 1\n\n[DEFAULT]\nx = y\n",
    );
  });
});

describe("services/haproxy/stats parsing", () => {
  const state = [
    "1",
    "# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight",
    "3 ironic_api_back 1 node1 10.0.0.11 2 8 1 1 10 6 3 4 6 0 0 0 - 6385 - 0 0 - - 0",
    "3 ironic_api_back 2 node2 10.0.0.12 2 0 1 1 10 6 3 4 6 0 0 0 - 6385 - 0 0 - - 0",
    "3 ironic_api_back 3 node3 10.0.0.13 0 1 1 1 10 6 3 4 6 0 0 0 - 6385 - 0 0 - - 0",
  ].join("\n");
  const row = (be: string, sv: string, scur: number, status: string): string =>
    [be, sv, 0, 0, scur, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, status].join(",");
  const stat = [
    "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status",
    row("ironic_api_front", "FRONTEND", 4, "OPEN"),
    row("ironic_api_back", "node1", 2, "DRAIN"),
    row("ironic_api_back", "node2", 1, "UP"),
    row("ironic_api_back", "node3", 0, "MAINT"),
    row("ironic_api_back", "BACKEND", 3, "UP"),
  ].join("\n");
  it("reads admin states from `show servers state` and sessions from `show stat`", () => {
    expect(parseShowStat("lb1", stat, parseServersState(state))).to.deep.equal([
      {
        lb: "lb1",
        backend: "ironic_api_back",
        server: "node1",
        admin: "drain",
        status: "DRAIN",
        sessions: 2,
      },
      {
        lb: "lb1",
        backend: "ironic_api_back",
        server: "node2",
        admin: "ready",
        status: "UP",
        sessions: 1,
      },
      {
        lb: "lb1",
        backend: "ironic_api_back",
        server: "node3",
        admin: "maint",
        status: "MAINT",
        sessions: 0,
      },
    ]);
  });
  it("falls back to the status column without the admin table", () => {
    expect(parseShowStat("lb1", stat, new Map()).map((s) => s.admin)).to.deep.equal([
      "drain",
      "ready",
      "maint",
    ]);
  });
});

describe("services/haproxy/stats httpFrontends", () => {
  it("finds the HTTP frontends and their client sessions by the header's mode column", () => {
    // HAProxy 2.6's `show stat` columns trimmed to what is read; mode is found by name.
    const head = "# pxname,svname,qcur,qmax,scur,smax,type,mode";
    const stat = [
      head,
      "monitor,FRONTEND,,,0,1,0,http",
      "mariadb,FRONTEND,,,12,14,0,tcp",
      "mariadb,node1,0,0,12,14,2,tcp",
      "ironic_api_front,FRONTEND,,,3,9,0,http",
      "ironic_api_back,node1,0,0,2,5,2,http",
      "ironic_api_back,BACKEND,0,0,2,5,1,http",
      "heat_api_front,FRONTEND,,,1,4,0,http",
      "",
    ].join("\n");
    expect(httpFrontends(stat)).to.deep.equal([
      { name: "monitor", sessions: 0 },
      { name: "ironic_api_front", sessions: 3 },
      { name: "heat_api_front", sessions: 1 },
    ]);
  });
  it("finds none in a table without a mode column or in no table at all", () => {
    expect(httpFrontends("# pxname,svname,qcur,qmax,scur\nx,FRONTEND,,,3")).to.deep.equal([]);
    expect(httpFrontends("")).to.deep.equal([]);
  });
});

describe("cluster/procs connectionPorts", () => {
  // `ss -tnpH state established '( dport = :3306 )'` on a node with two HAProxies side by side.
  const ss = [
    '0      0      172.30.92.11:45678 172.30.92.11:3306 users:(("haproxy",pid=360,fd=31))',
    '0      0      172.30.92.11:45690 172.30.92.12:3306 users:(("haproxy",pid=360,fd=33))',
    '0      0      172.30.92.11:46002 172.30.92.11:3306 users:(("haproxy",pid=981,fd=29))',
    '0      0      [fd00::11]:47000 [fd00::12]:3306 users:(("haproxy",pid=360,fd=40),("haproxy",pid=361,fd=40))',
    '0      0      172.30.92.11:45111 172.30.92.12:4567 users:(("mariadbd",pid=360,fd=12))',
    "",
  ].join("\n");
  it("keeps the connections of the retiring one's processes to the database port only", () => {
    const pids = topPids("PID\n342\n360\n");
    expect([...pids]).to.deep.equal([342, 360]);
    expect(connectionPorts(ss, pids, 3306)).to.deep.equal([45678, 45690, 47000]);
    expect(connectionPorts(ss, new Set([981]), 3306)).to.deep.equal([46002]);
    expect(connectionPorts(ss, new Set([7]), 3306)).to.deep.equal([]);
  });
});

describe("cluster/docker/clone", () => {
  const container = {
    Name: "/ironic_api",
    Config: {
      Hostname: "node1",
      Env: [
        "PATH=/usr/bin",
        "KOLLA_BASE=debian",
        "KOLLA_CONFIG_STRATEGY=COPY_ALWAYS",
        "KOLLA_SERVICE_NAME=ironic-api",
      ],
      Cmd: ["kolla_start"],
      Labels: {
        "org.opencontainers.image.version": "1",
        "org.openstack.kroll.image": "r/kolla/ironic-api:stable",
        keep: "me",
      },
      Healthcheck: { Test: ["CMD-SHELL", "healthcheck_curl http://10.0.0.11:6385"] },
      Volumes: { "/var/lib/ironic": {} },
      StopTimeout: 60,
    },
    HostConfig: {
      NetworkMode: "host",
      Binds: ["/etc/kolla/ironic-api/:/var/lib/kolla/config_files/:ro"],
      RestartPolicy: { Name: "unless-stopped" },
    },
  };
  const image = {
    Config: {
      Env: ["PATH=/usr/bin", "KOLLA_BASE=debian"],
      Cmd: ["kolla_start"],
      Labels: { "org.opencontainers.image.version": "1" },
      Volumes: { "/var/lib/ironic": {} },
    },
  };
  it("keeps what the container was given and drops what came from the old image", () => {
    const body = cloneCreateOptions(container, image, {
      name: "ironic_api",
      image: "r/kolla/ironic-api:proposed",
      labels: {
        "org.openstack.kroll.image": "r/kolla/ironic-api:proposed",
        "org.openstack.kroll.pin": "zed",
        keep: null,
      },
    });
    expect(body).to.deep.equal({
      name: "ironic_api",
      Image: "r/kolla/ironic-api:proposed",
      Env: ["KOLLA_CONFIG_STRATEGY=COPY_ALWAYS", "KOLLA_SERVICE_NAME=ironic-api"],
      Labels: {
        "org.openstack.kroll.image": "r/kolla/ironic-api:proposed",
        "org.openstack.kroll.pin": "zed",
      },
      Healthcheck: { Test: ["CMD-SHELL", "healthcheck_curl http://10.0.0.11:6385"] },
      StopTimeout: 60,
      HostConfig: container.HostConfig,
    });
  });
});

describe("upgrade/journal", () => {
  const lines = [
    JSON.stringify({
      type: "wave",
      ts: 1,
      wave: 0,
      service: "cluster",
      step: "pull",
      why: "",
      event: "start",
    }),
    JSON.stringify({
      type: "wave",
      ts: 2,
      wave: 0,
      service: "cluster",
      step: "pull",
      why: "",
      event: "done",
      markers: [],
    }),
    JSON.stringify({
      type: "wave",
      ts: 3,
      wave: 1,
      service: "ironic",
      step: "db-upgrade",
      why: "",
      event: "start",
    }),
    JSON.stringify({
      type: "wave",
      ts: 4,
      wave: 1,
      service: "ironic",
      step: "db-upgrade",
      why: "",
      event: "done",
      markers: ["svc:ironic:db-upgrade", "svc:ironic:started"],
    }),
    JSON.stringify({
      type: "wave",
      ts: 5,
      wave: 2,
      service: "ironic",
      step: "conductors",
      why: "",
      event: "start",
    }),
    '{"type":"action","ts":6,"wa', // torn by a crash
  ].join("\n");
  it("keeps the markers of finished waves, numbers the next wave, drops a torn last line", () => {
    const r = parseJournal(lines);
    expect(r).to.have.length(5);
    expect(markersOf(r)).to.deep.equal(["svc:ironic:db-upgrade", "svc:ironic:started"]);
    expect(nextWaveNumber(r)).to.equal(3);
  });
  it("refuses a journal corrupted before its last line", () => {
    expect(() => parseJournal(`{oops\n${lines}`)).to.throw();
  });
  it("reads a journal for a report without throwing, and says when it cannot be trusted", () => {
    const end = JSON.stringify({ type: "end", ts: 9, status: "done", message: "" });
    const whole = journalForReport(`${lines.split("\n").slice(0, 5).join("\n")}\n${end}\n`, true);
    expect(whole.records).to.have.length(6);
    expect(whole.problem).to.equal(undefined);
    // A corrupt line in the middle: the rest is kept, the problem names the line.
    const mid = journalForReport(
      `${lines.split("\n").slice(0, 2).join("\n")}\n{oops\n${end}`,
      true,
    );
    expect(mid.records).to.have.length(3);
    expect(mid.problem).to.match(/1 line\(s\) of the upgrade journal could not be read \(line 3\)/);
    // Torn by a crash: no end record although the upgrade ran.
    expect(journalForReport(lines, true).problem).to.include("line 6").and.include("no end record");
    // Missing: a problem only when the upgrade ran.
    expect(journalForReport(undefined, true).problem).to.include("missing or unreadable");
    expect(journalForReport(undefined, false)).to.deep.equal({ records: [], problem: undefined });
  });
  it("describes actions for people", () => {
    expect(
      describeAction({
        kind: "drain",
        lbs: ["node1", "node2"],
        backend: "ironic_api_back",
        server: "node3",
      }),
    ).to.equal("drain ironic_api_back/node3 on node1, node2");
  });
});

describe("services/catalogue RELEASE_PINNED", () => {
  it("is Ironic alone, pinned by pin_release_version in ironic.conf (the only pin kroll can set)", () => {
    expect(RELEASE_PINNED).to.deep.equal(["ironic"]);
    expect(RECIPES.ironic.pin).to.deep.include({ file: "ironic.conf", key: "pin_release_version" });
  });
});
