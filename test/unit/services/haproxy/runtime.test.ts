import { expect } from "chai";
import { Duplex } from "node:stream";
import { askUnlessStopped, haproxyRuntime } from "../../../../src/services/haproxy/runtime.js";
import type { HaproxyRuntime } from "../../../../src/services/haproxy/runtime.js";
import type { Clock } from "../../../../src/core/clock.js";
import type { ExecResult, NodeShell } from "../../../../src/cluster/ports.js";
import { RemoteCommandError } from "../../../../src/core/errors.js";
import { packWithRole } from "../../../../src/services/catalogue.js";

/** A node whose HAProxy socket answers `answer` (or cannot be opened), recording every call. */
function node(opts: { socket: boolean; volume: boolean; execExit?: number }): {
  shell: NodeShell;
  calls: string[];
} {
  const calls: string[] = [];
  const shell: NodeShell = {
    node: "node1",
    exec(argv): Promise<ExecResult> {
      calls.push(`exec ${argv.slice(0, 3).join(" ")}`);
      if (argv[1] === "volume")
        return Promise.resolve(
          opts.volume
            ? { exitCode: 0, stdout: "/var/lib/docker/volumes/haproxy_socket/_data\n", stderr: "" }
            : { exitCode: 1, stdout: "", stderr: "no such volume" },
        );
      return Promise.resolve({
        exitCode: opts.execExit ?? 0,
        stdout: "via docker exec\n",
        stderr: "boom",
      });
    },
    run: () => Promise.reject(new Error("not used")),
    openUnixSocket(path) {
      calls.push(`socket ${path}`);
      if (!opts.socket) return Promise.reject(new Error("connect ECONNREFUSED"));
      let asked = "";
      const wire = new Duplex({
        read() {},
        write(chunk: Buffer, _e, cb) {
          asked += chunk.toString();
          cb();
        },
        final(cb) {
          // HAProxy answers the one command, then closes.
          this.push(`answer to ${asked.trim()}\n`);
          this.push(null);
          cb();
        },
      });
      return Promise.resolve(wire);
    },
    putFile: () => Promise.reject(new Error("not used")),
    close: () => undefined,
  };
  return { shell, calls };
}

describe("services/haproxy/runtime", () => {
  it("asks HAProxy through its admin socket in the haproxy_socket volume, looked up once", async () => {
    const { shell, calls } = node({ socket: true, volume: true });
    const rt = haproxyRuntime(shell);
    expect(await rt("show stat", 1_000)).to.equal("answer to show stat\n");
    expect(await rt("set server b/s state drain", 1_000)).to.equal(
      "answer to set server b/s state drain\n",
    );
    expect(calls).to.deep.equal([
      "exec docker volume inspect",
      "socket /var/lib/docker/volumes/haproxy_socket/_data/haproxy.sock",
      "socket /var/lib/docker/volumes/haproxy_socket/_data/haproxy.sock",
    ]);
  });

  it("falls back to docker exec when the socket cannot be opened or the volume is not there yet", async () => {
    for (const o of [
      { socket: false, volume: true },
      { socket: true, volume: false },
    ]) {
      const { shell, calls } = node(o);
      expect(await haproxyRuntime(shell)("show stat", 1_000)).to.equal("via docker exec\n");
      expect(calls.at(-1)).to.equal("exec docker exec haproxy");
    }
  });

  it("names the node and the command when HAProxy cannot be reached either way", async () => {
    const { shell } = node({ socket: false, volume: false, execExit: 1 });
    let err: unknown;
    await haproxyRuntime(shell)("show stat", 1_000).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(RemoteCommandError);
    expect((err as Error).message)
      .to.include("node1")
      .and.include("show stat");
  });
});

