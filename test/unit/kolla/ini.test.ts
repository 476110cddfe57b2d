import { expect } from "chai";
import {
  iniFromObject,
  IniSyntaxError,
  mergeIni,
  parseIni,
  renderIni,
} from "../../../src/kolla/ini.js";

describe("kolla/ini", () => {
  it("parses sections, options, comments and continuation lines", () => {
    const ini = parseIni(
      "# c\n[DEFAULT]\ndebug = True\n; c2\n\n[a]\nx: 1\nlist = one\n  two\nempty =\n",
      "f",
    );
    expect([...ini.keys()]).to.deep.equal(["DEFAULT", "a"]);
    expect(ini.get("DEFAULT")?.get("debug")).to.deep.equal({ value: "True", source: "f" });
    expect(ini.get("a")?.get("x")?.value).to.equal("1");
    expect(ini.get("a")?.get("list")?.value).to.equal("one\ntwo");
    expect(ini.get("a")?.get("empty")?.value).to.equal("");
  });
  it("reports the line of a syntax error", () => {
    expect(() => parseIni("[a]\nok = 1\nthis is not an option\n", "f")).to.throw(
      IniSyntaxError,
      /line 3/,
    );
    expect(() => parseIni("x = 1\n", "f")).to.throw(IniSyntaxError, /before any \[section\]/);
  });
  it("merges option by option, later wins, remembering the source", () => {
    const m = mergeIni(
      parseIni("[DEFAULT]\na = 1\nb = 2\n", "base"),
      parseIni("[DEFAULT]\nb = 3\n[x]\nc = 4\n", "over"),
    );
    expect(renderIni(m)).to.equal("[DEFAULT]\na = 1\nb = 3\n\n[x]\nc = 4\n");
    expect(m.get("DEFAULT")?.get("a")?.source).to.equal("base");
    expect(m.get("DEFAULT")?.get("b")?.source).to.equal("over");
  });
  it("builds from inline objects with oslo's True/False", () => {
    expect(
      renderIni(iniFromObject({ DEFAULT: { debug: true, workers: 2, host: "h" } }, "s")),
    ).to.equal("[DEFAULT]\ndebug = True\nworkers = 2\nhost = h\n");
  });
  it("keeps every value of a key one file repeats (oslo multi-values), and a later file replaces them all, as kolla's merge does", () => {
    const base = parseIni(
      "[DEFAULT]\nalias = a\nx = 1\nalias = b\n[other]\ny = 2\n[DEFAULT]\nalias = c\n",
      "base",
    );
    expect(renderIni(base)).to.equal(
      "[DEFAULT]\nalias = a\nalias = b\nalias = c\nx = 1\n\n[other]\ny = 2\n",
    );
    expect(base.get("DEFAULT")?.get("alias")?.value, "what oslo reads for a plain option").to.equal(
      "c",
    );
    const over = mergeIni(base, parseIni("[DEFAULT]\nalias = d\nalias = e\n", "over"));
    expect(renderIni(over)).to.equal("[DEFAULT]\nalias = d\nalias = e\nx = 1\n\n[other]\ny = 2\n");
    const one = mergeIni(base, parseIni("[DEFAULT]\nalias = z\n", "over"));
    expect(renderIni(one)).to.match(/^\[DEFAULT\]\nalias = z\nx = 1\n/);
  });
  it("round-trips continuation lines", () => {
    const text = "[a]\nlist = one\n    two\n";
    expect(renderIni(parseIni(text, "f"))).to.equal(text);
  });
});
