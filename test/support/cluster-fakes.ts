/**
 * Fakes of the cluster ports for unit tests: a Docker engine per node held in memory, and a
 * node shell that answers commands from a script. Both record every call in one shared list,
 * in order, so a test can assert what was done and in which order ("node1 docker stop web").
 */
import type { Duplex } from "node:stream";
import type { Cluster } from "../../src/cluster/connect.js";
import type {
  ContainerState,
  ContainerStatus,
  DockerApi,
  ExecResult,
  NodeShell,
} from "../../src/cluster/ports.js";
import { RemoteCommandError } from "../../src/core/errors.js";

export interface FakeContainer {
  readonly image: string;
  readonly status?: ContainerStatus;
  readonly labels?: Readonly<Record<string, string>>;
}

/** What a scripted shell answers to argv; undefined: the next rule (at the end, exit 0, empty). */
export type ShellRule = (argv: readonly string[], node: string) => Partial<ExecResult> | undefined;

export interface FakeCluster {
  readonly cluster: Cluster;
  readonly dockers: ReadonlyMap<string, DockerApi>;
  /** Every call, in order: "node1 docker stop web", "node1 $ ip -o addr show". */
  readonly calls: string[];
  /** The containers of a node as they are now. */
  containers(node: string): Map<string, ContainerState>;
  /** Files written with putFile, by node and path. */
  readonly files: Map<string, string>;
  /** Make the next Docker call `op` ("start", "clone", ...) on `name` fail with `error`. */
  failNext(node: string, op: string, name: string, error: Error): void;
}

const OK: ExecResult = { exitCode: 0, stdout: "", stderr: "" };

