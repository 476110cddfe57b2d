import { expect } from "chai";
import { createPrivateKey, createPublicKey } from "node:crypto";
import { parse } from "yaml";
import { layoutFor } from "../../../src/kolla/layout.js";
import { fillPasswords, kindOf, renderPasswords } from "../../../src/inventory/passwords.js";
import type { SecretSource } from "../../../src/inventory/passwords.js";
import { createCryptoSecretSource, openSshRsaPublicKey } from "../../../src/inventory/secrets.js";
import { RELEASES } from "../../../src/kolla/releases.js";

/** The INTEGERs of a DER SEQUENCE (PKCS#1 RSAPublicKey: n, e), their content bytes as stored. */
function derIntegers(der: Buffer): Buffer[] {
  const len = (at: number): [number, number] => {
    const first = der[at] ?? 0;
    if (first < 0x80) return [first, at + 1];
    const k = first & 0x7f;
    let v = 0;
    for (let i = 1; i <= k; i++) v = v * 256 + (der[at + i] ?? 0);
    return [v, at + 1 + k];
  };
  const out: Buffer[] = [];
  let [, at] = len(1); // past the SEQUENCE header
  while (at < der.length && der[at] === 0x02) {
    const [l, start] = len(at + 1);
    out.push(der.subarray(start, start + l));
    at = start + l;
  }
  return out;
}

/** Deterministic and recording: tells which generator each key used. */
function fakeSource(): SecretSource & { calls: string[] } {
  let n = 0;
  const calls: string[] = [];
  const next = (kind: string) => {
    calls.push(kind);
    return `${kind}-${++n}`;
  };
  return {
    calls,
    password: (len) => `${next("pw")}:${len}`,
    uuid: () => next("uuid"),
    hmacMd5Key: () => next("hmac"),
    fernetKey: () => next("fernet"),
    sshKeyPair: () => Promise.resolve({ private_key: next("priv"), public_key: next("pub") }),
  };
}

