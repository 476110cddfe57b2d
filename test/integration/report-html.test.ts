/**
 * report.html as a person opens it: rendered in headless Chromium (Debian's, installed by the
 * test setup) from a report the model built, its script run. The per-route table, each backend's
 * disruption against its bound, and the links from a failure to the collected logs of what it is
 * tied to, which must open files the run directory holds. (The page of a whole lab run is
 * checked the same way in the lab-runs benchmark, test/integration/gate-run.ts.)
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { chartAssets } from "../../src/run/chart-assets.js";
import { reportHtml } from "../../src/run/html.js";
import { buildRunReport } from "../../src/run/model.js";
import { inputs } from "../fixtures/run-inputs.js";

describe("integration: report.html in headless Chromium", function () {
  this.timeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), "kroll-report-html-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("shows the per-route table, each backend's disruption against its bound, and failures linked to the logs the run collected", () => {
    const containerLogs = [
      "node2/containers/ironic_api.log",
      "node2/retired/ironic_api.log",
      "node1/containers/ironic_api.log",
    ];
    for (const p of containerLogs) {
      mkdirSync(dirname(join(dir, "logs", p)), { recursive: true });
      writeFileSync(join(dir, "logs", p), `${p}\n`);
    }
    const logs = { files: 3, bytes: 10, maxTotalBytes: 100, leftOut: 0, cut: 0, containerLogs };
    const r = buildRunReport(inputs({ failures: [12_100], maxDisruptionMs: 1_000, logs }));
    const html = join(dir, "report.html");
    writeFileSync(html, reportHtml(r, chartAssets()));
    const dom = spawnSync(
      "chromium",
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        `--user-data-dir=${join(dir, "chromium")}`,
        "--window-size=1300,2000",
        "--dump-dom",
        `file://${html}`,
      ],
      { timeout: 120_000, encoding: "utf8" },
    );
    expect(dom.status, dom.stderr).to.equal(0);
    const text = dom.stdout;
    // The page's script ran (the charts drawn), so what follows is the page as shown.
    expect(text).to.include('data-zoomable="1"');
    expect(text).to.match(/id="chart-latency"[^]*<canvas/);
    const table = (id: string): string => {
      const at = text.indexOf(`<table id="${id}"`);
      expect(at, `table ${id}`).to.be.above(-1);
      return text.slice(at, text.indexOf("</table>", at));
    };
    const routes = table("routes");
    for (const h of ["p50 ms", "p90 ms", "p99 ms", "max ms"])
      expect(routes).to.include(`<th>${h}</th>`);
    expect(routes).to.match(/<td>101<\/td><td>1<\/td><td>99\.010<\/td>/);
    const dis = table("disruption");
    expect(dis).to.include("<th>bound ms</th>");
    expect(dis).to.match(/<td>1000 <b>exceeded<\/b><\/td>/);
    // Each link from a failure opens a file of the run directory, and only the logs of what the
    // failure is tied to (ironic_api on node2, wave 3) are linked.
    const hrefs = [...table("failures").matchAll(/href="(logs\/[^"]+)"/g)].map((m) => m[1] ?? "");
    expect(hrefs).to.have.members([
      "logs/node2/containers/ironic_api.log",
      "logs/node2/retired/ironic_api.log",
    ]);
    for (const h of hrefs) expect(existsSync(join(dir, h)), h).to.equal(true);
  });
});
