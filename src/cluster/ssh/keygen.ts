/** An Ed25519 key pair in OpenSSH formats (private key file, authorized_keys line). */
// ssh2 is CommonJS: Node sees `utils` only on the default export.
import ssh2 from "ssh2";

export interface SshKeyFiles {
  readonly privateKey: string;
  readonly publicKey: string;
}

/**
 * ssh2 1.17's generator writes an Ed25519 public key that starts with a zero byte as 31 bytes
 * (it drops the zero as if the key were a number): about 1 key in 256 is malformed, and a lab
 * built with one cannot log in to its nodes. Such a pair is drawn again: a pair is kept only
 * when ssh2 reads its private key back with a 32-byte public key.
 */
export function generateEd25519(comment: string): SshKeyFiles {
  for (let attempt = 0; attempt < 64; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync("ed25519", { comment });
    if (wellFormed(pair.private, pair.public))
      return { privateKey: pair.private, publicKey: pair.public };
  }
  throw new Error("could not generate a well-formed Ed25519 key pair in 64 attempts");
}

/** The private key parses and the public blob holds a 32-byte key (4+11+4+32 bytes). */
function wellFormed(privateKey: string, publicKey: string): boolean {
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error || Array.isArray(parsed)) return false;
  const blob = Buffer.from(publicKey.split(" ")[1] ?? "", "base64");
  return blob.length === 51 && blob.readUInt32BE(15) === 32;
}
