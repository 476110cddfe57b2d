/**
 * The lab's secrets as an operator may set them, not as kolla-genpwd makes them: every
 * character that needs escaping in SQL, a shell, JSON, HTML, a URL or a broker's config
 * (`'` `"` `\` `%` `&` `<` `+` and `#`). The deploy test writes them into the lab's
 * passwords.yml before its first deploy, so every lab test after it — the gate runs included —
 * runs with them and greps what it wrote for each in every encoding.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { parseDocument } from "yaml";

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
