import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Cluster } from "../../../src/cluster/connect.js";
import type { DockerApi, DockerEvent, NodeShell } from "../../../src/cluster/ports.js";
import { systemClock } from "../../../src/core/clock.js";
import { createStderrLogger } from "../../../src/core/logger.js";
import { blindGaps, startWatchers, WATCHED_ACTIONS } from "../../../src/watch/watcher.js";
import type { WatchRecord } from "../../../src/watch/watcher.js";

const quiet = createStderrLogger({ level: "error", format: "pretty", write: () => undefined });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A node's Docker event stream: every event ever emitted is kept, as the engine keeps them, so
 * a reopened stream with `since` replays; `cut()` ends the current stream as an SSH reconnect
 * does.
 */
class FakeEvents {
  readonly history: DockerEvent[] = [];
  readonly opened: { since: number | undefined; actions: readonly string[] | undefined }[] = [];
  private listener: ((e: DockerEvent) => void) | undefined;
  private end: (() => void) | undefined;
  failOpen = false;
  /** How many events the engine keeps for replay (dockerd: 256). */
  limit = Infinity;
  private held(): DockerEvent[] {
    return this.history.slice(-this.limit);
  }

  emit(container: string, action: string, time: number): void {
    const e: DockerEvent = {
      node: "node1",
      time,
      container,
      action,
      image: "i",
      exitCode: undefined,
      signal: undefined,
    };
    this.history.push(e);
    this.listener?.(e);
  }
  cut(): void {
    this.listener = undefined;
    this.end?.();
  }
  api(): DockerApi {
    const events: DockerApi["events"] = (_labels, onEvent, signal, opts) => {
      this.opened.push({ since: opts?.since, actions: opts?.actions });
      if (this.failOpen) return Promise.reject(new Error("ssh: channel open failure"));
      opts?.onOpen?.();
      return new Promise<void>((resolve) => {
        // The engine replays what it saw from `since` (second resolution, inclusive).
        if (opts?.since !== undefined)
          for (const e of this.held()) if (e.time >= opts.since) onEvent(e);
        this.listener = onEvent;
        this.end = resolve;
        signal.addEventListener("abort", () => resolve(), { once: true });
      });
    };
    const replayCovers: DockerApi["replayCovers"] = (since) => {
      const h = this.held();
      return Promise.resolve(h.length < this.limit || (h[0]?.time ?? Infinity) <= since);
    };
    return { events, replayCovers } as unknown as DockerApi;
  }
}

function cluster(
  exec: (
    argv: readonly string[],
  ) => Promise<{ stdout: string; exitCode?: number; stderr?: string }>,
): Cluster {
  const shell = {
    exec: async (argv: readonly string[]) => ({ exitCode: 0, stderr: "", ...(await exec(argv)) }),
  } as unknown as NodeShell;
  return { shell: () => shell } as unknown as Cluster;
}

/** Watchers on one node over `ev`, polling fast; `over` replaces any option. */
function watch(
  ev: FakeEvents,
  over: Partial<Parameters<typeof startWatchers>[0]> = {},
): ReturnType<typeof startWatchers> {
  return startWatchers({
    scenario: "s",
    nodes: ["node1"],
    loadbalancers: [],
    cluster: cluster(() => Promise.resolve({ stdout: "" })),
    dockers: new Map([["node1", ev.api()]]),
    clock: systemClock,
    logger: quiet,
    logEveryMs: 20,
    reconnectMs: 20,
    ...over,
  });
}

