/**
 * The lab's SSH keys: ssh2's generator makes about 1 Ed25519 key in 256 malformed (a public key
 * starting with a zero byte written as 31 bytes), which ssh2 itself then refuses to load. 800
 * keys include such a draw 19 times in 20 without the check in keygen.ts.
 */
import { expect } from "chai";
import ssh2 from "ssh2";
import { generateEd25519 } from "../../../src/cluster/ssh/keygen.js";

describe("cluster/ssh keygen", () => {
  it("gives only key pairs ssh2 reads back, with a 32-byte public key (800 drawn)", function () {
    this.timeout(60_000);
    for (let i = 0; i < 800; i++) {
      const k = generateEd25519(`kroll-test-${i}`);
      const parsed = ssh2.utils.parseKey(k.privateKey);
      expect(parsed, `key ${i}`).to.not.be.instanceOf(Error);
      const blob = Buffer.from(k.publicKey.split(" ")[1] ?? "", "base64");
      expect(blob.length, `public blob of key ${i}`).to.equal(51);
      expect(k.publicKey).to.match(/^ssh-ed25519 \S+ kroll-test-\d+$/);
    }
  });
});
