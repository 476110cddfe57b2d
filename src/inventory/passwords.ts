/**
 * passwords.yml with kolla-genpwd and kolla-mergepwd semantics:
 * - every key of the release's sample is present;
 * - a key that already has a value keeps it (re-runs and release bumps never rotate secrets);
 * - keys the sample does not have but the old file does are kept, after the sample's keys;
 * - empty keys are filled by kind: SSH key pairs (RSA 4096, PKCS#8 PEM + OpenSSH public key),
 *   UUIDs, HMAC-MD5 hex keys, a Fernet key, or a 40-character [A-Za-z0-9] password;
 *   `docker_registry_password` stays empty, as genpwd leaves it.
 * PURE apart from the injected SecretSource.
 */
import { packOf, SERVICES } from "../services/catalogue.js";
import { stringify } from "yaml";
import type { ReleaseLayout } from "../kolla/layout.js";

export interface SshKeyPair {
  readonly private_key: string;
  readonly public_key: string;
}

export interface SecretSource {
  password(length: number): string;
  uuid(): string;
  hmacMd5Key(): string;
  fernetKey(): string;
  sshKeyPair(): Promise<SshKeyPair>;
}

const UUID_KEYS = new Set([
  "rbd_secret_uuid",
  ...SERVICES.flatMap((s) => packOf(s).uuidPasswords ?? []),
  "gnocchi_project_id",
  "gnocchi_resource_id",
  "gnocchi_user_id",
  "designate_pool_id",
]);
const HMAC_MD5_KEYS = new Set(["designate_rndc_key", "osprofiler_secret"]);
const FERNET_KEYS = new Set(["barbican_crypto_key"]);
const BLANK_KEYS = new Set(["docker_registry_password"]);
export const PASSWORD_LENGTH = 40;

export type PasswordKind = "ssh" | "uuid" | "hmac-md5" | "fernet" | "blank" | "password";

export function kindOf(layout: ReleaseLayout, key: string): PasswordKind {
  if (layout.passwords.sshKeys.includes(key)) return "ssh";
  if (UUID_KEYS.has(key)) return "uuid";
  if (HMAC_MD5_KEYS.has(key)) return "hmac-md5";
  if (FERNET_KEYS.has(key)) return "fernet";
  if (BLANK_KEYS.has(key)) return "blank";
  return "password";
}

export interface FilledPasswords {
  readonly values: Record<string, unknown>;
  readonly generated: readonly string[];
  readonly kept: readonly string[];
}

function isEmpty(kind: PasswordKind, v: unknown): boolean {
  if (v === undefined || v === null || v === "") return true;
  if (kind === "ssh") {
    const pair = v as Partial<SshKeyPair>;
    return typeof v !== "object" || (!pair.private_key && !pair.public_key);
  }
  return false;
}

export async function fillPasswords(
  layout: ReleaseLayout,
  existing: Readonly<Record<string, unknown>>,
  src: SecretSource,
): Promise<FilledPasswords> {
  const values: Record<string, unknown> = {};
  const generated: string[] = [];
  const kept: string[] = [];
  const pending: Promise<void>[] = [];
  for (const key of layout.passwords.keys) {
    const kind = kindOf(layout, key);
    const old = existing[key];
    if (!isEmpty(kind, old)) {
      values[key] = old;
      kept.push(key);
      continue;
    }
    values[key] = null; // keeps the sample's key order while key pairs are made
    switch (kind) {
      case "blank":
        continue;
      case "ssh":
        pending.push(src.sshKeyPair().then((pair) => void (values[key] = { ...pair })));
        break;
      case "uuid":
        values[key] = src.uuid();
        break;
      case "hmac-md5":
        values[key] = src.hmacMd5Key();
        break;
      case "fernet":
        values[key] = src.fernetKey();
        break;
      case "password":
        values[key] = src.password(PASSWORD_LENGTH);
        break;
    }
    generated.push(key);
  }
  await Promise.all(pending);
  for (const [key, v] of Object.entries(existing)) {
    if (!(key in values)) {
      values[key] = v;
      kept.push(key);
    }
  }
  return { values, generated, kept };
}

export function renderPasswords(values: Readonly<Record<string, unknown>>): string {
  return `---\n${stringify(values, { lineWidth: 0, nullStr: "" })}`;
}
