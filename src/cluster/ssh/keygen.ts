/** An Ed25519 key pair in OpenSSH formats (private key file, authorized_keys line). */
// ssh2 is CommonJS: Node sees `utils` only on the default export.
import ssh2 from "ssh2";

export interface SshKeyFiles {
  readonly privateKey: string;
  readonly publicKey: string;
}

export function generateEd25519(comment: string): SshKeyFiles {
  const pair = ssh2.utils.generateKeyPairSync("ed25519", { comment });
  return { privateKey: pair.private, publicKey: pair.public };
}
