/**
 * EFFECT. Everything a failed run needs, in its run directory (`logs/`), as kolla's own jobs keep
 * it: per node each container's whole log (a retired one's taken before it is removed), `docker
 * inspect` and `docker ps -a`, `/etc/kolla/<dir>/` as rendered, and what the role holders say at
 * the end (HAProxy's `show stat`); beside them the kolla inputs the run used (never
 * passwords.yml). Every file goes through the run's scrubber (passwords.yml's values), key
 * material is never read, and the whole is bounded: each file keeps its last `maxFileBytes`,
 * and once `maxTotalBytes` are written the rest is listed as left out. `logs/index.json` says
 * what is there, what was cut and the bounds.
 *
 * Reading is best-effort: a node that does not answer is written down in the index, never a
 * failed run. Nothing on a node is changed (read-only `docker` and `cat`).
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { NodeShell } from "../cluster/ports.js";

export const LOGS_DIR = "logs";
/** By default: a file keeps its last 8 MiB; the whole directory at most 128 MiB. */
export const DEFAULT_BOUNDS = { maxFileBytes: 8 << 20, maxTotalBytes: 128 << 20 } as const;

export interface CollectedFile {
  readonly path: string;
  readonly bytes: number;
  /** Bytes left out at its start (the file's bound). */
  readonly cut?: number;
}

export interface CollectIndex {
  readonly files: CollectedFile[];
  readonly bytes: number;
  readonly maxFileBytes: number;
  readonly maxTotalBytes: number;
  /** Files not written: the total bound was reached. */
  readonly leftOut: string[];
  /** What could not be read, per node. */
  readonly problems: string[];
}

/** Where the run directory keeps what it collected, and how it writes it (bounded, scrubbed). */
export interface Collector {
  /** Writes `rel` (under logs/), scrubbed and bounded. */
  put(rel: string, text: string): void;
  problem(text: string): void;
  /** A retired container's log and inspect, before it is removed. */
  retired(shell: NodeShell, name: string, as: string): Promise<void>;
  /** Every node's state at the end of the run. */
  final(nodes: readonly FinalNode[]): Promise<void>;
  /** The kolla inputs used (a local directory), passwords.yml left out. */
  inputs(kollaDir: string): void;
  /** Writes logs/index.json and answers it. */
  close(): CollectIndex;
}

export interface FinalNode {
  readonly shell: NodeShell;
  /** Containers to collect beyond those labelled with the scenario (adopted ones). */
  readonly names: readonly string[];
  /** Role holders' own words at the end (file name → text), read by the composition root. */
  readonly extras?: () => Promise<Readonly<Record<string, string>>>;
}

/** Never read: key material and the secrets file. */
const SECRET_FILE = /(^|\/)(passwords\.yml|.*\.pem|.*\.key|.*\.crt|.*\.p12|id_[a-z0-9]+)$/;
const SECRET_DIR = /(^|\/)(certificates|ssh|\.ssh)(\/|$)/;

export function isSecretPath(path: string): boolean {
  return SECRET_FILE.test(path) || SECRET_DIR.test(path);
}

/** PURE. The last `max` bytes of text (whole lines), and how many were left out. */
export function tailBytes(text: string, max: number): { text: string; cut: number } {
  const buf = Buffer.from(text, "utf8");
  if (buf.length <= max) return { text, cut: 0 };
  let from = buf.length - max;
  const nl = buf.indexOf(0x0a, from);
  if (nl !== -1 && nl < buf.length - 1) from = nl + 1;
  return { text: buf.subarray(from).toString("utf8"), cut: from };
}

