/**
 * EFFECT. `kroll lab smoke`: proves the lab's images on the lab's nodes. Over SSH it runs, from
 * one tag of the images, MariaDB and RabbitMQ on the first node, Ironic (conductor on the first
 * node, API on the second) and Heat (engine on the first, API on the second) in the lab's
 * noauth / fake-hardware configuration, through kolla's contract (config.json, kolla_start,
 * KOLLA_BOOTSTRAP one-shots); then drives a fake-hardware node enroll → manageable → available
 * → active and a stack to CREATE_COMPLETE through the APIs, and removes everything it started.
 */
import { randomBytes } from "node:crypto";
import { connectCluster } from "../cluster/connect.js";
import type { NodeShell } from "../cluster/ports.js";
import { withSecretEnv } from "../cluster/ports.js";
import { EnvironmentError, RunFailedError, TimeoutError } from "../core/errors.js";
import { okJson, sendTo } from "../cluster/http-client.js";
import { packOf } from "../services/catalogue.js";
import { lastLogLines, waitFor } from "../deploy/deploy.js";
import { rabbitmqctl } from "../services/rabbitmq/ops.js";
import { kollaConfigJson, mergeWithOverrides } from "../deploy/render.js";
import { RABBITMQ_ENV } from "../services/rabbitmq/render.js";
import type { ConfigJsonFile } from "../deploy/render.js";
import { overrideLayers } from "../inventory/emit.js";
import { buildConfigTree } from "../inventory/overrides.js";
import type { LoadedScenario } from "../scenario/read.js";
import type { LabDeps } from "./lab.js";
import { kollaRef, NODE_REGISTRY_NAME } from "./recipes.js";

const SMOKE_LABEL = "org.openstack.kroll.smoke=1";
const CONFIG_ROOT = "/etc/kroll-smoke";

interface Placement {
  readonly db: { node: string; address: string };
  readonly api: { node: string; address: string };
}

type IniObject = Record<string, Record<string, string | number | boolean>>;

/** Uploads a config file (mode 0600) into a directory it makes, as deploy does. */
async function put(shell: NodeShell, path: string, content: string): Promise<void> {
  await shell.run(["mkdir", "-p", "-m", "0700", path.slice(0, path.lastIndexOf("/"))], {
    timeoutMs: 20_000,
  });
  await shell.putFile(path, content, { mode: 0o600, timeoutMs: 20_000 });
}

/** The renderer's config.json, with the log directory and its owner. */
const configJson = (
  command: string,
  files: ConfigJsonFile[],
  logDir: string,
  owner: string,
): string => kollaConfigJson(command, files, { path: logDir, owner });

