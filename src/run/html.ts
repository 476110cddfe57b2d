/**
 * PURE. report.html: one self-contained file (inline CSS and SVG, no script, nothing fetched)
 * that a gate reviewer opens from the job's artifacts. A timeline with a lane per node showing
 * each container's swap, loadbalancer server states, request rate and errors per second,
 * latency percentiles, disruption intervals and unfinished operations; then the checks, the
 * steps, and every failure linked to the step it happened under.
 */
import type { Attribution } from "../report/model.js";
import type { RunReport } from "./model.js";
import { describeCause } from "./model.js";
import type { ChartAssets } from "./chart-assets.js";
import { REPORT_SCRIPT } from "./html-script.js";
import { NO_CHANGE } from "../lab/versions.js";
import { SERVICES } from "../services/catalogue.js";

export const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** One colour per service, in the registry's site order (Tableau 10 and four more). */
const PALETTE = [
  "#8e6c8a",
  "#4e79a7",
  "#9c755f",
  "#f28e2b",
  "#76b7b2",
  "#bab0ac",
  "#59a14f",
  "#86bcb6",
  "#d4a6c8",
  "#b07aa1",
  "#ff9da7",
  "#edc948",
];
const SERVICE_COLOURS: Readonly<Record<string, string>> = Object.fromEntries(
  SERVICES.map((svc, i) => [svc, PALETTE[i % PALETTE.length] ?? "#888"]),
);
const colour = (svc: string): string => SERVICE_COLOURS[svc] ?? "#888";

const W = 1200;
const LABEL = 170;
const ROW = 22;

const time = (ms: number): string => new Date(ms).toISOString().slice(11, 19);
const secs = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

const causeLink = (a: Attribution | undefined): string =>
  a ? `<a href="#wave-${a.wave}">${esc(describeCause(a))}</a>` : "outside any upgrade step";

/**
 * `chart`: the charting library to inline (src/run/chart-assets.ts); without it the page has
 * its static picture only (and no script at all).
 */