export function createCollector(
  runDir: string,
  o: {
    readonly scenario: string;
    readonly scenarioLabel: string;
    readonly scrub: (text: string) => string;
    readonly maxFileBytes?: number;
    /**
     * A larger bound for the logs of these containers: the loadbalancer's log is the request
     * log, and its middle (the upgrade) is what a failed request is looked up in.
     */
    readonly roomy?: { readonly containers: readonly string[]; readonly maxFileBytes: number };
    readonly maxTotalBytes?: number;
    readonly timeoutMs?: number;
  },
): Collector {
  const root = join(runDir, LOGS_DIR);
  const maxFile = o.maxFileBytes ?? DEFAULT_BOUNDS.maxFileBytes;
  const maxTotal = o.maxTotalBytes ?? DEFAULT_BOUNDS.maxTotalBytes;
  const timeoutMs = o.timeoutMs ?? 60_000;
  const files: CollectedFile[] = [];
  const leftOut: string[] = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  let bytes = 0;

  const boundOf = (container: string): number =>
    o.roomy?.containers.includes(container) === true
      ? Math.max(o.roomy.maxFileBytes, maxFile)
      : maxFile;

  const put = (rel: string, text: string, max = maxFile): void => {
    // Names come from the nodes (container names, config paths): a name that would land
    // outside logs/ (`..`, absolute) is left out and said, never written.
    const target = resolve(root, rel);
    if (!target.startsWith(`${resolve(root)}${sep}`) || rel.split("/").includes("..")) {
      problems.push(`a node named the path ${JSON.stringify(rel)}, outside logs/: not written`);
      return;
    }
    // The same name twice (a container retired in two runs' steps): numbered, never overwritten.
    const n = (seen.get(rel) ?? 0) + 1;
    seen.set(rel, n);
    const path = n === 1 ? rel : rel.replace(/(\.[a-z]+)?$/, (ext) => `.${n}${ext}`);
    const { text: kept, cut } = tailBytes(o.scrub(text), max);
    const body =
      cut > 0 ? `[kroll: the first ${cut} bytes were left out (bound ${max})]\n${kept}` : kept;
    const size = Buffer.byteLength(body);
    if (bytes + size > maxTotal) {
      leftOut.push(path);
      return;
    }
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), body, { mode: 0o600 });
    bytes += size;
    files.push({ path, bytes: size, ...(cut > 0 ? { cut } : {}) });
  };

  const read = async (shell: NodeShell, argv: string[]): Promise<string | undefined> => {
    try {
      const r = await shell.exec(argv, { timeoutMs });
      if (r.exitCode === 0) return r.stdout;
      problems.push(
        `${shell.node}: ${argv.slice(0, 3).join(" ")}: ${r.stderr.trim().slice(0, 200)}`,
      );
    } catch (e) {
      problems.push(`${shell.node}: ${argv.slice(0, 3).join(" ")}: ${String(e).slice(0, 200)}`);
    }
    return undefined;
  };

  /** A container's log (stdout and stderr, timestamped; its last bytes only) and inspect. */
  const container = async (shell: NodeShell, name: string, dir: string, as = name) => {
    const log = await read(shell, [
      "sh",
      "-c",
      'docker logs --timestamps "$1" 2>&1 | tail -c "$2"',
      "logs",
      name,
      String(boundOf(name)),
    ]);
    if (log !== undefined) put(`${shell.node}/${dir}/${as}.log`, log, boundOf(name));
    const inspect = await read(shell, ["docker", "inspect", name]);
    // A retired one's inspect sits beside its log; the final state's under inspect/.
    const at = dir === "containers" ? "inspect" : dir;
    if (inspect !== undefined) put(`${shell.node}/${at}/${as}.json`, inspect);
  };

  return {
    put,
    problem: (t) => problems.push(t),
    retired: (shell, name, as) => container(shell, name, "retired", as),
    async final(nodes) {
      await Promise.all(
        nodes.map(async (n) => {
          const sh = n.shell;
          const ps = await read(sh, ["docker", "ps", "-a", "--no-trunc"]);
          if (ps !== undefined) put(`${sh.node}/docker-ps.txt`, ps);
          const all = await read(sh, ["docker", "ps", "-a", "--format", "{{.Names}}"]);
          const labelled = await read(sh, [
            "docker",
            "ps",
            "-a",
            "--filter",
            `label=${o.scenarioLabel}=${o.scenario}`,
            "--format",
            "{{.Names}}",
          ]);
          const names = new Set([
            ...(labelled ?? "").split("\n").filter((x) => x.trim() !== ""),
            // The scenario's own names that are there (a lab's single broker is on one node).
            ...n.names.filter((x) => (all ?? "").split("\n").includes(x)),
          ]);
          for (const name of [...names].sort()) await container(sh, name, "containers");
          await kollaConfig(sh);
          const extras: Readonly<Record<string, string>> = n.extras
            ? await n.extras().catch(() => ({}))
            : {};
          for (const [file, text] of Object.entries(extras)) put(`${sh.node}/${file}`, text);
        }),
      );
    },
    inputs(kollaDir) {
      const walk = (dir: string): void => {
        let entries: string[];
        try {
          entries = readdirSync(dir);
        } catch {
          return;
        }
        for (const e of entries.sort()) {
          const p = join(dir, e);
          const rel = relative(kollaDir, p);
          if (isSecretPath(rel)) continue;
          const st = statSync(p);
          if (st.isDirectory()) walk(p);
          else if (st.isFile()) put(`kolla-inputs/${rel}`, readFileSync(p, "utf8"));
        }
      };
      walk(kollaDir);
    },
    close() {
      const index: CollectIndex = {
        files,
        bytes,
        maxFileBytes: maxFile,
        maxTotalBytes: maxTotal,
        leftOut,
        problems: problems.map(o.scrub),
      };
      mkdirSync(root, { recursive: true });
      writeFileSync(join(root, "index.json"), `${JSON.stringify(index, null, 1)}\n`);
      return index;
    },
  };

  /**
   * `/etc/kolla/*` as rendered, one file per file (key material and passwords.yml never read):
   * printed in one command between markers, each file's last bytes only.
   */
  async function kollaConfig(sh: NodeShell): Promise<void> {
    const marker = `==kroll-file-${Math.random().toString(36).slice(2)}==`;
    const out = await read(sh, [
      "sh",
      "-c",
      [
        "m=$1; max=$2; [ -d /etc/kolla ] || exit 0; find /etc/kolla -type f -size -4096k | sort | while read -r f; do",
        '  case "$f" in *.pem|*.key|*.crt|*.p12|*/passwords.yml|*/certificates/*|*/id_*) continue;; esac',
        '  printf "%s %s\\n" "$m" "$f"; tail -c "$max" "$f"; printf "\\n"; done',
      ].join("\n"),
      "kolla-config",
      marker,
      String(maxFile),
    ]);
    if (out === undefined) return;
    for (const part of out.split(`${marker} `).slice(1)) {
      const nl = part.indexOf("\n");
      const path = part.slice(0, nl);
      if (!path.startsWith("/etc/kolla/") || isSecretPath(path)) continue;
      put(`${sh.node}/etc-kolla/${path.slice("/etc/kolla/".length)}`, part.slice(nl + 1, -1));
    }
  }
}
