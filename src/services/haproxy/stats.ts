/**
 * PURE. HAProxy's runtime API, read: `show stat` (status, current sessions) and
 * `show servers state` (the admin state: drained or in maintenance, whatever the checks say).
 */
import type { ServerAdmin, ServerState } from "../types.js";

export type { ServerAdmin, ServerState };

/**
 * The HTTP frontends in `show stat` and their current client sessions (TCP listeners such as
 * MariaDB's are left out: their sessions are long-lived database connections).
 */
export function httpFrontends(stat: string): { name: string; sessions: number }[] {
  const lines = stat.split("\n");
  const head = (lines[0] ?? "").replace(/^#\s*/, "").split(",");
  const mode = head.indexOf("mode");
  const out: { name: string; sessions: number }[] = [];
  for (const line of lines.slice(1)) {
    const f = line.split(",");
    if (f[1] !== "FRONTEND" || mode < 0 || f[mode] !== "http") continue;
    out.push({ name: f[0] ?? "", sessions: Number(f[4] ?? 0) || 0 });
  }
  return out;
}

// srv_admin_state bits (haproxy include/haproxy/server-t.h): forced/inherited/config/resolver/
// health-check maintenance, forced/inherited drain.
const MAINT = 0x01 | 0x02 | 0x04 | 0x20 | 0x40;
const DRAIN = 0x08 | 0x10;

export function parseServersState(text: string): Map<string, ServerAdmin> {
  const out = new Map<string, ServerAdmin>();
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line.trim() === "") continue;
    const f = line.trim().split(/\s+/);
    if (f.length < 7) continue; // the version line
    const admin = Number(f[6]);
    out.set(`${f[1]}/${f[3]}`, admin & MAINT ? "maint" : admin & DRAIN ? "drain" : "ready");
  }
  return out;
}

export function parseShowStat(
  lb: string,
  stat: string,
  admin: ReadonlyMap<string, ServerAdmin>,
): ServerState[] {
  const out: ServerState[] = [];
  for (const line of stat.split("\n")) {
    if (line.startsWith("#") || line.trim() === "") continue;
    const f = line.split(",");
    const backend = f[0] ?? "";
    const server = f[1] ?? "";
    if (server === "FRONTEND" || server === "BACKEND" || server === "") continue;
    const status = f[17] ?? "";
    out.push({
      lb,
      backend,
      server,
      admin:
        admin.get(`${backend}/${server}`) ??
        (status.startsWith("MAINT") ? "maint" : status.startsWith("DRAIN") ? "drain" : "ready"),
      status,
      sessions: Number(f[4] ?? 0) || 0,
    });
  }
  return out;
}
