/**
 * kroll's Zuul playbooks run by a real `ansible-playbook` (Debian's ansible-core), as a Zuul
 * executor would run them: the job's nodes are this machine (a local connection; a 3-node
 * nodeset is three inventory names for it) or, with `ssh`, one node reached over SSH as a
 * non-root user (as Zuul reaches a nodepool node); `zuul` is a variable made for the test, and
 * `zuul_return` is a stand-in (test/zuul/library) that writes what a build page would show into
 * `ZUUL_JOBDIR/work/results.json`.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO } from "../builders.js";

export interface ZuulJob {
  /** ZUUL_JOBDIR: work/ (work_root), work/logs (log_root), work/results.json. */
  readonly jobDir: string;
  /**
   * A local job's zuul-output/logs (what the base job's fetch-output would upload as the build's
   * logs); a node reached over SSH keeps its own under the user's home.
   */
  readonly logRoot: string;
  /** Removes the job directory. */
  dispose(): void;
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
  /**
   * The node over SSH instead of this machine: its address, the user Zuul logs in as and the
   * key; kroll's checkout is where Zuul puts it, ~/src/opendev.org/openstack/kroll.
   */
  readonly ssh?: { readonly host: string; readonly user: string; readonly keyFile: string };
}): ZuulJob {
  const jobDir = mkdtempSync(join(tmpdir(), "kroll-zuul-"));
  const work = join(jobDir, "work");
  mkdirSync(join(work, "logs"), { recursive: true });
  const logRoot = join(jobDir, "zuul-output", "logs");
  mkdirSync(logRoot, { recursive: true });
  const connection = opts.ssh
    ? {
        ansible_host: opts.ssh.host,
        ansible_user: opts.ssh.user,
        ansible_ssh_private_key_file: opts.ssh.keyFile,
        // A fresh container's key (Zuul's executor has the node's from nodepool).
        ansible_ssh_common_args: "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null",
        nodepool: { private_ipv4: opts.ssh.host },
      }
    : { ansible_connection: "local", nodepool: { private_ipv4: "127.0.0.1" } };
  const hosts = Object.fromEntries(
    opts.hosts.map((h) => [
      h,
      {
        ...connection,
        ansible_python_interpreter: "/usr/bin/python3",
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
    "opendev.org/openstack/kroll": {
      short_name: "kroll",
      src_dir: opts.ssh ? "src/opendev.org/openstack/kroll" : REPO,
    },
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
    executor: { work_root: work, log_root: join(work, "logs") },
  };
  // A local node's paths are this machine's: the checkout in place, zuul-output in the job dir.
  const local = opts.ssh
    ? {}
    : { kroll_src_root: jobDir, kroll_dir: REPO, kroll_zuul_output_dir: logRoot };
  return {
    jobDir,
    logRoot,
    dispose: () => rmSync(jobDir, { recursive: true, force: true }),
    playbook: (name, extraVars, timeoutMs) =>
      new Promise((resolve, reject) => {
        const vars = join(jobDir, `${name}-vars.json`);
        // Checkouts under the job directory, as Zuul's src/ under the node's home.
        writeFileSync(vars, JSON.stringify({ zuul, ...local, ...extraVars }));
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