describe("services/haproxy/runtime askUnlessStopped", () => {
  /** A clock that moves only when slept on. */
  const fakeClock = (): Clock & { slept: number[] } => {
    let t = 0;
    const slept: number[] = [];
    return {
      slept,
      now: () => t,
      sleep: (ms) => {
        slept.push(ms);
        t += ms;
        return Promise.resolve();
      },
    };
  };
  const refusing = (times: number): { rt: HaproxyRuntime; asked: () => number } => {
    let n = 0;
    return {
      rt: () => {
        n += 1;
        return n <= times
          ? Promise.reject(new Error("connect ECONNREFUSED haproxy.sock"))
          : Promise.resolve("answer\n");
      },
      asked: () => n,
    };
  };

  it("retries a running HAProxy that refuses its socket while it starts, then answers", async () => {
    const clock = fakeClock();
    const { rt, asked } = refusing(3);
    const o = { running: () => Promise.resolve(true), clock, timeoutMs: 1_000, startingMs: 15_000 };
    expect(await askUnlessStopped(rt, "show stat", o)).to.equal("answer\n");
    expect(asked()).to.equal(4);
    expect(clock.slept).to.deep.equal([500, 500, 500]);
  });

  it("says no servers when no HAProxy runs, without waiting", async () => {
    const clock = fakeClock();
    const { rt } = refusing(100);
    const o = {
      running: () => Promise.resolve(false),
      clock,
      timeoutMs: 1_000,
      startingMs: 15_000,
    };
    expect(await askUnlessStopped(rt, "show stat", o)).to.equal("");
    expect(clock.slept).to.deep.equal([]);
  });

  it("fails on a running HAProxy still silent after the start budget, never 'no servers'", async () => {
    const clock = fakeClock();
    const { rt, asked } = refusing(100);
    const o = { running: () => Promise.resolve(true), clock, timeoutMs: 1_000, startingMs: 2_000 };
    let err: unknown;
    await askUnlessStopped(rt, "show stat", o).catch((e: unknown) => (err = e));
    expect(String(err)).to.match(/ECONNREFUSED/);
    expect(asked()).to.equal(5);
  });
});

describe("services/haproxy readServers while HAProxy is replaced", () => {
  const STAT = [
    "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status",
    "ironic_api,node1,0,0,0,0,,0,0,0,,0,,0,0,0,0,UP",
    "",
  ].join("\n");
  /** The new container (`haproxy`) not answering yet; the aside one answering through `docker exec`. */
  const midReplacement = (): { shell: NodeShell; asked: string[] } => {
    const asked: string[] = [];
    const shell: NodeShell = {
      node: "node2",
      exec(argv) {
        if (argv[1] === "volume")
          return Promise.resolve({ exitCode: 1, stdout: "", stderr: "no such volume" });
        asked.push(`${argv[2]} ${argv[5]}`);
        return Promise.resolve(
          argv[2] === "haproxy_kroll_old"
            ? { exitCode: 0, stdout: STAT, stderr: "" }
            : { exitCode: 1, stdout: "", stderr: "Container abc is not running" },
        );
      },
      run: () => Promise.reject(new Error("not used")),
      openUnixSocket: () => Promise.reject(new Error("not used")),
      putFile: () => Promise.reject(new Error("not used")),
      close: () => undefined,
    };
    return { shell, asked };
  };

  it("reads the retiring HAProxy (its socket moved aside) when the new one does not answer yet", async () => {
    const read = packWithRole("loadbalancer")?.pack.readServers;
    expect(read).to.not.equal(undefined);
    const { shell, asked } = midReplacement();
    const servers = await read?.(shell, 1_000, "haproxy_kroll_old");
    expect(servers?.map((s) => `${s.backend}/${s.server} ${s.status}`)).to.deep.equal([
      "ironic_api/node1 UP",
    ]);
    // The new one first (it fails), then the retiring one, at its socket moved aside.
    expect(asked.map((a) => a.split(" ")[0])).to.deep.equal(["haproxy", "haproxy_kroll_old"]);
    expect(asked[1]).to.include("unix-connect:/var/lib/kolla/haproxy/haproxy_kroll_old.sock");
    // Without a retiring name it is the failure it was (the watcher's gap), never "no servers".
    let err: unknown;
    await read?.(midReplacement().shell, 1_000).catch((e: unknown) => (err = e));
    expect((err as Error).message).to.include("is not running");
  });
});
