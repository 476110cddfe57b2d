import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { request } from "node:http";
import { Duplex, PassThrough } from "node:stream";
import {
  brokenConnection,
  createDockerodeDockerApi,
  createStreamAgent,
  toCreateOptions,
  ENGINE_EVENT_BUFFER,
  replayCoversFrom,
} from "../../../src/cluster/docker/dockerode-docker-api.js";
import type { DockerodeLike } from "../../../src/cluster/docker/dockerode-docker-api.js";
import { mapInspect } from "../../../src/cluster/docker/map-inspect.js";
import { DockerApiError, TimeoutError } from "../../../src/core/errors.js";
import { FIXTURES } from "../../builders.js";

const INSPECT = JSON.parse(
  readFileSync(join(FIXTURES, "docker", "inspect-ironic-api.json"), "utf8"),
) as unknown;
const httpError = (statusCode: number, message: string) =>
  Object.assign(new Error(`(HTTP code ${statusCode}) ${message}`), {
    statusCode,
    json: { message },
  });

/** A scripted dockerode: each method returns what the test says and records the call. */
function fakeDockerode(script: Partial<Record<string, () => Promise<unknown>>>) {
  const calls: string[] = [];
  const step = (name: string) => {
    calls.push(name);
    const f = script[name];
    return f ? f() : Promise.resolve({});
  };
  const client: DockerodeLike = {
    version: () => step("version") as Promise<{ Version: string; ApiVersion: string }>,
    ping: () => step("ping"),
    getContainer: (name) => ({
      inspect: () => step(`inspect ${name}`),
      start: () => step(`start ${name}`),
      stop: () => step(`stop ${name}`),
      remove: () => step(`remove ${name}`),
      rename: (o) => step(`rename ${name} ${o.name}`),
    }),
    listContainers: () => step("list") as Promise<{ Id: string }[]>,
    getImage: (ref) => ({ inspect: () => step(`image ${ref}`) }),
    getEvents: () => step("events") as Promise<NodeJS.ReadableStream>,
    pull: (ref) => step(`pull ${ref}`) as Promise<NodeJS.ReadableStream>,
    createContainer: (o) => step(`create ${String(o.name)}`),
    modem: {
      followProgress: (_s, done) => {
        void step("progress").then(
          (events) => done(null, (events as unknown[] | undefined) ?? []),
          (e: unknown) => done(e as Error, []),
        );
      },
    },
  };
  return { client, calls };
}

describe("cluster/docker/map-inspect", () => {
  it("maps a real inspect payload to kroll's container state", () => {
    expect(mapInspect("node2", INSPECT)).to.deep.equal({
      node: "node2",
      name: "ironic_api",
      id: "8f1c0f3e2b7d",
      image: "kroll-registry:5000/kolla/ironic-api:stable",
      imageId: "sha256:572b3d5ab6e3b5c0bd34e43fae6b99bad068d441a5201651e283793e3ce831e7",
      status: "running",
      health: "healthy",
      restartCount: 2,
      labels: {
        "org.openstack.kroll.service": "ironic",
        "org.openstack.kroll.component": "ironic-api",
      },
      startedAt: "2026-11-21T22:40:02.5Z",
      exitCode: 0,
    });
  });
  it("says none when a container has no healthcheck", () => {
    expect(mapInspect("n", { Name: "/x", State: { Status: "exited", ExitCode: 137 } })).to.include({
      health: "none",
      status: "exited",
      exitCode: 137,
    });
  });
});

