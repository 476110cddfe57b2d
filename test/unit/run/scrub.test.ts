import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { withSecretEnv } from "../../../src/cluster/ports.js";
import {
  REDACTED,
  scrubDeep,
  scrubber,
  secretForms,
  secretValues,
} from "../../../src/run/scrub.js";
import { esc } from "../../../src/run/html.js";

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

  // An operator's password with every character an encoding changes.
  const hard = `it's-a-"Secret"\\42%&<x>+/=`;
  const unhtml = (t: string): string =>
    t
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&#39;|&#x27;|&apos;/g, "'")
      .replace(/&amp;/g, "&");
  const decodings = (t: string): string[] => {
    const out = [t, unhtml(t)];
    try {
      const walk = (v: unknown): void => {
        if (typeof v === "string") {
          out.push(v);
          if (v.startsWith("{")) walk(JSON.parse(v));
        } else if (v !== null && typeof v === "object") Object.values(v).forEach(walk);
      };
      walk(JSON.parse(t));
    } catch {
      /* not JSON */
    }
    for (const m of t.match(/[A-Za-z0-9+/_-]{8,}={0,2}/g) ?? [])
      out.push(Buffer.from(m.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("latin1"));
    for (const m of t.match(/[^\s"]*%[0-9A-F]{2}[^\s"]*/g) ?? [])
      try {
        out.push(decodeURIComponent(m.replace(/\+/g, " ")), decodeURIComponent(m));
      } catch {
        /* not URL-encoded */
      }
    const go = t
      .replace(/\\u0026/g, "&")
      .replace(/\\u003c/g, "<")
      .replace(/\\u003e/g, ">");
    out.push(go, go.replace(/\\(["\\])/g, "$1"));
    return out;
  };

  it("replaces every encoded form: JSON, Go's JSON, HTML, URL (JS and Python), base64 at any offset, Basic auth", () => {
    const scrub = scrubber(secretValues({ database_password: hard }));
    const texts = [
      JSON.stringify({ error: `mysql said ${hard}` }),
      JSON.stringify(JSON.stringify({ line: hard })),
      `<td>${esc(hard)}</td>`,
      `transport_url = rabbit://openstack:${encodeURIComponent(hard)}@10.0.0.1:5672//`,
      `connection = mysql+pymysql://ironic:${encodeURIComponent(hard).replace(/'/g, "%27")}@db/ironic`,
      `Authorization: Basic ${Buffer.from(`admin:${hard}`).toString("base64")}`,
      `data: ${Buffer.from(`ab${hard}`).toString("base64")}`,
      `"Env": ["PW=${JSON.stringify(hard).slice(1, -1).replace(/&/g, "\\u0026").replace(/</g, "\\u003c").replace(/>/g, "\\u003e")}"]`,
    ];
    for (const t of texts) {
      const out = scrub(t);
      expect(out, t).to.include(REDACTED);
      for (const d of decodings(out)) expect(d, `${t} → ${out}`).to.not.include(hard);
      // The checks above do find it before the scrub.
      expect(
        decodings(t).some((d) => d.includes(hard)),
        t,
      ).to.equal(true);
    }
  });

  it("scrubs every string of an object before it is serialised, keys too", () => {
    const scrub = scrubber(secretValues({ p: "Zq8s0dLk2wPq9xY7" }));
    expect(
      scrubDeep({ a: ["x Zq8s0dLk2wPq9xY7"], Zq8s0dLk2wPq9xY7: 1, n: 2 }, scrub),
    ).to.deep.equal({
      a: [`x ${REDACTED}`],
      [REDACTED]: 1,
      n: 2,
    });
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

describe("run/scrub: one pass whatever the number of secrets", () => {
  it("redacts every form of every secret anywhere in a long text, and keeps the rest as it was", () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return seed % n;
    };
    const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'\"\\%&<+#/= \n";
    const word = (n: number): string =>
      Array.from({ length: n }, () => chars[rnd(chars.length)]).join("");
    const secrets = Array.from({ length: 300 }, () => word(12 + rnd(30)));
    const scrub = scrubber(secrets);
    const parts: string[] = [];
    const kept: string[] = [];
    for (let i = 0; i < 2_000; i++) {
      const filler = word(rnd(200)).replace(/[A-Z]/g, "");
      parts.push(filler);
      kept.push(filler);
      const s = secrets[rnd(secrets.length)] ?? "";
      const forms = secretForms(s);
      parts.push(forms[rnd(forms.length)] ?? s);
      kept.push(REDACTED);
    }
    const out = scrub(parts.join(""));
    for (const s of secrets)
      for (const f of secretForms(s)) expect(out.includes(f), f).to.equal(false);
    // Fillers carry no capital letter: every secret form that could match across a boundary
    // would have one, so the text is the fillers with one REDACTED for each secret.
    expect(out).to.equal(kept.join("").replace(new RegExp(`(${REDACTED})+`, "g"), REDACTED));
  });
});