export function fakeCluster(
  nodes: Readonly<Record<string, Readonly<Record<string, FakeContainer>>>>,
  opts: { rules?: readonly ShellRule[]; images?: Readonly<Record<string, readonly string[]>> } = {},
): FakeCluster {
  const calls: string[] = [];
  const files = new Map<string, string>();
  const state = new Map<string, Map<string, ContainerState>>();
  const images = new Map<string, Set<string>>();
  const failures = new Map<string, Error>();
  let ids = 0;
  const container = (node: string, name: string, c: FakeContainer): ContainerState => ({
    node,
    name,
    id: `id${++ids}`,
    image: c.image,
    imageId: `sha256:${c.image}`,
    status: c.status ?? "running",
    health: "none",
    restartCount: 0,
    labels: c.labels ?? {},
    startedAt: "",
    exitCode: 0,
  });
  for (const [node, cs] of Object.entries(nodes)) {
    const m = new Map<string, ContainerState>();
    for (const [name, c] of Object.entries(cs)) m.set(name, container(node, name, c));
    state.set(node, m);
    images.set(
      node,
      new Set([...Object.values(cs).map((c) => c.image), ...(opts.images?.[node] ?? [])]),
    );
  }
  const of = (node: string): Map<string, ContainerState> => {
    const m = state.get(node);
    if (!m) throw new Error(`fake cluster: no node ${node}`);
    return m;
  };

  const docker = (node: string): DockerApi => {
    const cs = of(node);
    const step = (op: string, name: string, more = ""): void => {
      calls.push(`${node} docker ${op} ${name}${more}`);
      const key = `${node} ${op} ${name}`;
      const e = failures.get(key);
      if (e) {
        failures.delete(key);
        throw e;
      }
    };
    const must = (name: string): ContainerState => {
      const c = cs.get(name);
      if (!c) throw new Error(`No such container: ${name}`);
      return c;
    };
    const set = (name: string, patch: Partial<ContainerState>): void => {
      cs.set(name, { ...must(name), ...patch });
    };
    return {
      node,
      version: () => Promise.resolve({ version: "20.10.24", apiVersion: "1.41" }),
      ping: () => Promise.resolve(),
      inspect: (name) => Promise.resolve(cs.get(name)),
      list: (labels) =>
        Promise.resolve(
          [...cs.values()].filter((c) =>
            Object.entries(labels).every(([k, v]) => c.labels[k] === v),
          ),
        ),
      hasImage: (ref) => Promise.resolve(images.get(node)?.has(ref) ?? false),
      imageId: (ref) => Promise.resolve(images.get(node)?.has(ref) ? `sha256:${ref}` : undefined),
      pull: async (ref) => {
        step("pull", ref);
        images.get(node)?.add(ref);
        return Promise.resolve();
      },
      create: async (spec) => {
        step("create", spec.name);
        if (cs.has(spec.name)) throw new Error(`Conflict: ${spec.name} exists`);
        cs.set(
          spec.name,
          container(node, spec.name, {
            image: spec.image,
            status: "created",
            labels: spec.labels,
          }),
        );
        return Promise.resolve();
      },
      start: async (name) => {
        step("start", name);
        set(name, { status: "running" });
        return Promise.resolve();
      },
      stop: async (name, timeoutS) => {
        step("stop", name, ` (${timeoutS} s)`);
        if (cs.has(name)) set(name, { status: "exited" });
        return Promise.resolve();
      },
      remove: async (name) => {
        step("remove", name);
        cs.delete(name);
        return Promise.resolve();
      },
      rename: async (name, to) => {
        step("rename", name, ` → ${to}`);
        if (cs.has(to)) throw new Error(`Conflict: ${to} exists`);
        const c = must(name);
        cs.delete(name);
        cs.set(to, { ...c, name: to });
        return Promise.resolve();
      },
      clone: async (from, to) => {
        step("clone", from, ` → ${to.name} (${to.image})`);
        const c = must(from);
        if (cs.has(to.name)) throw new Error(`Conflict: ${to.name} exists`);
        const labels: Record<string, string> = { ...c.labels };
        for (const [k, v] of Object.entries(to.labels))
          if (v === null) delete labels[k];
          else labels[k] = v;
        cs.set(to.name, container(node, to.name, { image: to.image, status: "created", labels }));
        return Promise.resolve();
      },
      events: () => Promise.resolve(),
      replayCovers: () => Promise.resolve(true),
      close: () => undefined,
    };
  };

  const shell = (node: string): NodeShell => {
    of(node);
    const exec = (argv: readonly string[]): Promise<ExecResult> => {
      calls.push(`${node} $ ${argv.join(" ")}`);
      for (const rule of opts.rules ?? []) {
        const r = rule(argv, node);
        if (r !== undefined) return Promise.resolve({ ...OK, ...r });
      }
      return Promise.resolve(OK);
    };
    return {
      node,
      exec,
      run: async (argv, o) => {
        const r = await exec(argv);
        void o;
        if (r.exitCode !== 0)
          throw new RemoteCommandError(node, argv.join(" "), r.exitCode, r.stderr);
        return r.stdout;
      },
      // No socket over SSH here: HAProxy's client falls back to `docker exec … socat`.
      openUnixSocket: (path): Promise<Duplex> =>
        Promise.reject(new Error(`fake: no stream to ${path}`)),
      putFile: (path, content) => {
        calls.push(`${node} put ${path}`);
        files.set(`${node}:${path}`, content.toString());
        return Promise.resolve();
      },
      close: () => undefined,
    };
  };

  const shells = new Map(Object.keys(nodes).map((n) => [n, shell(n)]));
  const dockers = new Map(Object.keys(nodes).map((n) => [n, docker(n)]));
  const cluster: Cluster = {
    shells,
    shell: (node) => {
      const s = shells.get(node);
      if (!s) throw new Error(`fake cluster: no node ${node}`);
      return s;
    },
    close: () => undefined,
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
  return {
    cluster,
    dockers,
    calls,
    files,
    containers: of,
    failNext: (node, op, name, error) => failures.set(`${node} ${op} ${name}`, error),
  };
}
