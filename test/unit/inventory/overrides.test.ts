import { expect } from "chai";
import {
  buildConfigTree,
  configFiles,
  explainOption,
  kollaChain,
} from "../../../src/inventory/overrides.js";

const layers = [
  {
    name: "kolla-overrides",
    files: new Map([
      ["global.conf", "[DEFAULT]\ndebug = False\ngraceful_shutdown_timeout = 60\n"],
      ["ironic/policy.yaml", "a: 1\n"],
    ]),
  },
  {
    name: "site",
    files: new Map([
      ["ironic.conf", "[DEFAULT]\ndebug = True\n"],
      ["ironic/policy.yaml", "b: 2\n"],
      ["global.conf", "[DEFAULT]\ngraceful_shutdown_timeout = 120\n"],
    ]),
  },
];

describe("inventory/overrides", () => {
  const { tree, problems } = buildConfigTree(
    layers,
    { "ironic/node1/ironic.conf": { DEFAULT: { debug: false } } },
    "s.yaml kolla.config",
  );
  it("merges INI files across layers and replaces other files whole", () => {
    expect(problems).to.deep.equal([]);
    const files = Object.fromEntries(configFiles(tree).map((f) => [f.path, f.content]));
    expect(files).to.deep.equal({
      "config/global.conf": "[DEFAULT]\ndebug = False\ngraceful_shutdown_timeout = 120\n",
      "config/ironic.conf": "[DEFAULT]\ndebug = True\n",
      "config/ironic/node1/ironic.conf": "[DEFAULT]\ndebug = False\n",
      "config/ironic/policy.yaml": "b: 2\n",
    });
    expect(configFiles(tree).every((f) => f.mode === 0o640)).to.equal(true);
  });
  it("follows kolla's precedence: global → service → component → host", () => {
    expect(kollaChain("ironic", "ironic-conductor", "node1")).to.deep.equal([
      "global.conf",
      "ironic.conf",
      "ironic/ironic-conductor.conf",
      "ironic/node1/ironic.conf",
    ]);
    expect(kollaChain("nova", "nova-compute", "c1").at(-1)).to.equal("nova/c1/nova-compute.conf");
  });
  it("explains which file wins for a component on a host", () => {
    const onNode1 = explainOption(tree, "ironic-conductor", "node1", "DEFAULT", "debug");
    expect(onNode1?.chain.map((c) => [c.file, c.value, c.source])).to.deep.equal([
      ["global.conf", "False", "kolla-overrides/global.conf"],
      ["ironic.conf", "True", "site/ironic.conf"],
      ["ironic/ironic-conductor.conf", undefined, undefined],
      ["ironic/node1/ironic.conf", "False", 's.yaml kolla.config."ironic/node1/ironic.conf"'],
    ]);
    expect(onNode1?.winner).to.equal(3);
    expect(explainOption(tree, "ironic-api", "node2", "DEFAULT", "debug")?.winner).to.equal(1);
    expect(explainOption(tree, "heat-api", "node2", "DEFAULT", "nope")?.winner).to.equal(undefined);
    expect(explainOption(tree, "swift-proxy", "node2", "DEFAULT", "debug")).to.equal(undefined);
  });
  it("reports INI syntax errors with the layer file and line", () => {
    const bad = buildConfigTree(
      [{ name: "site", files: new Map([["heat.conf", "[DEFAULT]\noops\n"]]) }],
      {},
      "x",
    );
    expect(bad.problems).to.deep.equal([
      { file: "site/heat.conf", line: 2, message: 'line 2: expected "[section]" or "key = value"' },
    ]);
  });
});