describe("watch/watcher", () => {
  it("asks the engine for no exec events, and drops any that come", async () => {
    const ev = new FakeEvents();
    const w = watch(ev);
    await sleep(30);
    for (let i = 0; i < 50; i++) ev.emit("ironic_api", "exec_start: healthcheck_curl", 1_000 + i);
    ev.emit("ironic_api", "die", 2_000);
    const out = await w.stop();
    expect(ev.opened[0]?.actions).to.deep.equal([...WATCHED_ACTIONS]);
    expect(WATCHED_ACTIONS.some((a) => a.startsWith("exec"))).to.be.false;
    expect(
      out.filter((r) => r.kind === "container").map((r) => r.kind === "container" && r.action),
    ).to.deep.equal(["die"]);
  });

  it("reopens a lost event stream from the last event seen: nothing lost, nothing twice, the gap recorded as read back", async () => {
    const ev = new FakeEvents();
    const w = watch(ev);
    await sleep(20);
    ev.emit("heat_api", "start", 5_000);
    ev.emit("heat_api", "kill", 6_000);
    ev.cut();
    // While it is down the engine sees these; the reopened stream must replay them.
    ev.emit("heat_api", "die", 6_000);
    ev.emit("heat_api", "start", 7_000);
    await sleep(80);
    ev.emit("heat_api", "stop", 8_000);
    await sleep(10);
    const out = await w.stop();
    const actions = out.flatMap((r) => (r.kind === "container" ? [`${r.at} ${r.action}`] : []));
    expect(actions).to.deep.equal([
      "5000 start",
      "6000 kill",
      "6000 die",
      "7000 start",
      "8000 stop",
    ]);
    expect(ev.opened.map((o) => o.since)).to.deep.equal([undefined, 6_000]);
    const gaps = out.filter((r) => r.kind === "gap");
    expect(gaps).to.have.length(1);
    expect(gaps[0]).to.deep.include({ watcher: "docker-events", where: "node1", recovered: true });
    expect(blindGaps(out, 0)).to.deep.equal([]);
  });

  it("a stream reopened on a quiet cluster is seeing again, though no event comes", async () => {
    const ev = new FakeEvents();
    const w = watch(ev);
    await sleep(20);
    ev.cut();
    await sleep(80);
    const out = await w.stop();
    expect(ev.opened.length).to.equal(2);
    expect(out.filter((r) => r.kind === "gap")).to.have.length(1);
    expect(blindGaps(out, 0)).to.deep.equal([]);
  });

  it("says it is blind when the stream cannot be reopened or a read keeps failing, until the end", async () => {
    const ev = new FakeEvents();
    let logsDown = true;
    const w = watch(ev, {
      loadbalancers: ["node1"],
      cluster: cluster((argv) => {
        if (argv.includes("scan") && logsDown)
          return Promise.reject(
            new Error("node node1: `sh -c 'lbl=$1\nfor ci in $all; do'` timed out"),
          );
        if (argv.join(" ").includes("haproxy"))
          return Promise.reject(new Error("HAProxy on node1: no answer"));
        return Promise.resolve({ stdout: "" });
      }),
      lbEveryMs: 20,
    });
    await sleep(30);
    ev.failOpen = true;
    ev.cut();
    await sleep(60);
    logsDown = false;
    await sleep(60);
    const out = await w.stop();
    const gaps = out.filter((r): r is Extract<WatchRecord, { kind: "gap" }> => r.kind === "gap");
    const by = (name: string) => gaps.filter((g) => g.watcher === name);
    expect(by("logs")).to.have.length(1);
    expect(by("logs")[0]?.recovered, "logs are read back from each container's cursor").to.be.true;
    expect(by("logs")[0]?.reason, "the command quoted, not the script").to.equal(
      "node node1: `…` timed out",
    );
    expect(by("docker-events")[0]).to.deep.include({ recovered: false });
    expect(by("docker-events")[0]?.reason).to.include("channel open failure");
    expect(by("loadbalancer")[0]).to.deep.include({ where: "node1", recovered: false });
    expect(
      blindGaps(out, 0)
        .map((g) => g.watcher)
        .sort(),
    ).to.deep.equal(["docker-events", "loadbalancer"]);
    expect(ev.opened.length, "it kept trying").to.be.above(2);
  });
  it("a stream reopened after the engine's event buffer moved past the loss is not read back (dockerd keeps 256 events)", async () => {
    const ev = new FakeEvents();
    ev.limit = 3;
    const w = watch(ev);
    await sleep(20);
    ev.emit("heat_api", "start", 5_000);
    ev.cut();
    // While it is down the engine sees more than it keeps: the die is pushed out.
    ev.emit("heat_api", "die", 6_000);
    for (let i = 0; i < 4; i++) ev.emit("heat_api", "health_status: healthy", 7_000 + i);
    await sleep(80);
    const out = await w.stop();
    const gaps = out.filter((r) => r.kind === "gap");
    expect(gaps).to.have.length(1);
    expect(gaps[0]).to.deep.include({ watcher: "docker-events", recovered: false });
    expect(out.some((r) => r.kind === "container" && r.action === "die")).to.be.false;
  });

  it("a log read that exits non-zero is blindness, not a quiet cluster", async () => {
    const ev = new FakeEvents();
    const w = watch(ev, {
      cluster: cluster((argv) =>
        Promise.resolve(
          argv.includes("scan")
            ? { stdout: "", exitCode: 3, stderr: "Cannot connect to the Docker daemon" }
            : { stdout: "" },
        ),
      ),
    });
    await sleep(80);
    const out = await w.stop();
    const logs = out.filter(
      (r): r is Extract<WatchRecord, { kind: "gap" }> => r.kind === "gap" && r.watcher === "logs",
    );
    expect(logs).to.have.length(1);
    expect(logs[0]?.reason).to.match(/exited 3: Cannot connect to the Docker daemon/);
    expect(logs[0]?.recovered).to.be.false;
    // The script itself stops when the listing fails (its loop would read nothing, exit 0).
    const script = String(
      (
        await new Promise<readonly string[]>((resolve) => {
          const w2 = watch(new FakeEvents(), {
            cluster: cluster((argv) => {
              if (argv.includes("scan")) resolve(argv);
              return Promise.resolve({ stdout: "" });
            }),
          });
          void sleep(40).then(() => w2.stop());
        })
      )[2],
    );
    expect(script).to.match(/all=\$\(docker ps -a [^\n]*\) \|\| exit 3/);
  });

  it("findings past the bound are a gap that says how many were not kept, never dropped silently", async () => {
    const ev = new FakeEvents();
    let n = 0;
    const w = watch(ev, {
      maxLogRecords: 2,
      cluster: cluster((argv) => {
        if (!argv.includes("scan")) return Promise.resolve({ stdout: "" });
        n++;
        const at = new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();
        return Promise.resolve({
          stdout: `#image abc/heat_engine i:proposed\nabc/heat_engine ${at} 2026-01-01 00:00:0${n % 10}.000 7 ERROR heat.engine [-] boom ${n}\n`,
        });
      }),
    });
    while (n < 5) await sleep(10);
    const out = await w.stop();
    expect(out.filter((r) => r.kind === "log")).to.have.length(2);
    const g = out.find(
      (r): r is Extract<WatchRecord, { kind: "gap" }> => r.kind === "gap" && r.watcher === "logs",
    );
    expect(g?.reason).to.match(
      /^kept the first 2 log findings; the rest were not kept \(\d+ in all\)$/,
    );
    expect(g?.recovered).to.be.false;
    expect(blindGaps(out, 0).map((x) => x.watcher)).to.include("logs");
  });
});

