/**
 * Host key checking against real SSH servers on loopback (ssh2's own server): a key accepted on
 * first contact (accept-new) is the only one trusted for the rest of the session, so a
 * reconnection to a host that now shows a different key is refused, as OpenSSH does.
 */
import { expect } from "chai";
import type { AddressInfo } from "node:net";
import ssh2 from "ssh2";
import type { Connection } from "ssh2";
import { connectSsh2NodeShell } from "../../../src/cluster/ssh/ssh2-node-shell.js";
import { generateEd25519 } from "../../../src/cluster/ssh/keygen.js";
import { silentLogger } from "../../../src/core/logger.js";

const { Server } = ssh2;

/** An SSH server that accepts any client and answers every exec with "ok". */
function sshServer(
  hostKey: string,
  port = 0,
): Promise<{ port: number; close: () => Promise<void> }> {
  const clients = new Set<Connection>();
  const server = new Server({ hostKeys: [hostKey] }, (client) => {
    clients.add(client);
    client.on("authentication", (ctx) => ctx.accept());
    client.on("session", (accept) =>
      accept().on("exec", (acceptExec) => {
        const stream = acceptExec();
        stream.write("ok\n");
        stream.exit(0);
        stream.end();
      }),
    );
    client.on("error", () => undefined);
    client.on("close", () => clients.delete(client));
  });
  return new Promise((resolve) =>
    server.listen(port, "127.0.0.1", () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((r) => {
            for (const c of clients) c.end();
            server.close(() => r());
          }),
      }),
    ),
  );
}

describe("cluster/ssh host keys on reconnect (two servers on loopback)", function () {
  this.timeout(20_000);
  it("accepts a new host once, then refuses the same address showing another key", async () => {
    const keyA = generateEd25519("host").privateKey;
    const keyB = generateEd25519("host").privateKey;
    const a = await sshServer(keyA);
    const accepted: string[] = [];
    const shell = await connectSsh2NodeShell(
      {
        node: "node1",
        host: "127.0.0.1",
        port: a.port,
        user: "root",
        privateKey: generateEd25519("test").privateKey,
        knownHosts: "",
        knownHostsPath: "known_hosts",
        acceptNewHostKeys: true,
        onNewHostKey: (line) => accepted.push(line),
        connectTimeoutMs: 5_000,
      },
      silentLogger,
    );
    try {
      expect((await shell.run(["true"], { timeoutMs: 5_000 })).trim()).to.equal("ok");
      expect(accepted).to.have.length(1);
      expect(accepted[0]).to.match(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${a.port} ssh-ed25519 `));
      // The host is rebuilt with another key on the same address; the connection drops.
      await a.close();
      const b = await sshServer(keyB, a.port);
      try {
        await new Promise((r) => setTimeout(r, 200));
        const err = await shell.run(["true"], { timeoutMs: 5_000 }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(String(err)).to.match(/node node1: HOST KEY MISMATCH for root@127\.0\.0\.1:\d+/);
        expect(accepted, "a changed key is never appended").to.have.length(1);
      } finally {
        await b.close();
      }
    } finally {
      shell.close();
    }
  });
});
