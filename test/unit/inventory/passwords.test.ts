import { expect } from "chai";
import { createPrivateKey, createPublicKey } from "node:crypto";
import { parse } from "yaml";
import { layoutFor } from "../../../src/inventory/layout.js";
import { fillPasswords, kindOf, renderPasswords } from "../../../src/inventory/passwords.js";
import type { SecretSource } from "../../../src/inventory/passwords.js";
import { createCryptoSecretSource, openSshRsaPublicKey } from "../../../src/inventory/secrets.js";
import { RELEASES } from "../../../src/kolla/releases.js";

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
    });
  });
});
