/**
 * PURE. What a one-shot said, in one line for the report: an oslo upgrade check's results
 * (`Check: … | Result: …`), an online data migration table's rows (`Migration | Total Needed |
 * Completed`), Ironic's "X() migrated N of M objects." lines, else its last line that is not
 * a Python warning. Tables as oslo.upgradecheck and the projects' db tools print
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
  const lines = output
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  // Ironic's online data migrations: a line per migration that had work, then the outcome.
  const ironic = lines.filter(
    (l) =>
      /^\S+\(\) migrated \d+ of \d+ objects\.$/.test(l) ||
      /^Data migrations have (not )?completed/.test(l),
  );
  if (ironic.length > 0) return `migrations: ${ironic.join("; ")}`.slice(0, 300);
  // Else the last line that is not a Python warning (`…Warning: …` and the source line it echoes).
  const said = lines.filter(
    (l, i) => !/Warning: /.test(l) && !/Warning: /.test(lines[i - 1] ?? ""),
  );
  const last = said.at(-1);
  return last === undefined ? "" : last.slice(0, 300);
}