export async function labSmoke(
  deps: LabDeps & { tag: string },
  lab: LoadedScenario,
): Promise<{ lines: string[] }> {
  const s = lab.scenario;
  const [first, second] = s.cluster.nodes;
  if (!first) throw new EnvironmentError("the lab has no nodes: run `kroll lab up` first");
  const place: Placement = {
    db: { node: first.name, address: first.address },
    api: { node: (second ?? first).name, address: (second ?? first).address },
  };
  const log = deps.logger.child({ service: "smoke" });
  const lines: string[] = [];
  const t0 = deps.clock.now();
  const stamp = (msg: string): void => {
    const line = `  ${((deps.clock.now() - t0) / 1000).toFixed(1).padStart(6)}s  ${msg}`;
    lines.push(line);
    log.info(msg);
  };
  const image = (name: string): string => kollaRef(name, deps.tag, `${NODE_REGISTRY_NAME}:5000`);
  const pw = (): string => randomBytes(18).toString("base64url");
  const secrets = { root: pw(), ironic: pw(), heat: pw(), rabbit: pw() };
  const tree = buildConfigTree(
    await overrideLayers(lab, deps.home, process.cwd()),
    s.kolla.config,
    "kolla.config",
  ).tree;

  const cluster = await connectCluster(s, deps.logger);
  const dbShell = cluster.shell(place.db.node);
  const apiShell = cluster.shell(place.api.node);
  const shells = [...new Set([dbShell, apiShell])];
  const cleanup = async (): Promise<void> => {
    for (const sh of shells) {
      await sh.exec(
        [
          "sh",
          "-c",
          `ids=$(docker ps -aq --filter label=${SMOKE_LABEL}); [ -z "$ids" ] || docker rm -f -v $ids >/dev/null; vols=$(docker volume ls -q --filter label=${SMOKE_LABEL}); [ -z "$vols" ] || docker volume rm $vols >/dev/null; rm -rf ${CONFIG_ROOT}`,
        ],
        { timeoutMs: 120_000 },
      );
    }
  };
  const docker = (
    sh: NodeShell,
    args: string[],
    timeoutMs = 120_000,
    stdin?: string,
  ): Promise<string> =>
    sh.run(["docker", ...args], { timeoutMs, ...(stdin !== undefined ? { stdin } : {}) });
  const start = async (
    sh: NodeShell,
    name: string,
    img: string,
    extra: string[] = [],
  ): Promise<void> => {
    await docker(sh, [
      "run",
      "-d",
      "--name",
      name,
      "--label",
      SMOKE_LABEL,
      "--network",
      "host",
      "-e",
      "KOLLA_CONFIG_STRATEGY=COPY_ALWAYS",
      "-v",
      `${CONFIG_ROOT}/${name}/:/var/lib/kolla/config_files/:ro`,
      ...extra,
      image(img),
    ]);
  };
  const oneShot = async (
    sh: NodeShell,
    name: string,
    img: string,
    mode: string,
    extra: string[] = [],
    secretEnv: Record<string, string> = {},
  ): Promise<void> => {
    const cmd = withSecretEnv(
      [
        "docker",
        "run",
        "--rm",
        "--name",
        `${name}_${mode.toLowerCase()}`,
        "--label",
        SMOKE_LABEL,
        "--network",
        "host",
        "-e",
        "KOLLA_CONFIG_STRATEGY=COPY_ALWAYS",
        "-e",
        `${mode}=`,
        "-v",
        `${CONFIG_ROOT}/${name}/:/var/lib/kolla/config_files/:ro`,
        ...extra,
        ...Object.keys(secretEnv).flatMap((k) => ["-e", k]),
        image(img),
      ],
      secretEnv,
    );
    const r = await sh.exec(cmd.argv, { timeoutMs: 300_000, stdin: cmd.stdin });
    if (r.exitCode !== 0)
      throw new RunFailedError(
        `${mode} one-shot of ${img} on ${sh.node} exited ${r.exitCode}: ${(r.stdout + r.stderr).trim().split("\n").slice(-5).join(" | ")}`,
      );
  };
  /** waitFor (a throwing probe means "not yet"); on timeout the message carries the container's last log lines. */
  const waitUntil = async (
    what: string,
    timeoutMs: number,
    probe: () => Promise<boolean>,
    logsOf?: [NodeShell, string],
  ): Promise<void> => {
    try {
      await waitFor(deps.clock, what, timeoutMs, probe);
    } catch (e: unknown) {
      if (!(e instanceof TimeoutError) || !logsOf) throw e;
      const logs = await lastLogLines(logsOf[0], logsOf[1], 6);
      throw new TimeoutError(`${what}${logs ? ` (last log lines: ${logs})` : ""}`, timeoutMs, {
        cause: e,
      });
    }
  };

  /** The pack's own end-to-end proof against its API. */
  const smoke = async (service: "ironic" | "heat", url: string): Promise<void> => {
    const proof = packOf(service).smoke;
    if (!proof) throw new RunFailedError(`${service} has no smoke proof`);
    await proof(sendTo(url), deps.clock, stamp);
  };

  try {
    await cleanup();
    stamp(
      `connected to ${shells.map((sh) => sh.node).join(", ")} over SSH; pulling ${deps.tag} images from the lab registry`,
    );
    const wanted = new Map<NodeShell, string[]>([
      [
        dbShell,
        ["mariadb-server", "rabbitmq", "ironic-conductor", "heat-engine", "ironic-api", "heat-api"],
      ],
    ]);
    if (apiShell !== dbShell) wanted.set(apiShell, ["ironic-api", "heat-api"]);
    await Promise.all(
      [...wanted].map(async ([sh, imgs]) => {
        for (const img of imgs) await docker(sh, ["pull", "-q", image(img)], 600_000);
      }),
    );
    stamp("images pulled");

    // MariaDB: bootstrap one-shot, then the server; then the service databases.
    const dbAddr = place.db.address;
    await put(
      dbShell,
      `${CONFIG_ROOT}/mariadb/config.json`,
      configJson(
        `mariadbd --user=mysql --bind-address=${dbAddr} --port=3306 --skip-name-resolve`,
        [],
        "/var/log/kolla/mariadb",
        "mysql:mysql",
      ),
    );
    const dbVolume = [
      "--mount",
      `type=volume,source=smoke_mariadb,target=/var/lib/mysql,volume-label=${SMOKE_LABEL}`,
    ];
    await oneShot(dbShell, "mariadb", "mariadb-server", "KOLLA_BOOTSTRAP", dbVolume, {
      DB_ROOT_PASSWORD: secrets.root,
    });
    await start(dbShell, "mariadb", "mariadb-server", dbVolume);
    const sql = (text: string): Promise<string> => {
      const cmd = withSecretEnv(
        ["docker", "exec", "-i", "-e", "MYSQL_PWD", "mariadb", "mariadb", "-uroot", "-h", dbAddr],
        { MYSQL_PWD: secrets.root },
        text,
      );
      return dbShell.run(cmd.argv, { timeoutMs: 60_000, stdin: cmd.stdin });
    };
    await waitUntil(
      "MariaDB to accept connections",
      60_000,
      async () => (await sql("SELECT 1;")).includes("1"),
      [dbShell, "mariadb"],
    );
    await sql(
      ["ironic", "heat"]
        .map(
          (db) =>
            `CREATE DATABASE IF NOT EXISTS ${db}; CREATE USER IF NOT EXISTS '${db}'@'%' IDENTIFIED BY '${secrets[db as "ironic" | "heat"]}'; GRANT ALL PRIVILEGES ON ${db}.* TO '${db}'@'%';`,
        )
        .join("\n"),
    );
    stamp(`MariaDB up on ${place.db.node}, databases ironic and heat created`);

    // RabbitMQ for Heat's RPC.
    await put(
      dbShell,
      `${CONFIG_ROOT}/rabbitmq/rabbitmq.conf`,
      `listeners.tcp.default = ${dbAddr}:5672\nloopback_users = none\ndefault_user = openstack\ndefault_pass = ${secrets.rabbit}\n`,
    );
    await put(dbShell, `${CONFIG_ROOT}/rabbitmq/rabbitmq-env.conf`, RABBITMQ_ENV);
    await put(
      dbShell,
      `${CONFIG_ROOT}/rabbitmq/config.json`,
      configJson(
        "runuser -u rabbitmq -- /usr/lib/rabbitmq/bin/rabbitmq-server",
        [
          { name: "rabbitmq.conf", dest: "/etc/rabbitmq/rabbitmq.conf", owner: "rabbitmq" },
          {
            name: "rabbitmq-env.conf",
            dest: "/etc/rabbitmq/rabbitmq-env.conf",
            owner: "rabbitmq",
          },
        ],
        "/var/log/kolla/rabbitmq",
        "rabbitmq:rabbitmq",
      ),
    );
    await start(dbShell, "rabbitmq", "rabbitmq");
    const rabbitctl = (...args: string[]): Promise<string> =>
      dbShell.run(rabbitmqctl("rabbitmq", ...args), { timeoutMs: 60_000 });
    await waitUntil(
      "RabbitMQ to start",
      90_000,
      async () => (await rabbitctl("await_startup"), true),
      [dbShell, "rabbitmq"],
    );
    stamp(`RabbitMQ up on ${place.db.node}`);

    /** A service's config file and kolla's config.json, which copies it into place. */
    const putService = async (
      sh: NodeShell,
      project: "ironic" | "heat",
      name: string,
      conf: string,
    ): Promise<void> => {
      const file = `/etc/${project}/${project}.conf`;
      await put(sh, `${CONFIG_ROOT}/${name}/${project}.conf`, conf);
      await put(
        sh,
        `${CONFIG_ROOT}/${name}/config.json`,
        configJson(
          `${name} --config-file ${file}`,
          [{ name: `${project}.conf`, dest: file, owner: project }],
          `/var/log/kolla/${project}`,
          `${project}:${project}`,
        ),
      );
    };
    /**
     * A back end beside the database and an API on the other node: their configs, the schema
     * from the back end's bootstrap, then both started.
     */
    const deployPair = async (
      project: "ironic" | "heat",
      back: string,
      api: string,
      base: (addr: string, isBack: boolean) => IniObject,
      done: string,
    ): Promise<void> => {
      for (const [name, addr, host, sh] of [
        [back, dbAddr, place.db.node, dbShell],
        [api, place.api.address, place.api.node, apiShell],
      ] as const)
        await putService(
          sh,
          project,
          name,
          mergeWithOverrides(tree, base(addr, name === back), project, name, host),
        );
      await oneShot(dbShell, back, back, "KOLLA_BOOTSTRAP");
      stamp(done);
      await start(dbShell, back, back);
      await start(apiShell, api, api);
    };
    // Ironic: json-rpc between API and conductor, noauth, fake hardware.
    const ironicBase = (addr: string, conductor: boolean): IniObject => ({
      DEFAULT: { ...(conductor ? { host: addr } : {}), debug: false },
      api: { host_ip: place.api.address, port: 6385, api_workers: 1 },
      database: {
        connection: `mysql+pymysql://ironic:${secrets.ironic}@${dbAddr}/ironic?charset=utf8`,
      },
      json_rpc: { host_ip: addr, port: 8089 },
      fake: { power_delay: 0, boot_delay: 0, deploy_delay: 1, management_delay: 0 },
      oslo_concurrency: { lock_path: "/var/lib/ironic/lock" },
    });
    await deployPair(
      "ironic",
      "ironic-conductor",
      "ironic-api",
      ironicBase,
      "ironic-dbsync upgrade done (KOLLA_BOOTSTRAP one-shot)",
    );

    // Heat: noauth API, fake keystone client in the engine, RPC over RabbitMQ.
    const heatBase = (addr: string): IniObject => ({
      DEFAULT: {
        host: addr,
        transport_url: `rabbit://openstack:${secrets.rabbit}@${dbAddr}:5672/`,
        num_engine_workers: 1,
        debug: false,
      },
      database: { connection: `mysql+pymysql://heat:${secrets.heat}@${dbAddr}/heat?charset=utf8` },
      heat_api: { bind_host: place.api.address, bind_port: 8004, workers: 1 },
      oslo_concurrency: { lock_path: "/var/lib/heat/lock" },
    });
    await deployPair(
      "heat",
      "heat-engine",
      "heat-api",
      heatBase,
      "heat-manage db_sync done (KOLLA_BOOTSTRAP one-shot)",
    );

    const ironicUrl = `http://${place.api.address}:6385`;
    const heatUrl = `http://${place.api.address}:8004`;
    const ok = async (url: string, status: number): Promise<boolean> =>
      (await sendTo(url, 20_000)("/", "GET", "", { expect: [status] })).status === status;
    await waitUntil(`ironic-api on ${place.api.node}`, 60_000, () => ok(`${ironicUrl}/v1/`, 200), [
      apiShell,
      "ironic-api",
    ]);
    await waitUntil(
      "an alive ironic conductor",
      60_000,
      async () =>
        (
          okJson<{ conductors: { alive: boolean }[] }>(
            await sendTo(ironicUrl, 20_000)("/v1/conductors", "GET", "/v1/conductors", {
              headers: { "X-OpenStack-Ironic-API-Version": "1.80" },
            }),
          )?.conductors ?? []
        ).some((c) => c.alive),
      [dbShell, "ironic-conductor"],
    );
    stamp(`Ironic answers on ${ironicUrl} with a conductor alive on ${place.db.node}`);
    await smoke("ironic", ironicUrl);

    // Heat: wait until the engine consumes its RPC queue (a request before that times out).
    await waitUntil(
      "heat-engine to declare its RPC queue",
      90_000,
      async () =>
        (await rabbitctl("list_queues", "-q", "name"))
          .split("\n")
          .some((q) => q.trim() === "engine"),
      [dbShell, "heat-engine"],
    );
    await waitUntil(`heat-api on ${place.api.node}`, 60_000, () => ok(`${heatUrl}/`, 300), [
      apiShell,
      "heat-api",
    ]);
    await smoke("heat", heatUrl);
    lines.unshift(
      `smoke passed on the ${deps.tag} images (${place.db.node}: mariadb, rabbitmq, ironic-conductor, heat-engine; ${place.api.node}: ironic-api, heat-api)`,
    );
    return { lines };
  } finally {
    await cleanup().catch((e: unknown) => log.warn(`cleanup failed: ${(e as Error).message}`));
    cluster.close();
  }
}
