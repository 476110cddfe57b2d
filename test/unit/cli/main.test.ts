import { expect } from "chai";
import { parseCommandLine, runCli } from "../../../src/cli/main.js";
import type { Output } from "../../../src/cli/output.js";
import { UsageError } from "../../../src/core/errors.js";

function capture(): { out: Output; stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: {
      line: (t = "") => stdout.push(t),
      json: (v) => stdout.push(JSON.stringify(v)),
      note: (t) => stderr.push(t),
    },
  };
}

describe("cli/main.parseCommandLine", () => {
  const ok: [string[], Record<string, unknown>][] = [
    [[], { kind: "help" }],
    [["--help"], { kind: "help" }],
    [["-V"], { kind: "version" }],
    [["validate", "--help"], { kind: "help", name: "validate" }],
    [
      ["validate", "s.yaml"],
      { kind: "run", name: "validate", positionals: ["s.yaml"], values: {} },
    ],
    [
      ["validate", "s.yaml", "--json"],
      { kind: "run", name: "validate", positionals: ["s.yaml"], values: { json: true } },
    ],
    [
      ["inventory", "s.yaml", "-o", "out"],
      { kind: "run", name: "inventory", positionals: ["s.yaml"], values: { out: "out" } },
    ],
    [
      ["--verbose", "inventory", "s.yaml", "--out=o", "--phase", "target"],
      {
        kind: "run",
        name: "inventory",
        positionals: ["s.yaml"],
        values: { out: "o", phase: "target" },
        verbose: true,
      },
    ],
  ];
  ok.push(
    [
      ["--log-format", "json", "plan", "s.yaml"],
      { kind: "run", name: "plan", positionals: ["s.yaml"], values: {} },
    ],
    [
      ["--log-format=json", "-v", "plan", "s.yaml", "--offline"],
      // plan has a --verbose of its own (every action): -v reaches it as well as the logger.
      {
        kind: "run",
        name: "plan",
        positionals: ["s.yaml"],
        values: { offline: true, verbose: true },
        verbose: true,
      },
    ],
    [
      ["plan", "s.yaml", "--verbose"],
      {
        kind: "run",
        name: "plan",
        positionals: ["s.yaml"],
        values: { verbose: true },
        verbose: true,
      },
    ],
  );
  it("reads --log-format's value as the value, not as the command", () => {
    const got = parseCommandLine(["--log-format", "json", "plan", "s.yaml"]);
    expect(got.kind === "run" && got.logFormat).to.equal("json");
  });
  for (const [argv, want] of ok) {
    it(`parses ${JSON.stringify(argv)}`, () => {
      const got = parseCommandLine(argv);
      expect(got.kind).to.equal(want.kind);
      if (got.kind === "help" && want.name) expect(got.command?.name).to.equal(want.name);
      if (got.kind === "run") {
        expect(got.command.name).to.equal(want.name);
        expect(got.positionals).to.deep.equal(want.positionals);
        expect(got.values).to.deep.equal(want.values);
        expect(got.verbose).to.equal(want.verbose ?? false);
      }
    });
  }
  const bad: [string[], RegExp][] = [
    [
      ["frobnicate"],
      /unknown command "frobnicate"; commands: validate, inventory, lab, deploy, plan, run, history, import, report, upgrade, load, status/,
    ],
    [["validate"], /validate takes 1 argument, got 0/],
    [["validate", "a", "b"], /validate takes 1 argument, got 2/],
    [["validate", "a", "--nope"], /Unknown option '--nope'/],
    [["inventory", "a", "-o"], /Option '-o, --out <value>' argument missing/],
    [["validate", "a", "--log-format", "xml"], /--log-format takes pretty or json/],
    [["validate", "a", "--set", "x"], /--set takes KEY\.PATH=VALUE/],
    [["report", "runs/x", "--set", "a.b=1"], /report reads no scenario: --set does not apply/],
  ];
  for (const [argv, msg] of bad) {
    it(`rejects ${JSON.stringify(argv)} with a usage error`, () => {
      expect(() => parseCommandLine(argv)).to.throw(UsageError, msg);
    });
  }
});

describe("cli/main.runCli", () => {
  it("prints the command table for --help and exits 0", async () => {
    const c = capture();
    expect(
      await runCli(["--help"], { out: c.out, cwd: "/", writeErr: (l) => c.stderr.push(l) }),
    ).to.equal(0);
    expect(c.stdout.join("\n"))
      .to.match(/validate\s+check a scenario file/)
      .and.match(/inventory\s+generate kolla-ansible inputs/);
  });
  it("prints the version", async () => {
    const c = capture();
    expect(
      await runCli(["--version"], { out: c.out, cwd: "/", writeErr: (l) => c.stderr.push(l) }),
    ).to.equal(0);
    expect(c.stdout[0]).to.match(/^kroll \d+\.\d+\.\d+$/);
  });
  it("exits 2 with a one-line error and no stack on bad usage", async () => {
    const c = capture();
    expect(
      await runCli(["nope"], { out: c.out, cwd: "/", writeErr: (l) => c.stderr.push(l) }),
    ).to.equal(2);
    expect(c.stderr.join("\n"))
      .to.match(/^error: unknown command "nope"/)
      .and.not.match(/\n\s+at /);
  });
  it("exits 2 and names the file when the scenario is missing", async () => {
    const c = capture();
    expect(
      await runCli(["validate", "missing.yaml"], {
        out: c.out,
        cwd: "/tmp",
        writeErr: (l) => c.stderr.push(l),
      }),
    ).to.equal(2);
    expect(c.stderr.join("\n")).to.equal("error: 1 problem found:\n  missing.yaml: no such file");
  });
});
