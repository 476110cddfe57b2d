/**
 * kroll's Zuul playbooks run by a real `ansible-playbook` (Debian's ansible-core), as a Zuul
 * executor would run them: the job's nodes are this machine (a local connection; a 3-node
 * nodeset is three inventory names for it), `zuul` is a variable made for the test, and
 * `zuul_return` is a stand-in (test/zuul/library) that writes what a build page would show into
 * `ZUUL_JOBDIR/work/results.json`.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO } from "../builders.js";

export interface ZuulJob {
  /** ZUUL_JOBDIR: work/ (work_root), work/logs (log_root), work/results.json. */
  readonly jobDir: string;
  readonly logRoot: string;
  /** Runs one of playbooks/kroll/<name>.yaml; its exit code and output. */
  playbook(
    name: string,
    extraVars: Readonly<Record<string, unknown>>,
    timeoutMs: number,
  ): Promise<{ code: number | null; out: string }>;
  /** What zuul_return returned (artifacts, warnings), or undefined. */
  results():
    { zuul?: { artifacts?: { name: string; url: string }[]; warnings?: string[] } } | undefined;
}

export function zuulJob(opts: {
  /** Inventory host names; the first runs kroll. */
  readonly hosts: readonly string[];
  readonly groups?: Readonly<Record<string, readonly string[]>>;
  readonly hostVars?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Changes of the buildset: project short names, each with its checkout's src_dir (relative to jobDir). */
  readonly items?: readonly { readonly shortName: string; readonly srcDir: string }[];
}): ZuulJob {
  const jobDir = mkdtempSync(join(tmpdir(), "kroll-zuul-"));
  const work = join(jobDir, "work");
  const logRoot = join(work, "logs");
  mkdirSync(logRoot, { recursive: true });
  const hosts = Object.fromEntries(
    opts.hosts.map((h) => [
      h,
      {
        ansible_connection: "local",
        ansible_python_interpreter: "/usr/bin/python3",
        nodepool: { private_ipv4: "127.0.0.1" },
        ...(opts.hostVars?.[h] ?? {}),
      },
    ]),
  );
  const inventory = {
    all: {
      hosts,
      children: Object.fromEntries(
        Object.entries(opts.groups ?? {}).map(([g, hs]) => [
          g,
          { hosts: Object.fromEntries(hs.map((h) => [h, {}])) },
        ]),
      ),
    },
  };
  const inventoryFile = join(jobDir, "inventory.json");
  writeFileSync(inventoryFile, JSON.stringify(inventory));
  const projects: Record<string, unknown> = {
    "opendev.org/openstack/kroll": { short_name: "kroll", src_dir: REPO },
  };
  for (const i of opts.items ?? [])
    projects[`opendev.org/openstack/${i.shortName}`] = {
      short_name: i.shortName,
      src_dir: i.srcDir,
    };
  const zuul = {
    build: "0123456789abcdef",
    job: "kroll-test",
    projects,
    items: (opts.items ?? []).map((i) => ({
      project: { canonical_name: `opendev.org/openstack/${i.shortName}`, short_name: i.shortName },
      change: "1",
    })),
    executor: { work_root: work, log_root: logRoot },
  };
  return {
    jobDir,
    logRoot,
    playbook: (name, extraVars, timeoutMs) =>
      new Promise((resolve, reject) => {
        const vars = join(jobDir, `${name}-vars.json`);
        // Checkouts under the job directory, as Zuul's src/ under the node's home.
        writeFileSync(
          vars,
          JSON.stringify({ zuul, kroll_src_root: jobDir, kroll_dir: REPO, ...extraVars }),
        );
        const child = spawn(
          "ansible-playbook",
          [
            "-v",
            "-i",
            inventoryFile,
            "-e",
            `@${vars}`,
            join(REPO, "playbooks", "kroll", `${name}.yaml`),
          ],
          {
            cwd: jobDir,
            stdio: ["ignore", "pipe", "pipe"],
            timeout: timeoutMs,
            env: {
              ...process.env,
              ZUUL_JOBDIR: jobDir,
              ANSIBLE_ROLES_PATH: join(REPO, "roles"),
              ANSIBLE_LIBRARY: join(REPO, "test", "zuul", "library"),
              ANSIBLE_NOCOLOR: "1",
              ANSIBLE_RETRY_FILES_ENABLED: "0",
              ANSIBLE_LOCAL_TEMP: join(jobDir, "ansible-tmp"),
            },
          },
        );
        let out = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        child.stderr.on("data", (d: Buffer) => (out += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, out }));
      }),
    results() {
      const f = join(work, "results.json");
      return existsSync(f)
        ? (JSON.parse(readFileSync(f, "utf8")) as ReturnType<ZuulJob["results"]>)
        : undefined;
    },
  };
}
