/**
 * PURE. The run as JUnit XML for CI (Zuul, Jenkins, GitLab): a testsuite per kind of check —
 * the upgrade's steps, the SLOs, the resources kept across the upgrade, the cluster's final
 * state — each check a testcase whose failure message says what broke and under which step.
 */
import type { Check, RunReport } from "./model.js";

const esc = (s: string): string =>
  s
    // XML 1.0 cannot carry most control characters, even escaped.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");

const SUITES: readonly [Check["suite"], string][] = [
  ["steps", "upgrade steps"],
  ["slo", "service level objectives"],
  ["resources", "resources kept across the upgrade"],
  ["cluster", "cluster state"],
];

export function junitXml(r: RunReport): string {
  const secs = ((r.endedAt - r.startedAt) / 1000).toFixed(3);
  const suites = SUITES.map(([key, title]) => {
    const cs = r.checks.filter((c) => c.suite === key);
    const failures = cs.filter((c) => !c.ok).length;
    const cases = cs.map((c) => {
      const name = esc(c.name);
      const cls = esc(`kroll.${r.scenario}.${key}`);
      if (c.ok)
        return `    <testcase classname="${cls}" name="${name}"><system-out>${esc(`${c.recorded ? "recorded: " : ""}${c.message}`)}</system-out></testcase>`;
      return `    <testcase classname="${cls}" name="${name}">\n      <failure message="${esc(c.message.slice(0, 1000))}" type="${esc(key)}">${esc(c.detail ?? c.message)}</failure>\n    </testcase>`;
    });
    return `  <testsuite name="${esc(`kroll ${r.scenario} (${r.strategy}): ${title}`)}" tests="${cs.length}" failures="${failures}" errors="0" skipped="0" time="${key === "steps" ? secs : "0"}" timestamp="${new Date(r.startedAt).toISOString()}">\n${cases.join("\n")}\n  </testsuite>`;
  });
  const total = r.checks.length;
  const failed = r.checks.filter((c) => !c.ok).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${esc(`kroll run ${r.scenario}`)}" tests="${total}" failures="${failed}" errors="0" time="${secs}">\n${suites.join("\n")}\n</testsuites>\n`;
}
