/**
 * The lab's secrets as an operator may set them, not as kolla-genpwd makes them: every
 * character that needs escaping in SQL, a shell, JSON, HTML, a URL or a broker's config
 * (`'` `"` `\` `%` `&` `<` `+` and `#`). The deploy test writes them into the lab's
 * passwords.yml before its first deploy, so every lab test after it — the gate runs included —
 * runs with them and greps what it wrote for each in every encoding.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseDocument } from "yaml";
import { secretForms, secretValues } from "../../src/run/scrub.js";

export const HOSTILE_PREFIX = `K'r"o\\l%2F&<+#`;

/** The passwords the lab's services use: MariaDB's root, each database user, the broker. */
export const HOSTILE_KEYS = [
  "database_password",
  "ironic_database_password",
  "heat_database_password",
  "rabbitmq_password",
] as const;

/** Sets each of HOSTILE_KEYS to the prefix and 24 random letters and digits. */
export function makeSecretsHostile(passwordsYml: string): void {
  const doc = parseDocument(readFileSync(passwordsYml, "utf8"));
  for (const k of HOSTILE_KEYS)
    doc.set(k, `${HOSTILE_PREFIX}${randomBytes(18).toString("base64url").replace(/[-_]/g, "x")}`);
  writeFileSync(passwordsYml, doc.toString(), { mode: 0o600 });
  chmodSync(passwordsYml, 0o600);
}

/**
 * Every value of passwords.yml (8 characters or more), in any form it can take (`secretForms`),
 * found in the files under `dirs` or in `texts`: "where: first characters… as form…".
 */
export function secretLeaks(
  passwordsYml: string,
  dirs: readonly string[],
  texts: readonly [string, string][],
): string[] {
  const passwords = parse(readFileSync(passwordsYml, "utf8")) as Record<string, unknown>;
  const secrets = secretValues(passwords);
  const missing = HOSTILE_KEYS.filter((k) => !String(passwords[k]).startsWith(HOSTILE_PREFIX));
  if (missing.length > 0) return [`${passwordsYml}: not hostile: ${missing.join(", ")}`];
  const forms = secrets.flatMap((v) => secretForms(v).map((f): [string, string] => [v, f]));
  const all: [string, string][] = [
    ...texts,
    ...dirs.flatMap((d) =>
      readdirSync(d, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && !e.name.endsWith(".png"))
        .map((e): [string, string] => {
          const f = join(e.parentPath, e.name);
          return [f, readFileSync(f, "utf8")];
        }),
    ),
  ];
  return all.flatMap(([where, text]) =>
    forms
      .filter(([, f]) => text.includes(f))
      .map(([v, f]) => `${where}: ${v.slice(0, 4)}… as ${JSON.stringify(f.slice(0, 12))}…`),
  );
}
