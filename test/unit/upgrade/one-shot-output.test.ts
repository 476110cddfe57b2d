import { expect } from "chai";
import { summarizeOneShot } from "../../../src/upgrade/one-shot-output.js";

describe("upgrade/one-shot-output", () => {
  it("sums up an oslo upgrade check", () => {
    const out = [
      "+------------------------------------------+",
      "| Upgrade Check Results                    |",
      "+------------------------------------------+",
      "| Check: Object versions                   |",
      "| Result: Success                          |",
      "| Details: None                            |",
      "+------------------------------------------+",
      "| Check: Policy File JSON to YAML Migration |",
      "| Result: Warning                          |",
      "| Details: use YAML                        |",
      "+------------------------------------------+",
      "ironic-status upgrade check: exit 1",
    ].join("\n");
    expect(summarizeOneShot(out)).to.equal(
      "checks Object versions: Success; Policy File JSON to YAML Migration: Warning",
    );
  });
  it("says what online data migrations migrated, and when there was nothing to do", () => {
    const table = (rows: string[][]): string =>
      [
        "+------------------------+--------------+-----------+",
        "| Migration              | Total Needed | Completed |",
        "+------------------------+--------------+-----------+",
        ...rows.map((r) => `| ${r.join(" | ")} |`),
        "+------------------------+--------------+-----------+",
      ].join("\n");
    expect(
      summarizeOneShot(
        table([
          ["migrate_to_builtin_inspection", "0", "0"],
          ["update_to_latest_versions", "12", "12"],
        ]),
      ),
    ).to.equal("migrations: update_to_latest_versions 12 of 12 migrated (1 with nothing to do)");
    expect(summarizeOneShot(table([["update_to_latest_versions", "0", "0"]]))).to.equal(
      "migrations: 1 checked, nothing to migrate",
    );
  });
  it("keeps the last line of anything else", () => {
    expect(summarizeOneShot("heat: no online data migrations\n")).to.equal(
      "heat: no online data migrations",
    );
    expect(summarizeOneShot("")).to.equal("");
  });
  it("reads Ironic's migration lines, and never reports a Python warning as what a one-shot said", () => {
    // As the 2026.2 lab printed it: the warning on stderr came after stdout.
    const ironic = [
      "Running batches of 50 until migrations have been completed.",
      "update_to_latest_versions() migrated 12 of 12 objects.",
      "Data migrations have completed.",
      "/usr/lib/python3/dist-packages/oslo_service/__init__.py:12: DeprecationWarning: eventlet is deprecated",
      "  import eventlet as _eventlet  # noqa",
    ].join("\n");
    expect(summarizeOneShot(ironic)).to.equal(
      "migrations: update_to_latest_versions() migrated 12 of 12 objects.; Data migrations have completed.",
    );
    expect(
      summarizeOneShot(
        "db synced\n/x.py:3: DeprecationWarning: eventlet\n  from eventlet import event\n",
      ),
    ).to.equal("db synced");
  });
});
