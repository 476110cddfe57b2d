import { expect } from "chai";
import { runOneShot } from "../../../src/cluster/one-shot.js";
import type { OneShotSpec } from "../../../src/cluster/one-shot.js";
import type { ExecResult, NodeShell } from "../../../src/cluster/ports.js";
import { RunFailedError } from "../../../src/core/errors.js";
import { silentLogger } from "../../../src/core/logger.js";

/**
 * A node with one container slot: `states` is what `docker inspect` reports on each look
 * (the last one repeats); every command is recorded.
 */
function node(states: (string | undefined)[]): { shell: NodeShell; calls: string[] } {
  const calls: string[] = [];
  let i = 0;
  const exec = (argv: readonly string[], opts?: { stdin?: string }): Promise<ExecResult> => {
    calls.push(argv.join(" ") + (opts?.stdin ? ` <<< ${opts.stdin.trim()}` : ""));
    if (argv[1] === "inspect") {
      const st = states[Math.min(i++, states.length - 1)];
      return Promise.resolve(
        st === undefined
          ? { exitCode: 1, stdout: "", stderr: "No such object" }
          : { exitCode: 0, stdout: `${st}\n`, stderr: "" },
      );
    }
    if (argv[1] === "logs")
      return Promise.resolve({ exitCode: 0, stdout: "line a\nline b\n", stderr: "" });
    return Promise.resolve({ exitCode: 0, stdout: "", stderr: "" });
  };
  const shell = {
    node: "node1",
    exec,
    run: async (argv: readonly string[], opts?: { stdin?: string }) =>
      (await exec(argv, opts)).stdout,
  } as unknown as NodeShell;
  return { shell, calls };
}

const spec: OneShotSpec = {
  name: "ironic_api_kolla_upgrade",
  image: "reg/kolla/ironic-api:proposed",
  options: ["--network", "host"],
  what: "ironic-dbsync upgrade",
  timeoutMs: 60_000,
  takeEarlierResult: true,
};

describe("cluster/one-shot", () => {
  it("starts it detached, waits for its end, removes it", async () => {
    const n = node([
      undefined,
      "running 0 reg/kolla/ironic-api:proposed",
      "exited 0 reg/kolla/ironic-api:proposed",
    ]);
    expect(await runOneShot(n.shell, spec, silentLogger)).to.equal("done");
    expect(n.calls.filter((c) => !c.includes(" inspect "))).to.deep.equal([
      "docker run -d --name ironic_api_kolla_upgrade --network host reg/kolla/ironic-api:proposed",
      "docker logs --tail 60 ironic_api_kolla_upgrade",
      "docker rm ironic_api_kolla_upgrade",
    ]);
  });

  it("waits for an earlier attempt still running instead of removing it or starting another", async () => {
    const n = node(["running 0 reg/kolla/ironic-api:proposed", "running 0 x", "exited 0 x"]);
    expect(await runOneShot(n.shell, spec, silentLogger)).to.equal("done");
    expect(n.calls.some((c) => c.includes("rm -f") || c.includes(" run "))).to.equal(false);
  });

  it("takes the result of an attempt that ended while nobody waited, or runs again when told to", async () => {
    const taken = node(["exited 0 reg/kolla/ironic-api:proposed"]);
    expect(await runOneShot(taken.shell, spec, silentLogger)).to.equal("done");
    expect(taken.calls.some((c) => c.includes(" run "))).to.equal(false);
    const again = node(["exited 0 reg/kolla/ironic-api:proposed", "exited 0 x"]);
    await runOneShot(again.shell, { ...spec, takeEarlierResult: false }, silentLogger);
    expect(again.calls.filter((c) => /rm -f| run /.test(c))).to.have.length(2);
  });

  it("fails with its last log lines on a non-zero exit", async () => {
    const n = node([undefined, "exited 3 x"]);
    const err = await runOneShot(n.shell, spec, silentLogger).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(RunFailedError);
    expect(String(err)).to.match(
      /ironic-dbsync upgrade: one-shot of .* exited 3: line a \| line b/,
    );
  });

  it("on a stop request stops waiting and leaves it running, never killing it", async () => {
    const n = node([undefined, "running 0 x"]);
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 50);
    expect(await runOneShot(n.shell, spec, silentLogger, stop.signal)).to.equal("left-running");
    expect(n.calls.some((c) => /rm|kill|stop/.test(c.split(" ")[1] ?? ""))).to.equal(false);
  });

  it("passes secret variables on stdin, never in argv", async () => {
    const n = node([undefined, "exited 0 x"]);
    await runOneShot(
      n.shell,
      { ...spec, options: ["-e", "DB_ROOT_PASSWORD"], secretEnv: { DB_ROOT_PASSWORD: "s3cret" } },
      silentLogger,
    );
    const run = n.calls.find((c) => c.includes(" run ")) ?? "";
    expect(run.split(" <<< ")[0]).to.not.include("s3cret");
    expect(run).to.match(/<<< s3cret$/);
  });
});