describe("inventory/passwords", () => {
  for (const release of RELEASES) {
    it(`${release}: fills every key of the sample, in its order`, async () => {
      const layout = layoutFor(release);
      const r = await fillPasswords(layout, {}, fakeSource());
      expect(Object.keys(r.values)).to.deep.equal(layout.passwords.keys);
      expect(r.kept).to.deep.equal([]);
      expect(r.generated).to.have.length(layout.passwords.keys.length - 1); // docker_registry_password stays blank
    });
  }
  it("generates by kind, as kolla-genpwd does", async () => {
    const layout = layoutFor("2024.1");
    const r = await fillPasswords(layout, {}, fakeSource());
    const v = r.values;
    expect(v.docker_registry_password).to.equal(null);
    expect(v.rbd_secret_uuid).to.match(/^uuid-/);
    expect(v.designate_rndc_key).to.match(/^hmac-/);
    expect(v.barbican_crypto_key).to.match(/^fernet-/);
    expect(v.database_password).to.match(/^pw-\d+:40$/);
    expect(v.haproxy_ssh_key).to.have.keys(["private_key", "public_key"]);
    expect(layout.passwords.sshKeys.map((k) => kindOf(layout, k))).to.deep.equal(
      layout.passwords.sshKeys.map(() => "ssh"),
    );
  });
  it("keeps existing values and extra keys (kolla-mergepwd), filling only what is empty", async () => {
    const layout = layoutFor("2024.1");
    const old = {
      database_password: "keep-me",
      nova_ssh_key: { private_key: "P", public_key: "Q" },
      keystone_ssh_key: { private_key: null, public_key: null },
      retired_key: "old",
      rbd_secret_uuid: "",
    };
    const r = await fillPasswords(layout, old, fakeSource());
    expect(r.values.database_password).to.equal("keep-me");
    expect(r.values.nova_ssh_key).to.deep.equal({ private_key: "P", public_key: "Q" });
    expect(r.values.keystone_ssh_key)
      .to.have.property("private_key")
      .that.matches(/^priv-/);
    expect(r.values.rbd_secret_uuid).to.match(/^uuid-/);
    expect(Object.keys(r.values).at(-1)).to.equal("retired_key");
    expect(r.kept).to.include.members(["database_password", "nova_ssh_key", "retired_key"]);
    expect(r.generated)
      .to.include.members(["keystone_ssh_key", "rbd_secret_uuid"])
      .and.not.include("database_password");
  });
  it("never regenerates a value the operator has, however odd: a half-filled key pair, a number", async () => {
    const layout = layoutFor("2024.1");
    const src = fakeSource();
    const old = {
      nova_ssh_key: { private_key: "only-the-private-half", public_key: "" },
      database_password: 123456,
      keystone_admin_password: true,
    };
    const r = await fillPasswords(layout, old, src);
    expect(r.values.nova_ssh_key).to.deep.equal(old.nova_ssh_key);
    expect(r.values.database_password).to.equal(123456);
    expect(r.values.keystone_admin_password).to.equal(true);
    expect(r.generated).to.not.include.members([
      "nova_ssh_key",
      "database_password",
      "keystone_admin_password",
    ]);
    expect(r.kept).to.include.members([
      "nova_ssh_key",
      "database_password",
      "keystone_admin_password",
    ]);
  });
  it("renders YAML that reads back to the same values, blanks as empty", async () => {
    const r = await fillPasswords(layoutFor("zed"), {}, fakeSource());
    const text = renderPasswords(r.values);
    expect(text)
      .to.match(/^---\n/)
      .and.match(/\ndocker_registry_password:\n/);
    expect(parse(text)).to.deep.equal(r.values);
  });

  describe("crypto secret source", () => {
    const src = createCryptoSecretSource({ rsaBits: 2048 });
    it("makes 40-character alphanumeric passwords that differ", () => {
      const a = src.password(40);
      expect(a).to.match(/^[A-Za-z0-9]{40}$/);
      expect(src.password(40)).to.not.equal(a);
    });
    it("makes a UUID, a 32-hex HMAC-MD5 key and a 32-byte Fernet key", () => {
      expect(src.uuid()).to.match(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(src.hmacMd5Key()).to.match(/^[0-9a-f]{32}$/);
      const fernet = src.fernetKey();
      expect(fernet).to.match(/^[A-Za-z0-9_-]{43}=$/);
      expect(Buffer.from(fernet, "base64url")).to.have.length(32);
    });
    it("makes an RSA key pair: PKCS#8 PEM private key and the matching OpenSSH public key", async () => {
      const pair = await src.sshKeyPair();
      expect(pair.private_key).to.match(/^-----BEGIN PRIVATE KEY-----\n/);
      expect(pair.public_key).to.match(/^ssh-rsa AAAAB3NzaC1yc2E[A-Za-z0-9+/]+=*$/);
      const jwk = createPublicKey(createPrivateKey(pair.private_key)).export({ format: "jwk" }) as {
        n: string;
        e: string;
      };
      expect(openSshRsaPublicKey(jwk)).to.equal(pair.public_key);
      // Built independently: RFC 4253's mpint is a two's-complement integer, as DER's
      // INTEGER is, so the key's PKCS#1 DER holds e and n already in mpint form (with the
      // leading zero byte a modulus with its top bit set needs).
      const pkcs1 = createPublicKey(createPrivateKey(pair.private_key)).export({
        type: "pkcs1",
        format: "der",
      });
      const [n, e] = derIntegers(pkcs1);
      if (!n || !e) throw new Error("no RSA integers");
      const str = (b: Buffer): Buffer => {
        const len = Buffer.alloc(4);
        len.writeUInt32BE(b.length);
        return Buffer.concat([len, b]);
      };
      const blob = Buffer.concat([str(Buffer.from("ssh-rsa")), str(e), str(n)]);
      expect(pair.public_key).to.equal(`ssh-rsa ${blob.toString("base64")}`);
    });
  });
});