describe("cluster/docker/dockerode-docker-api", () => {
  it("maps 404 on inspect to undefined and 304/404 on start/stop/remove to success", async () => {
    const { client, calls } = fakeDockerode({
      "inspect gone": () => Promise.reject(httpError(404, "No such container: gone")),
      "start up": () => Promise.reject(httpError(304, "container already started")),
      "stop down": () => Promise.reject(httpError(304, "container already stopped")),
      "remove gone": () => Promise.reject(httpError(404, "No such container: gone")),
    });
    const api = createDockerodeDockerApi("node1", client);
    expect(await api.inspect("gone")).to.equal(undefined);
    await api.start("up");
    await api.stop("down", 10);
    await api.remove("gone");
    expect(calls).to.deep.equal(["inspect gone", "start up", "stop down", "remove gone"]);
  });
  it("reads again when the connection under a read broke (socket hang up), never a write", async () => {
    let n = 0;
    const hangUp = () => Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    const { client, calls } = fakeDockerode({
      "inspect ironic_api": () => (++n === 1 ? Promise.reject(hangUp()) : Promise.resolve(INSPECT)),
      "inspect flaky": () => Promise.reject(hangUp()),
      "start up": () => Promise.reject(hangUp()),
    });
    const api = createDockerodeDockerApi("node2", client);
    expect((await api.inspect("ironic_api"))?.name).to.equal("ironic_api");
    // Three tries at most, then the error as it was.
    const flaky = await api.inspect("flaky").catch((e: unknown) => e);
    expect(flaky).to.be.instanceOf(DockerApiError);
    expect((flaky as Error).message).to.equal("node node2: docker inspect flaky: socket hang up");
    // A write whose connection broke may have happened: it is not sent again.
    const start = await api.start("up").catch((e: unknown) => e);
    expect(start).to.be.instanceOf(DockerApiError);
    expect(calls).to.deep.equal([
      "inspect ironic_api",
      "inspect ironic_api",
      "inspect flaky",
      "inspect flaky",
      "inspect flaky",
      "start up",
    ]);
    // An HTTP error is an answer, not a broken connection: no second try.
    expect(brokenConnection(new DockerApiError("n", "inspect x", "boom", 500))).to.equal(false);
  });
  it("turns other HTTP errors into DockerApiError naming node, operation and status", async () => {
    const { client } = fakeDockerode({
      "start broken": () => Promise.reject(httpError(500, "OCI runtime create failed")),
    });
    const api = createDockerodeDockerApi("node3", client);
    let err: unknown;
    await api.start("broken").catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(DockerApiError);
    expect(err).to.include({ node: "node3", operation: "start broken", statusCode: 500 });
    expect((err as Error).message).to.equal(
      "node node3: docker start broken: OCI runtime create failed",
    );
  });
  it("gives up at its deadline with a TimeoutError", async () => {
    const { client } = fakeDockerode({ version: () => new Promise(() => undefined) });
    const api = createDockerodeDockerApi(
      "node1",
      {
        ...client,
        version: (o) =>
          new Promise((_r, rej) =>
            o?.abortSignal?.addEventListener("abort", () => rej(new Error("aborted"))),
          ),
      },
      { timeoutMs: 30 },
    );
    let err: unknown;
    await api.version().catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(TimeoutError);
    expect((err as Error).message).to.equal(
      "node node1: docker version did not finish within 30 ms",
    );
  });
  it("gives up at its deadline even when the request ignores its abort signal (queued for a connection)", async () => {
    const { client } = fakeDockerode({ "inspect c1": () => new Promise(() => undefined) });
    const api = createDockerodeDockerApi("node1", client, { timeoutMs: 30 });
    let err: unknown;
    await api.inspect("c1").catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(TimeoutError);
  });

  it("never queues a request behind connections in use: ten unanswered requests do not hold up the next", async () => {
    let n = 0;
    const agent = createStreamAgent(() => {
      n++;
      // The first 10 connections open and never answer (a daemon that hangs on a call).
      const silent = n <= 10;
      return Promise.resolve(
        new Duplex({
          read() {},
          write(_c, _e, cb) {
            cb();
            if (!silent) this.push("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
          },
        }),
      );
    });
    const get = (ms: number): Promise<string> =>
      new Promise((resolve, reject) => {
        const req = request(
          { host: "docker", path: "/x", agent, signal: AbortSignal.timeout(ms) },
          (res) => {
            let body = "";
            res.on("data", (d: Buffer) => (body += d.toString()));
            res.on("end", () => resolve(body));
          },
        );
        req.on("error", reject);
        req.end();
      });
    const stuck = Array.from({ length: 10 }, () => get(1_500).catch(() => "stuck"));
    await new Promise((r) => setTimeout(r, 50));
    expect(await get(1_000).catch((e: unknown) => String(e))).to.equal("ok");
    expect(await Promise.all(stuck)).to.deep.equal(Array(10).fill("stuck"));
    agent.destroy();
  });

  it("runs long calls (a stop waiting out its grace period) beside the queue of short ones", async () => {
    const release: (() => void)[] = [];
    const { client, calls } = fakeDockerode({
      "stop c1": () => new Promise<void>((r) => release.push(r)),
      "stop c2": () => new Promise<void>((r) => release.push(r)),
      "inspect c3": () => Promise.reject(httpError(404, "No such container: c3")),
    });
    const api = createDockerodeDockerApi("node1", client, { timeoutMs: 1_000, concurrency: 1 });
    const stops = [api.stop("c1", 10), api.stop("c2", 10)];
    // With one slot, a queued inspect would wait for both stops; it must answer at once.
    const t0 = Date.now();
    const st = await api.inspect("c3");
    expect(Date.now() - t0).to.be.below(500);
    expect(st).to.equal(undefined);
    expect(calls).to.deep.equal(["stop c1", "stop c2", "inspect c3"]);
    release.forEach((r) => r());
    await Promise.all(stops);
  });

  it("reports a pull whose image is missing from the registry as a DockerApiError", async () => {
    const { client } = fakeDockerode({
      "pull kroll-registry:5000/kolla/nope:stable": () => Promise.resolve(new PassThrough()),
      progress: () =>
        Promise.resolve([
          { status: "Pulling" },
          {
            error: "manifest for kroll-registry:5000/kolla/nope:stable not found",
            errorDetail: {
              message:
                "manifest for kroll-registry:5000/kolla/nope:stable not found: manifest unknown",
            },
          },
        ]),
    });
    let err: unknown;
    await createDockerodeDockerApi("node2", client)
      .pull("kroll-registry:5000/kolla/nope:stable")
      .catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(DockerApiError);
    expect((err as Error).message).to.equal(
      "node node2: docker pull kroll-registry:5000/kolla/nope:stable: manifest for kroll-registry:5000/kolla/nope:stable not found: manifest unknown",
    );
  });
  it("builds the Engine API create body the way kolla-ansible lays containers out", () => {
    const body = toCreateOptions({
      name: "ironic_api",
      image: "kroll-registry:5000/kolla/ironic-api:stable",
      env: { KOLLA_CONFIG_STRATEGY: "COPY_ALWAYS" },
      labels: { "org.openstack.kroll.component": "ironic-api" },
      binds: [
        "/etc/kolla/ironic-api/:/var/lib/kolla/config_files/:ro",
        "kolla_logs:/var/log/kolla/",
      ],
      hostNetwork: true,
      restartPolicy: "unless-stopped",
      healthcheck: {
        test: ["CMD-SHELL", "healthcheck_curl http://10.0.0.1:6385"],
        intervalMs: 30_000,
        timeoutMs: 30_000,
        retries: 3,
        startPeriodMs: 5_000,
      },
      stopTimeoutS: 60,
    });
    expect(body).to.deep.equal({
      name: "ironic_api",
      Image: "kroll-registry:5000/kolla/ironic-api:stable",
      Env: ["KOLLA_CONFIG_STRATEGY=COPY_ALWAYS"],
      Labels: { "org.openstack.kroll.component": "ironic-api" },
      StopTimeout: 60,
      Healthcheck: {
        Test: ["CMD-SHELL", "healthcheck_curl http://10.0.0.1:6385"],
        Interval: 30e9,
        Timeout: 30e9,
        Retries: 3,
        StartPeriod: 5e9,
      },
      HostConfig: {
        Binds: [
          "/etc/kolla/ironic-api/:/var/lib/kolla/config_files/:ro",
          "kolla_logs:/var/log/kolla/",
        ],
        NetworkMode: "host",
        RestartPolicy: { Name: "unless-stopped" },
      },
    });
  });
});

describe("cluster/docker: does the engine's replay cover a loss", () => {
  const lines = (n: number, fromMs: number): string =>
    Array.from({ length: n }, (_, i) =>
      JSON.stringify({ Type: "container", Action: "exec_start", timeNano: (fromMs + i) * 1e6 }),
    ).join("\n");

  it("covers it while the engine's buffer is not full, or reaches back past the loss", () => {
    expect(replayCoversFrom(lines(10, 5_000), 4_000)).to.be.true;
    expect(replayCoversFrom("", 4_000)).to.be.true;
    expect(replayCoversFrom(lines(ENGINE_EVENT_BUFFER, 3_000), 4_000)).to.be.true;
  });

  it("does not when the buffer is full and starts after the loss (what came first was pushed out)", () => {
    expect(replayCoversFrom(lines(ENGINE_EVENT_BUFFER, 5_000), 4_000)).to.be.false;
    expect(replayCoversFrom(`${lines(ENGINE_EVENT_BUFFER, 5_000)}\n{torn`, 4_000)).to.be.false;
  });
});