export function reportHtml(r: RunReport, chart?: ChartAssets): string {
  // The collected logs of the container a failure or finding is tied to (its replaced copy too):
  // links relative to report.html, only to files the run directory holds.
  const logs = r.logs?.containerLogs ?? [];
  const logLinks = (node: string | undefined, container: string | undefined): string => {
    if (node === undefined || container === undefined) return "";
    const mine = logs.filter(
      (p) =>
        p.startsWith(`${node}/`) &&
        (p.endsWith(`/${container}.log`) ||
          p.slice(p.lastIndexOf("/") + 1).startsWith(`${container}.`)),
    );
    return mine.length === 0
      ? ""
      : ` <small class="logs">log: ${mine
          .map(
            (p) =>
              `<a href="logs/${esc(p)}">${esc(p.split("/")[1] === "retired" ? "replaced" : "final")}</a>`,
          )
          .join(" · ")}</small>`;
  };
  const causeLogs = (a: Attribution | undefined): string => logLinks(a?.node, a?.container);
  const t0 = r.startedAt;
  const t1 = Math.max(r.endedAt, t0 + 1);
  const x = (t: number): number =>
    LABEL + ((Math.min(Math.max(t, t0), t1) - t0) / (t1 - t0)) * (W - LABEL - 10);
  const rows: string[] = [];
  let y = 24;
  const lane = (id: string, label: string, body: string, h = ROW): void => {
    rows.push(
      `<g id="${esc(id)}" class="lane"><text x="4" y="${y + h / 2 + 4}" class="lbl">${esc(label)}</text><line x1="${LABEL}" x2="${W - 10}" y1="${y + h}" y2="${y + h}" class="grid"/>${body}</g>`,
    );
    y += h + 4;
  };
  /** A period from..to at `top`, `height` high; its times ride along for the page's zoom. */
  const rect = (
    from: number,
    to: number,
    top: number,
    height: number,
    fill: string,
    title: string,
    cls: string,
  ): string =>
    `<rect x="${x(from).toFixed(1)}" y="${top}" width="${Math.max(1.5, x(to) - x(from)).toFixed(1)}" height="${height}" fill="${esc(fill)}" class="${esc(cls)}" data-f="${from}" data-t="${to}"><title>${esc(title)}</title></rect>`;
  /** A period filling the current lane (`h` high). */
  const bar = (
    from: number,
    to: number,
    h: number,
    fill: string,
    title: string,
    cls = "",
  ): string => rect(from, to, y + 2, h - 4, fill, title, cls);
  /** A mark linked to the upgrade step it belongs to (its row in the steps table). */
  const linked = (wave: number | undefined, body: string): string =>
    wave === undefined ? body : `<a href="#wave-${wave}">${body}</a>`;

  // Axis: a tick per minute (or per 10 s on short runs).
  const span = t1 - t0;
  const step = span > 20 * 60_000 ? 300_000 : span > 4 * 60_000 ? 60_000 : 10_000;
  const ticks: string[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step)
    ticks.push(
      `<line x1="${x(t)}" x2="${x(t)}" y1="16" y2="100%" class="tick"/><text x="${x(t) + 2}" y="12" class="tk">${time(t)}</text>`,
    );

  lane(
    "lane-phases",
    "phases",
    r.phases
      .map(
        (p) =>
          bar(p.from, p.to, ROW, p.ok ? "#cfd8dc" : "#e57373", `${p.name}: ${p.message}`) +
          `<text x="${x(p.from) + 3}" y="${y + 15}" class="in" data-f="${p.from}" data-t="${p.to}">${esc(p.name)}</text>`,
      )
      .join(""),
  );
  // A lane per node of the scenario (even one the run never reached), then cluster-wide work.
  const nodes = [...new Set([...r.nodes, ...r.spans.map((s) => s.node ?? "cluster").sort()])];
  for (const n of nodes) {
    const spans = r.spans.filter((s) => (s.node ?? "cluster") === n);
    lane(
      `lane-${n}`,
      n,
      spans
        .map((s) =>
          linked(
            s.wave,
            bar(
              s.from,
              s.to ?? t1,
              ROW,
              s.failed ? "#d32f2f" : s.rollback ? "#7b1fa2" : colour(s.service),
              `wave ${s.wave} ${s.service} ${s.step}: ${s.description}${s.failed ? " (failed)" : ""}${s.rollback ? " (rollback)" : ""}, ${secs((s.to ?? t1) - s.from)}`,
              `act ${s.kind}`,
            ),
          ),
        )
        .join(""),
    );
  }
  // One lane per loadbalancer host: a thin row per backend server, its non-UP periods as the
  // watchers saw them on that loadbalancer.
  const byLb = new Map<string, Map<string, { at: number; status: string }[]>>();
  for (const h of r.loadbalancer) {
    const servers = byLb.get(h.lb) ?? new Map<string, { at: number; status: string }[]>();
    const k = `${h.backend}/${h.server}`;
    servers.set(k, [...(servers.get(k) ?? []), { at: h.at, status: h.status }]);
    byLb.set(h.lb, servers);
  }
  for (const [lb, servers] of [...byLb].sort()) {
    const keys = [...servers.keys()].sort();
    const SUB = 6;
    const parts: string[] = [];
    keys.forEach((k, row) => {
      const changes = servers.get(k) ?? [];
      changes.forEach((c, i) => {
        if (c.status === "UP" || c.status.startsWith("UP ")) return;
        const end = changes[i + 1]?.at ?? t1;
        const fill = c.status.includes("DRAIN")
          ? "#ffb74d"
          : c.status.includes("MAINT")
            ? "#90a4ae"
            : "#e53935";
        parts.push(
          rect(
            c.at,
            end,
            y + 2 + row * SUB,
            SUB - 1,
            fill,
            `${lb}: ${k}: ${c.status} for ${secs(end - c.at)}`,
            "hap",
          ),
        );
      });
    });
    lane(
      `lane-lb-${lb}`,
      `loadbalancer ${lb} (${keys.length} servers)`,
      parts.join(""),
      Math.max(14, keys.length * SUB + 4),
    );
  }
  for (const d of r.disruption.filter((x) => x.via === "vip")) {
    lane(
      `vip-${d.backend}-${d.connection}`,
      `VIP ${d.backend} (${d.connection})`,
      bar(t0, t1, 14, "#e8f5e9", `${d.backend} via the VIP: ${d.samples} probes`) +
        d.outages
          .map((o) =>
            linked(
              o.cause?.wave,
              bar(
                o.from,
                o.to,
                14,
                "#d32f2f",
                `unavailable ${secs(o.to - o.from)}: ${o.message} — ${describeCause(o.cause)}`,
                "outage",
              ),
            ),
          )
          .join(""),
      14,
    );
  }
  // Requests per second (ok and failed stacked) and latency p50/p99 (log scale): their own
  // picture, which the page's charts replace when its script runs.
  const load = r.load;
  const timelineRows = rows.length;
  const loadTop = y;
  if (load) {
    const per = load.perSecond;
    const maxRate = Math.max(1, ...per.map((p) => p.ok + p.failed));
    const H = 60;
    const bw = Math.max(1, ((W - LABEL - 10) / Math.max(1, (t1 - t0) / 1000)) * 0.9);
    lane(
      "rate",
      `requests/s (max ${maxRate})`,
      per
        .map((p) => {
          const at = load.startedAt + p.s * 1000;
          const hOk = (p.ok / maxRate) * (H - 4);
          const hBad = (p.failed / maxRate) * (H - 4);
          return `<rect x="${x(at).toFixed(1)}" y="${(y + H - hOk).toFixed(1)}" width="${bw.toFixed(1)}" height="${hOk.toFixed(1)}" fill="#90caf9"><title>${time(at)}: ${p.ok} ok, ${p.failed} failed</title></rect>${
            p.failed
              ? `<rect x="${x(at).toFixed(1)}" y="${(y + H - hOk - hBad).toFixed(1)}" width="${bw.toFixed(1)}" height="${Math.max(1, hBad).toFixed(1)}" fill="#d32f2f" class="err"><title>${time(at)}: ${p.failed} failed</title></rect>`
              : ""
          }`;
        })
        .join(""),
      H,
    );
    const maxLat = Math.max(10, ...per.map((p) => p.p99Ms));
    // Log scale from 1 ms: one 60 s timeout does not flatten every other second.
    const ly = (ms: number): number =>
      y + H - (Math.log10(Math.max(1, ms)) / Math.log10(maxLat)) * (H - 4);
    const line = (key: "p50Ms" | "p99Ms"): string =>
      per
        .map((p) => `${x(load.startedAt + p.s * 1000).toFixed(1)},${ly(p[key]).toFixed(1)}`)
        .join(" ");
    lane(
      "latency",
      `latency p50/p99, log (max ${maxLat} ms)`,
      `<polyline points="${line("p99Ms")}" fill="none" stroke="#e65100" stroke-width="1.2"><title>p99 per second</title></polyline><polyline points="${line("p50Ms")}" fill="none" stroke="#1565c0" stroke-width="1.2"><title>p50 per second</title></polyline>`,
      H,
    );
  }
  const loadRows = rows.splice(timelineRows);
  const loadH = y - loadTop + 8;
  y = loadTop;
  lane(
    "operations",
    "unfinished operations",
    r.operations
      .map((o) =>
        linked(
          o.cause?.wave,
          `<circle cx="${x(o.endedAt).toFixed(1)}" cy="${y + ROW / 2}" r="5" fill="${o.status === "stuck" ? "#ff8f00" : "#d32f2f"}" class="op" data-f="${o.endedAt}"><title>${esc(`${o.status} ${o.kind} ${o.id} ${o.verb}: ${o.state} ${o.reason} — ${describeCause(o.cause)}`)}</title></circle>`,
        ),
      )
      .join(""),
  );
  const svgH = y + 8;
  const svg = `<svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${svgH}" viewBox="0 0 ${W} ${svgH}" role="img" aria-label="run timeline"><g id="ticks">${ticks.join("")}</g>${rows.join("")}</svg>`;
  // The load's picture, shifted to its own SVG's top.
  const loadSvg =
    loadRows.length === 0
      ? ""
      : `<svg id="load-static" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${loadH}" viewBox="0 ${loadTop - 4} ${W} ${loadH}" role="img" aria-label="request rate and latency">${loadRows.join("")}</svg>`;
  const images = [
    ...new Map(r.containers.filter((c) => c.imageId).map((c) => [c.image, c.imageId ?? ""])),
  ].sort();
  const pageData = load
    ? {
        label: LABEL,
        width: W,
        t0,
        t1,
        seconds: load.perSecond.map((p) => (load.startedAt + p.s * 1000) / 1000),
        ok: load.perSecond.map((p) => p.ok),
        failed: load.perSecond.map((p) => p.failed),
        p50: load.perSecond.map((p) => (p.p50Ms > 0 ? p.p50Ms : null)),
        p99: load.perSecond.map((p) => (p.p99Ms > 0 ? p.p99Ms : null)),
      }
    : { label: LABEL, width: W, t0, t1, seconds: [], ok: [], failed: [], p50: [], p99: [] };
  // Inline JSON and scripts: nothing in them may close the script element.
  const inline = (text: string): string => text.replace(/<\/(script)/gi, "<\\/$1");

  const failedChecks = r.checks.filter((c) => !c.ok);
  const checkRows = [...failedChecks, ...r.checks.filter((c) => c.ok)]
    .map(
      (c) =>
        `<tr class="${c.ok ? (c.recorded ? "rec" : "ok") : "bad"}"><td>${c.ok ? (c.recorded ? "recorded" : "pass") : "FAIL"}</td><td>${esc(c.suite)}</td><td>${esc(c.name)}</td><td>${esc(c.message)}</td></tr>`,
    )
    .join("");
  const stepRows = r.steps
    .map(
      (s) =>
        `<tr id="wave-${s.wave}" class="${s.status === "failed" || s.failedRequests || s.unavailableMs || s.failedOperations ? "bad" : "ok"}"><td>${s.wave}</td><td><span class="sw" style="background:${colour(s.service)}"></span>${esc(s.service)}</td><td>${esc(s.step)}</td><td>${esc(s.nodes.join(", "))}</td><td>${time(s.from)}</td><td>${secs((s.to ?? s.from) - s.from)}</td><td>${esc(s.status)}${s.failedAction ? `: ${esc(s.failedAction)}` : ""}</td><td>${s.failedRequests}</td><td>${s.unavailableMs ? secs(s.unavailableMs) : "0"}</td><td>${s.failedOperations}</td><td>${esc(s.why)}</td></tr>`,
    )
    .join("");
  const failureRows = (load?.failures ?? [])
    .slice(0, 300)
    .map(
      (f) =>
        `<tr><td>${time(f.at)}</td><td>${esc(f.what)}${f.hint ? `<br><small class="hint">${esc(f.hint)}</small>` : ""}</td><td>${causeLink(f.cause)}${causeLogs(f.cause)}</td></tr>`,
    )
    .join("");
  const opRows = r.operations
    .map(
      (o) =>
        `<tr class="${esc(o.status)}"><td>${esc(o.status)}</td><td>${esc(o.kind)}</td><td><code>${esc(o.id)}</code></td><td>${esc(o.verb)} → ${esc(o.goal)}</td><td>${esc(o.state)}</td><td>${esc(o.reason)}${o.excused === undefined ? "" : `<br><em>recorded: ${esc(o.excused)}</em>`}</td><td>${time(o.acceptedAt)}</td><td>${causeLink(o.cause)}${causeLogs(o.cause)}</td></tr>`,
    )
    .join("");
  const bound = r.disruptionBoundMs;
  const disRows = r.disruption
    .map(
      (d) =>
        `<tr class="${d.unavailableMs > (bound ?? 0) ? "bad" : "ok"}"><td>${esc(d.backend)}</td><td>${esc(d.via)}</td><td>${esc(d.connection)}</td><td>${d.samples}</td><td>${d.unavailableMs}</td><td>${bound === undefined ? "-" : `${bound}${d.unavailableMs > bound ? " <b>exceeded</b>" : ""}`}</td><td>${d.longestMs}</td><td>${d.outages
          .slice(0, 3)
          .map(
            (o) => `${time(o.from)} ${esc(o.message)} (${causeLink(o.cause)}${causeLogs(o.cause)})`,
          )
          .join("<br>")}</td></tr>`,
    )
    .join("");
  // A row per route: how many, how many answered well, and the latency spread (from the due time).
  const routeRows = [...(load?.routes ?? [])]
    .sort((a, b) => a.route.localeCompare(b.route))
    .map(
      (x) =>
        `<tr class="${x.failed > 0 ? "bad" : "ok"}"><td><code>${esc(x.route)}</code></td><td>${x.count}</td><td>${x.failed}</td><td>${x.count === 0 ? "-" : ((100 * (x.count - x.failed)) / x.count).toFixed(x.failed > 0 ? 3 : 0)}</td><td>${x.p50Ms}</td><td>${x.p90Ms ?? "-"}</td><td>${x.p99Ms}</td><td>${x.maxMs}</td></tr>`,
    )
    .join("");
  const resRows = r.resources
    .map(
      (c) =>
        `<tr class="${c.ok ? "ok" : "bad"}"><td>${c.ok ? "pass" : "FAIL"}</td><td>${esc(c.kind)}</td><td>${esc(c.name)}</td><td>${esc(c.check)}</td><td>${esc(c.message)}</td></tr>`,
    )
    .join("");
  const conRows = r.containers
    .map(
      (c) =>
        `<tr class="${c.ok ? "ok" : "bad"}"><td>${esc(c.node)}</td><td>${esc(c.container)}</td><td>${esc(c.image)}</td><td>${esc(c.state)}</td><td>${esc(c.health)}</td></tr>`,
    )
    .join("");
  const crossRows = (r.crossVersion ?? [])
    .map(
      (f) =>
        `<tr class="bad"><td>${time(f.at)}</td><td>${esc(f.kind)}</td><td>${esc(`${f.node} ${f.container}`)}${logLinks(f.node, f.container)}</td><td>${esc(f.what)}</td><td>${causeLink(f.cause)}</td></tr>`,
    )
    .join("");
  const troubleRows = r.watch.trouble
    .slice(0, 200)
    .map(
      (t) =>
        `<tr><td>${time(t.at)}</td><td>${esc(t.what)}</td><td>${causeLink(t.cause)}${causeLogs(t.cause)}</td></tr>`,
    )
    .join("");
  // A row per window and request kind: what answered it, and which versions of each component served it.
  const coverageRows = (r.coverage ?? [])
    .map((w) =>
      w.kinds
        .map((k, i) => {
          const head =
            i === 0
              ? `<td rowspan="${w.kinds.length}">${esc(w.service)} ${esc(w.name)}<br><small>${time(w.from)}–${time(w.to)} (${secs(w.to - w.from)})</small></td><td rowspan="${w.kinds.length}">${Object.entries(
                  w.versions,
                )
                  .map(([c, tags]) => `${esc(c)}: ${tags.map(esc).join(" + ")}`)
                  .join("<br>")}</td>`
              : "";
          const servedBy = Object.entries(k.servedBy)
            .map(([c, tags]) => `${esc(c)}: ${tags.map(esc).join(" + ")}`)
            .join("<br>");
          return `<tr class="${k.missing.length > 0 ? "bad" : ""}">${head}<td><code>${esc(k.kind)}</code></td><td>${k.answered}</td><td>${servedBy || "<small>(no request id in the services' logs)</small>"}</td><td>${k.missing.length > 0 ? `not covered: ${k.missing.map(esc).join(", ")}` : "covered"}</td></tr>`;
        })
        .join(""),
    )
    .join("");
  const uncovered = (r.coverage ?? []).filter((w) => !w.covered).length;
  const legend = Object.entries(SERVICE_COLOURS)
    .filter(([svc]) => r.spans.some((s) => s.service === svc))
    .map(([svc, c]) => `<span class="sw" style="background:${c}"></span>${esc(svc)}`)
    .join(" ");
  const table = (id: string, head: string[], body: string, empty: string): string =>
    body
      ? `<table id="${id}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${body}</tbody></table>`
      : `<p id="${id}" class="empty">${esc(empty)}</p>`;

  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>kroll run ${esc(r.scenario)}: ${esc(r.verdict.toUpperCase())}</title>
${chart ? `<style>${chart.css}</style>` : ""}
<style>
#timeline{cursor:grab;user-select:none} #timeline a rect:hover{stroke:#000;stroke-width:1}
body{font:14px/1.4 system-ui,sans-serif;margin:16px 24px;color:#222}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:24px 0 6px} .hint{color:#666}
.verdict{display:inline-block;padding:2px 10px;border-radius:4px;color:#fff;font-weight:bold}
.verdict.pass{background:#2e7d32}.verdict.fail{background:#c62828}
table{border-collapse:collapse;font-size:12px;margin:4px 0}
td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#f5f5f5} tr.bad td{background:#ffebee} tr.rec td{background:#fff8e1} tr.stuck td{background:#fff3e0}
.lbl{font-size:11px;fill:#333}.tk{font-size:10px;fill:#777}.in{font-size:10px;fill:#333}
.tick{stroke:#eee}.grid{stroke:#f0f0f0}
.sw{display:inline-block;width:10px;height:10px;margin:0 3px 0 8px;border-radius:2px}
.empty{color:#777} code{font-size:11px}
</style></head><body>
<h1>kroll run — ${esc(r.scenario)} <span id="verdict" class="verdict ${esc(r.verdict)}">${esc(r.verdict.toUpperCase())}</span></h1>
<p id="summary">Strategy <b>${esc(r.strategy)}</b>; ${time(r.startedAt)}–${time(r.endedAt)} UTC (${secs(r.endedAt - r.startedAt)}); ${esc(r.reason)}.
${load ? `Load: <b>${load.requests}</b> requests, <b>${load.failed}</b> failed; ${load.operationsDone} operations done, ${r.operations.filter((o) => o.status === "failed").length} failed, ${r.operations.filter((o) => o.status === "stuck").length} stuck.` : "No load ran."}
${r.upgrade ? `Upgrade: ${esc(r.upgrade.status)}, ${r.upgrade.waves} waves — ${esc(r.upgrade.message)}.` : ""}</p>
${r.changes && r.changes.length > 0 ? `<p id="changes">Change under test: ${r.changes.map((c) => `${esc(c.service)} ${c.kind === "patch" ? "patch" : "commit"} <code>${esc(c.id)}</code> ${esc(c.subject)}${(c.notes ?? []).map((n) => ` <em>(${esc(n)})</em>`).join("")}`).join("; ")}.</p>` : ""}
<p id="meta">${r.kroll ? `kroll ${esc(r.kroll)}` : "kroll (version not recorded)"}${images.length > 0 ? `; images: ${images.map(([ref, id]) => `<code title="${esc(id)}">${esc(ref.split("/").pop() ?? ref)} ${esc(id.replace(/^sha256:/, "").slice(0, 12))}</code>`).join(", ")}` : ""}${r.logs ? `; logs: ${r.logs.files} files, ${(r.logs.bytes / 1048576).toFixed(1)} MiB in logs/ (bound ${(r.logs.maxTotalBytes / 1048576).toFixed(0)} MiB${r.logs.leftOut ? `, ${r.logs.leftOut} left out` : ""})` : ""}.</p>
${(r.warnings ?? []).length > 0 ? `<ul id="warnings">${(r.warnings ?? []).map((w) => `<li>${esc(w)}</li>`).join("")}</ul>` : ""}
${r.versions && r.versions.length > 0 ? `<p id="versions">Versions: ${r.versions.map((v) => `${esc(v.service)} <code>${esc(v.stable)}</code> → <code>${esc(v.proposed)}</code>${v.stable === v.proposed ? ` (${NO_CHANGE})` : ""}`).join("; ")}.</p>` : ""}
<h2>Timeline</h2><p>${legend} <span class="sw" style="background:#d32f2f"></span>failed / unavailable <span class="sw" style="background:#7b1fa2"></span>rollback <span class="sw" style="background:#ffb74d"></span>drain${chart ? ` <small class="hint">wheel: zoom · drag: pan · double click: the whole run · a bar: its step</small>` : ""}</p>
${svg}
${loadSvg}
${chart ? `<div id="charts" style="display:none"><div id="chart-rate"></div><div id="chart-latency"></div></div>` : ""}
<h2>Checks (${failedChecks.length} failed of ${r.checks.length})</h2>
${table("checks", ["result", "suite", "check", "detail"], checkRows, "no checks")}
<h2 id="windows">Mixed-version windows (${(r.coverage ?? []).length}, ${uncovered} not covered)</h2>
${table("coverage", ["window", "versions present", "request kind", "answered", "served by (from the services' logs)", "result"], coverageRows, "no window: no service with a load changed version")}
<h2>Upgrade steps</h2>
${table("steps", ["wave", "service", "step", "nodes", "start", "took", "status", "failed req.", "unavailable", "failed ops", "why"], stepRows, "the upgrade did not run")}
<h2>Failed requests (${load?.failed ?? 0})</h2>
${table("failures", ["at", "request", "during"], failureRows, "no request failed")}
<h2>Unfinished operations (${r.operations.length})</h2>
${table("stuck", ["status", "kind", "id", "operation", "last state", "reason", "accepted", "caused by"], opRows, "every accepted operation reached its goal")}
${r.recorded.length ? `<p class="rec">${r.recorded.map(esc).join("<br>")}</p>` : ""}
<h2>Requests by route</h2>
${table("routes", ["route", "requests", "failed", "success %", "p50 ms", "p90 ms", "p99 ms", "max ms"], routeRows, "no load ran")}
<h2>Disruption</h2>
${table("disruption", ["backend", "via", "connections", "probes", "unavailable ms", "bound ms", "longest ms", "outages"], disRows, "no probes ran")}
<h2>Resources kept across the upgrade</h2>
${table("resources", ["result", "kind", "name", "check", "detail"], resRows, "no resources were kept")}
<h2>Containers at the end</h2>
${table("containers", ["node", "container", "image", "state", "health"], conRows, "not checked")}
<h2 id="cross-version">Between versions (${(r.crossVersion ?? []).length})</h2>
${table("cross-version", ["at", "kind", "where", "what", "in the window of"], crossRows, "no RPC, object or data error, crash or traceback between versions")}
<h2>What the watchers saw</h2>
<p>${r.watch.containerEvents} container events, ${r.watch.logFindings} log findings, ${r.watch.loadbalancerChanges} loadbalancer server state changes.</p>
${table("trouble", ["at", "event", "during"], troubleRows, "nothing")}
${
  chart
    ? `<script type="application/json" id="kroll-data">${inline(JSON.stringify(pageData))}</script>
<script>${inline(chart.script)}</script>
<script>${inline(REPORT_SCRIPT)}</script>`
    : ""
}
</body></html>
`;
}
