/**
 * The SecretSource behind passwords.yml, on Node's CSPRNG. Kept apart from passwords.ts so
 * tests can inject a deterministic source.
 */
import { createHmac, generateKeyPair, randomBytes, randomInt, randomUUID } from "node:crypto";
import type { SecretSource, SshKeyPair } from "./passwords.js";

const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

export function createCryptoSecretSource(opts: { rsaBits?: number } = {}): SecretSource {
  const bits = opts.rsaBits ?? 4096;
  return {
    password: (length) =>
      Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join(""),
    uuid: () => randomUUID(),
    // genpwd: HMAC-MD5 keyed with a fresh UUID over the empty message, hex.
    hmacMd5Key: () => createHmac("md5", randomUUID()).update("").digest("hex"),
    // A Fernet key is 32 random bytes, URL-safe base64 with padding.
    fernetKey: () => randomBytes(32).toString("base64").replaceAll("+", "-").replaceAll("/", "_"),
    sshKeyPair: () => rsaKeyPair(bits),
  };
}

/**
 * Stand-ins for `kroll plan`, which writes nothing: a secret it would generate is never used,
 * so none is made (an RSA-4096 pair costs seconds). `kroll inventory` generates them once.
 */
export const PLACEHOLDER_SECRET = "(not generated: kroll plan writes no secrets)";
export const placeholderSecretSource: SecretSource = {
  password: () => PLACEHOLDER_SECRET,
  uuid: () => PLACEHOLDER_SECRET,
  hmacMd5Key: () => PLACEHOLDER_SECRET,
  fernetKey: () => PLACEHOLDER_SECRET,
  sshKeyPair: () =>
    Promise.resolve({ private_key: PLACEHOLDER_SECRET, public_key: PLACEHOLDER_SECRET }),
};

function rsaKeyPair(bits: number): Promise<SshKeyPair> {
  return new Promise((resolve, reject) => {
    generateKeyPair(
      "rsa",
      {
        modulusLength: bits,
        publicExponent: 0x10001,
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
        publicKeyEncoding: { type: "spki", format: "jwk" } as never,
      },
      (err, pub: unknown, priv: string) => {
        if (err) {
          reject(err);
          return;
        }
        const jwk = pub as { n: string; e: string };
        resolve({ private_key: priv, public_key: openSshRsaPublicKey(jwk) });
      },
    );
  });
}

/** RFC 4253 §6.6: string "ssh-rsa", mpint e, mpint n; base64 after the type name. */
export function openSshRsaPublicKey(jwk: { n: string; e: string }): string {
  const mpint = (b64url: string): Buffer => {
    let bytes = Buffer.from(b64url, "base64url");
    if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
    return lengthPrefixed(bytes);
  };
  const blob = Buffer.concat([lengthPrefixed(Buffer.from("ssh-rsa")), mpint(jwk.e), mpint(jwk.n)]);
  return `ssh-rsa ${blob.toString("base64")}`;
}

function lengthPrefixed(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}
