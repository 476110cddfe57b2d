/**
 * Remote commands cut short on a real SSH server on loopback (ssh2's server running each command
 * with `sh -c` in a session of its own, as sshd does): the command and its children are killed,
 * never left running; a channel the server never opens is a timeout, not a hang.
 */
import { expect } from "chai";
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import type { AddressInfo } from "node:net";
import ssh2 from "ssh2";
import type { Connection } from "ssh2";
import { connectSsh2NodeShell } from "../../../src/cluster/ssh/ssh2-node-shell.js";
import { generateEd25519 } from "../../../src/cluster/ssh/keygen.js";
import { TimeoutError } from "../../../src/core/errors.js";
import { silentLogger } from "../../../src/core/logger.js";

const { Server } = ssh2;

/**
 * Runs each exec for real; `hang`: never answers a channel request; `delay`: answers it only
 * after that many ms (a loaded node's sshd).
 */
function sshServer(
  hang: () => boolean,
  delay: () => number = () => 0,
): Promise<{ port: number; ran: string[]; close: () => Promise<void> }> {
  const clients = new Set<Connection>();
  const ran: string[] = [];
  const children = new Set<ChildProcess>();
  const server = new Server({ hostKeys: [generateEd25519("host").privateKey] }, (client) => {
    clients.add(client);
    client.on("authentication", (ctx) => ctx.accept());
    client.on("session", (accept) =>
      accept().on("exec", (acceptExec, _reject, info) => {
        if (hang()) return;
        const ms = delay();
        if (ms > 0) {
          setTimeout(() => run(acceptExec, info.command), ms);
          return;
        }
        run(acceptExec, info.command);
      }),
    );
    const run = (acceptExec: () => ssh2.ServerChannel, command: string): void => {
      {
        const info = { command };
        ran.push(command);
        const stream = acceptExec();
        // A session of its own (setsid), as sshd starts every command.
        const child = spawn("sh", ["-c", info.command], {
          detached: true,
          stdio: ["pipe", "pipe", "pipe"],
        });
        children.add(child);
        child.on("exit", () => children.delete(child));
        child.stdout.on("data", (d: Buffer) => stream.write(d));
        child.stderr.on("data", (d: Buffer) => stream.stderr.write(d));
        stream.on("data", (d: Buffer) => child.stdin.write(d));
        stream.on("end", () => child.stdin.end());
        child.on("close", (code) => {
          stream.exit(code ?? 1);
          stream.end();
        });
      }
    };
    client.on("error", () => undefined);
    client.on("close", () => clients.delete(client));
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        ran,
        close: () =>
          new Promise<void>((r) => {
            // Whatever a failed test left running goes with the server (never a hung suite).
            for (const ch of children) {
              try {
                if (ch.pid !== undefined) process.kill(-ch.pid, "SIGKILL");
              } catch {
                // already gone
              }
            }
            for (const c of clients) c.end();
            server.close(() => r());
          }),
      }),
    ),
  );
}

const running = (marker: string): string =>
  spawnSync("pgrep", ["-f", marker], { encoding: "utf8" }).stdout.trim();

describe("cluster/ssh remote commands cut short (a server on loopback)", function () {
  this.timeout(20_000);
  let hang = false;
  let delayMs = 0;
  let srv: { port: number; ran: string[]; close: () => Promise<void> };
  let shell: Awaited<ReturnType<typeof connectSsh2NodeShell>>;
  before(async () => {
    srv = await sshServer(
      () => hang,
      () => delayMs,
    );
    shell = await connectSsh2NodeShell(
      {
        node: "node1",
        host: "127.0.0.1",
        port: srv.port,
        user: "root",
        privateKey: generateEd25519("test").privateKey,
        knownHosts: "",
        knownHostsPath: "known_hosts",
        acceptNewHostKeys: true,
        onNewHostKey: () => undefined,
        connectTimeoutMs: 5_000,
      },
      silentLogger,
    );
  });
  after(async () => {
    shell.close();
    await srv.close();
  });

  it("runs a command whole: its output, its exit code, nothing of kroll's wrapper in stderr", async () => {
    const r = await shell.exec(["sh", "-c", "echo out; echo err >&2; exit 3"], {
      timeoutMs: 5_000,
    });
    expect(r).to.deep.equal({ exitCode: 3, stdout: "out\n", stderr: "err\n" });
    expect(await shell.run(["cat"], { timeoutMs: 5_000, stdin: "in\n" })).to.equal("in\n");
  });

  it("kills a timed-out command and the children it started, leaving no process behind", async () => {
    // Durations no other process uses, to find them by.
    const n = `${(Date.now() % 100_000) + 100_000}`;
    const t0 = Date.now();
    const err = await shell
      .exec(["sh", "-c", `sleep ${n}.1 & sleep ${n}.2; true`], { timeoutMs: 500 })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).to.be.instanceOf(TimeoutError);
    expect(Date.now() - t0).to.be.below(5_000);
    expect(running(`sleep ${n}.1`), "the child it started in the background").to.equal("");
    expect(running(`sleep ${n}.2`), "the child it waited for").to.equal("");
  });

  it("kills a command whose channel opened only after its deadline, once it says its PID", async () => {
    const n = `${(Date.now() % 100_000) + 200_000}`;
    delayMs = 600;
    try {
      const err = await shell.exec(["sh", "-c", `sleep ${n}.3`], { timeoutMs: 200 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(TimeoutError);
    } finally {
      delayMs = 0;
    }
    // The server starts it at 600 ms (its own record says so); kroll, no longer waiting, must
    // still kill it. (kroll may kill it as soon as it says its PID, before the command itself
    // ran, and it may be gone before any look sees it running: only its end is asserted.)
    const t0 = Date.now();
    const started = (): boolean => srv.ran.some((c) => c.includes(`sleep ${n}.3`));
    while (!started() && Date.now() - t0 < 10_000) await new Promise((res) => setTimeout(res, 50));
    expect(started(), "the server started the command").to.equal(true);
    while (running(`sleep ${n}.3`) !== "" && Date.now() - t0 < 15_000)
      await new Promise((res) => setTimeout(res, 100));
    expect(running(`sleep ${n}.3`), "left running on the node").to.equal("");
  });

  it("is a timeout, not a hang, when the server never opens the channel", async () => {
    hang = true;
    try {
      const t0 = Date.now();
      const err = await shell.exec(["true"], { timeoutMs: 400 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(TimeoutError);
      expect(Date.now() - t0).to.be.below(3_000);
    } finally {
      hang = false;
    }
  });
});
