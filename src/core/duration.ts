/**
 * Durations as people write them in scenario files: "500ms", "90s", "5m", "1h30m".
 * Pure. `Duration` is the zod field every schema (the scenario's, a pack's load profile) uses.
 */
import { z } from "zod";

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
type Unit = keyof typeof UNIT_MS;

/** The accepted form, anchored: one or more `<integer><unit>` parts, largest unit first. */
export const DURATION_PATTERN = /^(?:\d+h)?(?:\d+m(?!s))?(?:\d+s)?(?:\d+ms)?$/;

export function parseDuration(text: string): number | undefined {
  if (text === "" || !DURATION_PATTERN.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+)(ms|h|m|s)/g)) {
    const [, n, unit] = m;
    total += Number(n) * UNIT_MS[unit as Unit];
  }
  return total;
}

/** Shortest exact rendering: 90000 → "1m30s", 1500 → "1s500ms", 0 → "0s". */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  let rest = Math.round(ms);
  let out = "";
  for (const unit of ["h", "m", "s", "ms"] as const) {
    const size = UNIT_MS[unit];
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/** A duration field of a schema: the text as written, parsed to milliseconds. */
export const Duration = z
  .string({ error: 'expected a duration such as "90s", "5m" or "1h30m"' })
  .regex(DURATION_PATTERN, { error: 'expected a duration such as "500ms", "90s", "5m" or "1h30m"' })
  .min(1, { error: 'expected a duration such as "90s", "5m" or "1h30m"' })
  .transform((s) => parseDuration(s) ?? 0);
