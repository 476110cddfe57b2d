/**
 * PURE. What a one-shot said, in one line for the report: an oslo upgrade check's results
 * (`Check: … | Result: …`), an online data migration table's rows (`Migration | Total Needed |
 * Completed`), else its last line. Tables as oslo.upgradecheck and the projects' db tools print
 * them with prettytable.
 */
export function summarizeOneShot(output: string): string {
  const rows = output
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("|") && l.endsWith("|"))
    .map((l) =>
      l
        .slice(1, -1)
        .split("|")
        .map((c) => c.trim()),
    );
  // oslo.upgradecheck: one column, "Check: X", "Result: Y", "Details: Z" rows.
  const checks: string[] = [];
  let check: string | undefined;
  for (const [cell = ""] of rows) {
    const c = /^Check: (.+)$/.exec(cell);
    const r = /^Result: (.+)$/.exec(cell);
    if (c) check = c[1];
    else if (r && check !== undefined) {
      checks.push(`${check}: ${r[1]}`);
      check = undefined;
    }
  }
  if (checks.length > 0) return `checks ${checks.join("; ")}`;
  // Online data migrations: a header row, then name | needed | completed.
  const header = rows.findIndex((r) => r[0] === "Migration" && r.length >= 3);
  if (header >= 0) {
    const done = rows
      .slice(header + 1)
      .filter((r) => r.length >= 3 && /^\d+$/.test(r[1] ?? ""))
      .map(([name = "", needed = "0", completed = "0"]) => ({ name, needed, completed }));
    if (done.length === 0) return "migrations: none listed";
    const moved = done.filter((m) => m.needed !== "0" || m.completed !== "0");
    return moved.length === 0
      ? `migrations: ${done.length} checked, nothing to migrate`
      : `migrations: ${moved.map((m) => `${m.name} ${m.completed} of ${m.needed} migrated`).join("; ")}` +
          `${done.length > moved.length ? ` (${done.length - moved.length} with nothing to do)` : ""}`;
  }
  const last = output
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .at(-1);
  return last === undefined ? "" : last.slice(0, 300);
}
