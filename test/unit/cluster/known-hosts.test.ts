import { expect } from "chai";
import { createHmac } from "node:crypto";
import {
  hostToken,
  keysFor,
  knownHostsLine,
  verifyHostKey,
} from "../../../src/cluster/ssh/known-hosts.js";
import { shellQuote } from "../../../src/cluster/ports.js";

const hashed = (host: string): string => {
  const salt = Buffer.from("0123456789abcdefghij");
  return `|1|${salt.toString("base64")}|${createHmac("sha1", salt).update(host).digest("base64")}`;
};

const FILE = [
  "# comment",
  "10.0.0.11 ssh-ed25519 AAAAkey11",
  "10.0.0.12,node2 ssh-ed25519 AAAAkey12",
  "[10.0.0.13]:2222 ssh-ed25519 AAAAkey13",
  `${hashed("10.0.0.14")} ecdsa-sha2-nistp256 AAAAkey14`,
  "*.lab,!bad.lab ssh-rsa AAAAwild",
  "@revoked 10.0.0.15 ssh-ed25519 AAAAold15",
  "10.0.0.15 ssh-ed25519 AAAAnew15",
  "@cert-authority *.lab ssh-ed25519 AAAAca",
  "",
].join("\n");

describe("cluster/ssh/known-hosts", () => {
  it("matches plain, listed, bracketed-port and hashed hosts", () => {
    expect(keysFor(FILE, "10.0.0.11", 22)).to.deep.equal([
      { type: "ssh-ed25519", key: "AAAAkey11", revoked: false },
    ]);
    expect(keysFor(FILE, "node2", 22).map((k) => k.key)).to.deep.equal(["AAAAkey12"]);
    expect(keysFor(FILE, "10.0.0.13", 2222).map((k) => k.key)).to.deep.equal(["AAAAkey13"]);
    expect(keysFor(FILE, "10.0.0.13", 22)).to.deep.equal([]);
    expect(keysFor(FILE, "10.0.0.14", 22).map((k) => k.type)).to.deep.equal([
      "ecdsa-sha2-nistp256",
    ]);
  });
  it("honours wildcards and negation, and never trusts certificate authorities", () => {
    expect(keysFor(FILE, "a.lab", 22).map((k) => k.key)).to.deep.equal(["AAAAwild"]);
    expect(keysFor(FILE, "bad.lab", 22)).to.deep.equal([]);
  });
  it("gives a verdict: trusted, unknown, mismatch, revoked", () => {
    expect(verifyHostKey(keysFor(FILE, "10.0.0.11", 22), "ssh-ed25519", "AAAAkey11")).to.equal(
      "trusted",
    );
    expect(verifyHostKey(keysFor(FILE, "10.0.0.99", 22), "ssh-ed25519", "AAAAx")).to.equal(
      "unknown",
    );
    expect(verifyHostKey(keysFor(FILE, "10.0.0.11", 22), "ssh-ed25519", "AAAAother")).to.equal(
      "mismatch",
    );
    expect(
      verifyHostKey(keysFor(FILE, "10.0.0.11", 22), "ecdsa-sha2-nistp256", "AAAAkey11"),
    ).to.equal("mismatch");
    expect(verifyHostKey(keysFor(FILE, "10.0.0.15", 22), "ssh-ed25519", "AAAAold15")).to.equal(
      "revoked",
    );
    expect(verifyHostKey(keysFor(FILE, "10.0.0.15", 22), "ssh-ed25519", "AAAAnew15")).to.equal(
      "trusted",
    );
  });
  it("writes lines as OpenSSH's accept-new would", () => {
    expect(hostToken("h", 22)).to.equal("h");
    expect(knownHostsLine("10.0.0.1", 2200, "ssh-ed25519", "AAAA")).to.equal(
      "[10.0.0.1]:2200 ssh-ed25519 AAAA",
    );
  });
  it("quotes shell arguments only when needed", () => {
    expect(["docker", "ps", "-a"].map(shellQuote)).to.deep.equal(["docker", "ps", "-a"]);
    expect(shellQuote("a b")).to.equal("'a b'");
    expect(shellQuote("it's")).to.equal(`'it'"'"'s'`);
    expect(shellQuote("$(rm -rf /)")).to.equal("'$(rm -rf /)'");
    expect(shellQuote("")).to.equal("''");
  });
});
