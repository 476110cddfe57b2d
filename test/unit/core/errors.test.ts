import { expect } from "chai";
import {
  ConfigError,
  DockerApiError,
  EnvironmentError,
  exitCodeFor,
  formatIssue,
  fromFileSystem,
  InternalError,
  InterruptedError,
  RemoteCommandError,
  RunFailedError,
  SshError,
  TimeoutError,
  UsageError,
} from "../../../src/core/errors.js";

describe("core/errors.exitCodeFor", () => {
  const table: [unknown, number][] = [
    [new UsageError("x"), 2],
    [new ConfigError([]), 2],
    [new EnvironmentError("x"), 3],
    [new SshError("node1", "refused"), 3],
    [new RemoteCommandError("node1", "true", 1, ""), 3],
    [new DockerApiError("node1", "inspect", "boom", 500), 3],
    [new TimeoutError("pull", 10), 3],
    [new RunFailedError("slo"), 1],
    [new InternalError("bug"), 70],
    [new InterruptedError("SIGINT"), 130],
    [new Error("plain"), 70],
    ["a string", 70],
  ];
  for (const [err, code] of table) {
    it(`maps ${err instanceof Error ? err.name : typeof err} to ${code}`, () => {
      expect(exitCodeFor(err)).to.equal(code);
    });
  }
  it("names the node in SSH and remote errors", () => {
    expect(new SshError("node2", "host key mismatch").message).to.equal(
      "node node2: host key mismatch",
    );
    expect(new RemoteCommandError("node3", "docker ps", 125, "no engine").message).to.equal(
      "node node3: `docker ps` exited 125: no engine",
    );
  });
  it("lists every issue of a ConfigError with file, line, column and field", () => {
    const e = new ConfigError([
      {
        file: "a.yaml",
        line: 3,
        column: 7,
        path: "network.internal_vip",
        message: "expected an IPv4 or IPv6 address",
      },
      { file: "a.yaml", line: 0, column: 0, path: "", message: "no such file" },
    ]);
    expect(e.message).to.equal(
      "2 problems found:\n  a.yaml:3:7: network.internal_vip: expected an IPv4 or IPv6 address\n  a.yaml: no such file",
    );
    expect(formatIssue({ file: "f", line: 1, column: 2, path: "", message: "m" })).to.equal(
      "f:1:2: m",
    );
  });
});

describe("core/logger timestamps", () => {
  it("stamps pretty lines with UTC time when asked (no terminal), and not otherwise", async () => {
    const { createStderrLogger } = await import("../../../src/core/logger.js");
    const lines: string[] = [];
    const now = (): Date => new Date("2026-12-05T01:02:03.456Z");
    createStderrLogger({
      level: "info",
      format: "pretty",
      now,
      write: (l) => lines.push(l),
      timestamps: true,
    })
      .child({ node: "node1" })
      .info("hello");
    createStderrLogger({ level: "info", format: "pretty", now, write: (l) => lines.push(l) }).warn(
      "bare",
    );
    expect(lines).to.deep.equal(["2026-12-05T01:02:03Z [node1] hello", "warn: bare"]);
  });
});

describe("core/errors.fromFileSystem: a file the machine refuses is the environment's, exit 3", () => {
  const fsError = (code: string, path?: string) =>
    Object.assign(new Error(`${code}: refused, open '${path ?? ""}'`), {
      code,
      syscall: "open",
      ...(path === undefined ? {} : { path }),
    });
  it("names the path and why, as an EnvironmentError", () => {
    const e = fromFileSystem(
      fsError("EACCES", "/home/zuul/kroll/inventories/lab/kolla/passwords.yml"),
    );
    expect(e).to.be.instanceOf(EnvironmentError);
    expect((e as Error).message).to.equal(
      "cannot use /home/zuul/kroll/inventories/lab/kolla/passwords.yml (open): permission denied; kroll needs to write there (run it from a checkout or directory its user may write)",
    );
    expect(exitCodeFor(e)).to.equal(3);
    expect((fromFileSystem(fsError("EROFS")) as Error).message).to.match(
      /^cannot use a file \(open\): read-only file system/,
    );
  });
  it("leaves anything else as it was (a bug stays a bug, exit 70)", () => {
    const bug = new TypeError("x is undefined");
    expect(fromFileSystem(bug)).to.equal(bug);
    expect(exitCodeFor(fromFileSystem(fsError("ENOENT", "/x")))).to.equal(70);
    const tool = new EnvironmentError("already ours");
    expect(fromFileSystem(tool)).to.equal(tool);
  });
});
