/** PURE. Where an inline override (`kolla.config`) may go: somewhere kolla reads. */
import { serviceOf } from "../services/catalogue.js";
import type { RawIssue } from "./issues.js";

/** Inline config paths must be somewhere kolla reads: warn about others. */
export function checkInlinePaths(inline: Readonly<Record<string, unknown>>): RawIssue[] {
  const issues: RawIssue[] = [];
  for (const path of Object.keys(inline)) {
    const top = path.split("/")[0] ?? "";
    const svc = top.replace(/\.(conf|ini)$/, "");
    if (path !== "global.conf" && serviceOf(svc) === undefined) {
      issues.push({
        path: ["kolla", "config", path],
        message: `kolla reads no override at ${path}: expected global.conf, <service>.conf or <service>/...`,
      });
    }
  }
  return issues;
}
