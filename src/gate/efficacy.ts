/**
 * PURE. The catalogue of upgrade-breaking changes (`changes/<service>/*.patch`) and how a gate
 * run of one is judged: a breaking case is caught when the run fails, and attributed when the
 * earliest failing step check names the case's service and one of the steps in whose window
 * its bug shows; a clean case must pass.
 */
import type { RunReport } from "../run/model.js";

export interface ChangeCase {
  /** `<service>/<file name without .patch>`. */
  readonly id: string;
  readonly service: string;
  readonly file: string;
  readonly case: string;
  readonly class: string;
  readonly shouldFail: string;
  /** Step ids (the recipe's, or a checkpoint's name) in whose window the bug shows; empty: clean. */
  readonly window: readonly string[];
}

/** A header line of the commit message: `Key: value`, continued on the lines after it. */
function header(message: string, key: string): string {
  const lines = message.split("\n");
  const at = lines.findIndex((l) => l.startsWith(`${key}:`));
  if (at < 0) return "";
  const out = [lines[at]?.slice(key.length + 1).trim() ?? ""];
  for (const l of lines.slice(at + 1)) {
    if (/^[A-Z][A-Za-z -]*:/.test(l) || l.trim() === "" || l.startsWith("---")) break;
    out.push(l.trim());
  }
  return out.join(" ").trim();
}

/** A case from its patch file's text (a `git format-patch` mail). */
export function parseCase(service: string, file: string, text: string): ChangeCase {
  const end = text.indexOf("\n---\n");
  const message = end < 0 ? text : text.slice(0, end);
  const name =
    file
      .split("/")
      .pop()
      ?.replace(/\.patch$/, "") ?? file;
  const window = header(message, "Window");
  return {
    id: `${service}/${name}`,
    service: header(message, "Service") || service,
    file,
    case: header(message, "Case").replace(/\.$/, "").split(".")[0] ?? name,
    class: header(message, "Class").replace(/\.$/, ""),
    shouldFail: header(message, "Should fail"),
    window:
      window === "-" || window === ""
        ? []
        : window
            .split(",")
            .map((w) => w.trim())
            .filter(Boolean),
  };
}

export interface CaseVerdict {
  readonly id: string;
  readonly breaking: boolean;
  /** Breaking: the run failed. Clean: the run passed. */
  readonly caught: boolean;
  readonly attributed: boolean;
  /** The earliest failing check (a step's, else any). */
  readonly failingCheck: string;
  /** The step that check names ("ironic conductors"), if it names one. */
  readonly step: string;
  readonly verdict: string;
  readonly reason: string;
}

/** A step check's name: "ironic conductors on node1" or "ironic checkpoint conductors-done". */
const STEP_NAME = /^(\S+) (?:checkpoint )?(\S+)/;
/** As reports before 2026-12-07 named them: "wave 5: ironic conductors on node1". */
const OLD_STEP_CHECK = /^wave (\d+): (\S+) (?:checkpoint )?(\S+)/;

/** [wave, service, step] of a step check, or undefined for any other check. */
function stepOf(x: RunReport["checks"][number]): [number, string, string] | undefined {
  if (x.suite !== "steps") return undefined;
  if (x.wave !== undefined) {
    const m = STEP_NAME.exec(x.name);
    return m ? [x.wave, m[1] ?? "", m[2] ?? ""] : undefined;
  }
  const o = OLD_STEP_CHECK.exec(x.name);
  return o ? [Number(o[1]), o[2] ?? "", o[3] ?? ""] : undefined;
}

export function judgeCase(c: ChangeCase, r: RunReport | undefined): CaseVerdict {
  const breaking = c.window.length > 0;
  if (r === undefined)
    return {
      id: c.id,
      breaking,
      caught: false,
      attributed: false,
      failingCheck: "",
      step: "",
      verdict: "no report",
      reason: "the run wrote no summary.json",
    };
  const failed = r.checks.filter((x) => !x.ok);
  const steps = failed
    .map((x) => ({ x, m: stepOf(x) }))
    .filter((s) => s.m !== undefined)
    .sort((a, b) => (a.m?.[0] ?? 0) - (b.m?.[0] ?? 0));
  const first = steps[0];
  const service = first?.m?.[1] ?? "";
  const step = first?.m?.[2] ?? "";
  return {
    id: c.id,
    breaking,
    caught: breaking ? r.verdict === "fail" : r.verdict === "pass",
    attributed: breaking && first !== undefined && service === c.service && c.window.includes(step),
    failingCheck: (first?.x ?? failed[0])?.name ?? "",
    step: first ? `${service} ${step}` : "",
    verdict: r.verdict,
    reason: r.reason,
  };
}
