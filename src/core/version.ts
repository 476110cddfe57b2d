/**
 * EFFECT (reads one file, once). kroll's version, from its package.json: two levels up from
 * this module both in `src/core/` (development, through tsx) and in `dist/core/` (installed).
 */
import { readFileSync } from "node:fs";

let version: string | undefined;

export function krollVersion(): string {
  version ??= (
    JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version: string;
    }
  ).version;
  return version;
}