describe("watch/watcher: the log read as a node's shell runs it", () => {
  it("reads every container at once, in order, from its cursor; a tail all newer than the cursor is read again whole", async () => {
    // A fake `docker` on PATH: two containers; `logs` prints what the flags ask for, and a
    // container with more new lines than the tail holds.
    const dir = mkdtempSync(join(tmpdir(), "kroll-docker-"));
    const calls = join(dir, "calls");
    writeFileSync(
      join(dir, "docker"),
      [
        "#!/bin/sh",
        `echo "$*" >> ${calls}`,
        'if [ "$1" = ps ]; then printf "aaa/ironic_api==i:proposed\\nbbb/heat_api==h:stable\\n"; exit 0; fi',
        'id=$(eval echo \\${$#}); tail=all; case "$*" in *--tail*) tail=$(echo "$*" | sed "s/.*--tail \\([0-9]*\\).*/\\1/");; esac',
        // heat_api has 7 lines since its cursor: more than a tail of 5.
        'n=3; [ "$id" = bbb ] && n=7; [ "$tail" != all ] && [ "$n" -gt "$tail" ] && n=$tail',
        'sleep 0.3; i=1; while [ $i -le $n ]; do echo "2026-01-01T00:00:0${i}.000000000Z $id line $i"; i=$((i+1)); done',
      ].join("\n"),
      { mode: 0o755 },
    );
    let argv: readonly string[] = [];
    let out = "";
    const w = watch(new FakeEvents(), {
      cluster: cluster((a) => {
        if (!a.includes("scan")) return Promise.resolve({ stdout: "" });
        argv = a;
        const r = spawnSync(a[0] ?? "sh", a.slice(1), {
          encoding: "utf8",
          env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ""}` },
        });
        out = r.stdout;
        return Promise.resolve({ stdout: r.stdout, exitCode: r.status ?? -1, stderr: r.stderr });
      }),
      logEveryMs: 60_000,
    });
    while (out === "") await sleep(20);
    await w.stop();
    const script = String(argv[2])
      .replace(/--tail \d+/g, "--tail 5")
      .replace(/-ge \d+/g, "-ge 5");
    // Again with a tail of 5, to see the fallback.
    const r = spawnSync("sh", ["-c", script, "scan", ...argv.slice(4)], {
      encoding: "utf8",
      env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ""}` },
    });
    expect(r.status).to.equal(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).to.equal("#image aaa/ironic_api i:proposed");
    expect(lines.filter((l) => l.startsWith("aaa/ironic_api "))).to.have.length(3);
    expect(lines[4]).to.equal("#image bbb/heat_api h:stable");
    expect(lines.filter((l) => l.startsWith("bbb/heat_api "))).to.have.length(7);
    const log = readFileSync(calls, "utf8");
    expect(log).to.match(/logs --timestamps --since \S+ --tail 5 bbb/);
    expect(log).to.match(/logs --timestamps --since \S+ bbb/);
    expect(log).to.not.match(/logs --timestamps --since \S+ aaa\n/);
    rmSync(dir, { recursive: true, force: true });
  });
});
