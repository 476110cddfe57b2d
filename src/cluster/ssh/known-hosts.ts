/**
 * PURE. OpenSSH known_hosts matching: host patterns (comma lists, `*` and `?` wildcards,
 * `!` negation), `[host]:port` for ports other than 22, hashed entries (`|1|salt|hash`,
 * HMAC-SHA1 of the host name keyed by the salt), and `@revoked` markers.
 */
import { createHmac } from "node:crypto";

export interface KnownHostKey {
  readonly type: string;
  /** base64 of the key blob, as in the file. */
  readonly key: string;
  readonly revoked: boolean;
}

export function hostToken(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatch(pattern: string, text: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replaceAll("*", ".*")
      .replaceAll("?", ".")}$`,
    "i",
  );
  return re.test(text);
}

function hostsFieldMatches(field: string, token: string): boolean {
  if (field.startsWith("|1|")) {
    const [, , salt = "", hash = ""] = field.split("|");
    const mac = createHmac("sha1", Buffer.from(salt, "base64")).update(token).digest("base64");
    return mac === hash;
  }
  let matched = false;
  for (const pat of field.split(",")) {
    if (pat.startsWith("!")) {
      if (globMatch(pat.slice(1), token)) return false;
    } else if (globMatch(pat, token)) {
      matched = true;
    }
  }
  return matched;
}

/** Every key known_hosts lists for host:port (revoked ones marked). */
export function keysFor(text: string, host: string, port: number): KnownHostKey[] {
  const token = hostToken(host, port);
  const out: KnownHostKey[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0]?.startsWith("@")) {
      const marker = fields.shift();
      if (marker === "@cert-authority") continue; // certificates: not supported, never trusted
      revoked = marker === "@revoked";
    }
    const [hosts, type, key] = fields;
    if (hosts === undefined || type === undefined || key === undefined) continue;
    if (hostsFieldMatches(hosts, token)) out.push({ type, key, revoked });
  }
  return out;
}

export type HostKeyVerdict = "trusted" | "unknown" | "mismatch" | "revoked";

/** Compares the key a host presented (type, base64 blob) with what known_hosts says. */
export function verifyHostKey(
  known: readonly KnownHostKey[],
  type: string,
  keyBase64: string,
): HostKeyVerdict {
  if (known.some((k) => k.revoked && k.key === keyBase64)) return "revoked";
  const usable = known.filter((k) => !k.revoked);
  if (usable.some((k) => k.type === type && k.key === keyBase64)) return "trusted";
  return usable.length === 0 ? "unknown" : "mismatch";
}

/** The line OpenSSH's accept-new would append. */
export function knownHostsLine(
  host: string,
  port: number,
  type: string,
  keyBase64: string,
): string {
  return `${hostToken(host, port)} ${type} ${keyBase64}`;
}
