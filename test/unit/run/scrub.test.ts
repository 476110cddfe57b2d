import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { withSecretEnv } from "../../../src/cluster/ports.js";
import { REDACTED, scrubber, secretValues } from "../../../src/run/scrub.js";

describe("run/scrub", () => {
  const passwords = {
    database_password: "Zq8s0dLk2wPq9xY7",
    keystone_admin_password: "short",
    rabbitmq_password: "Zq8s0dLk2wPq9xY7extra",
    nova_ssh_key: {
      private_key:
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU\n-----END OPENSSH PRIVATE KEY-----\n",
      public_key: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ",
    },
    blank: null,
  };
  it("collects every value of passwords.yml, key pairs line by line, longest first", () => {
    const v = secretValues(passwords);
    expect(v).to.include.members([
      "Zq8s0dLk2wPq9xY7",
      "Zq8s0dLk2wPq9xY7extra",
      "b3BlbnNzaC1rZXktdjEAAAAABG5vbmU",
      "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ",
    ]);
    expect(v).to.not.include("short");
    expect(v.indexOf("Zq8s0dLk2wPq9xY7extra")).to.be.lessThan(v.indexOf("Zq8s0dLk2wPq9xY7"));
  });
  it("replaces them wherever they appear, a longer one whole", () => {
    const scrub = scrubber(secretValues(passwords));
    expect(
      scrub(
        "mysql -pZq8s0dLk2wPq9xY7 failed; amqp://openstack:Zq8s0dLk2wPq9xY7extra@x; key b3BlbnNzaC1rZXktdjEAAAAABG5vbmU",
      ),
    ).to.equal(`mysql -p${REDACTED} failed; amqp://openstack:${REDACTED}@x; key ${REDACTED}`);
    expect(scrubber([])("unchanged")).to.equal("unchanged");
  });
});

describe("cluster/ports.withSecretEnv", () => {
  it("hands secrets to the command through stdin, never argv, and passes the rest of stdin on", () => {
    const secret = "p@ss w'rd$HOME\"`x`";
    const cmd = withSecretEnv(
      ["sh", "-c", 'printf "%s|%s\\n" "$DB_ROOT_PASSWORD" "$OTHER"; cat'],
      { DB_ROOT_PASSWORD: secret, OTHER: "two" },
      "SELECT 1;\n",
    );
    expect(cmd.argv.join(" ")).to.not.include(secret);
    const r = spawnSync(cmd.argv[0] ?? "", cmd.argv.slice(1), {
      input: cmd.stdin,
      encoding: "utf8",
    });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal(`${secret}|two\nSELECT 1;\n`);
  });
  it("refuses a value on several lines and a bad name", () => {
    expect(() => withSecretEnv(["true"], { A: "x\ny" })).to.throw(/spans lines/);
    expect(() => withSecretEnv(["true"], { "A B": "x" })).to.throw(/not a variable name/);
  });
});
