/**
 * EFFECT. A run's reports, written into its run directory from what the run saw: summary.json,
 * junit.xml, report.html and events.jsonl (as the scenario's report.formats ask), every
 * passwords.yml value scrubbed.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { BuiltChange } from "../change/build.js";
import { loadSlo } from "../load/session.js";
import type { LoadResult } from "../load/session.js";
import { spansFromJournal } from "../report/model.js";
import type { Scenario } from "../scenario/schema.js";
import { packOf } from "../services/catalogue.js";
import type { ServiceName } from "../services/catalogue.js";
import type { PinCheck } from "./pins.js";
import type { UpgradeOutcome } from "../upgrade/executor.js";
import { journalForReport } from "../upgrade/journal.js";
import { JOURNAL } from "../upgrade/write.js";
import { recordedStuck } from "../watch/detectors.js";
import { TROUBLE } from "../watch/watcher.js";
import type { WatchRecord } from "../watch/watcher.js";
import { krollVersion } from "../core/version.js";
import type { CollectIndex } from "./collect.js";
import { chartAssets } from "./chart-assets.js";
import { reportHtml } from "./html.js";
import { runWarnings } from "./warnings.js";
import { junitXml } from "./junit.js";
import { subunitV2 } from "./subunit.js";
import { buildRunReport, stepsFromJournal, stuckExcuse } from "./model.js";
import { runCoverage } from "./coverage-plan.js";
import { scrubDeep } from "./scrub.js";
import type { ServedBy } from "../watch/served.js";
import type { ContainerState, Phase, RunReport, VersionChange } from "./model.js";
import type { ResourceCheck } from "./resources.js";

export function writeRunReports(
  cwd: string,
  i: {
    s: Scenario;
    file: string;
    strategy: string;
    runDir: string;
    startedAt: number;
    phases: Phase[];
    outcome: UpgradeOutcome | undefined;
    loadResult: LoadResult | undefined;
    watched: readonly WatchRecord[];
    resources: ResourceCheck[];
    containers: ContainerState[];
    setupError: string | undefined;
    allowed: number | undefined;
    versions: VersionChange[] | undefined;
    /** The changes under review the proposed images were built from. */
    changes: readonly BuiltChange[];
    /** Replaces every passwords.yml value in what is written. */
    scrub: (text: string) => string;
    /** What logs/ holds (the collector's index). */
    logs?: CollectIndex | undefined;
    /** Which containers logged each request id (the watchers'): who served what. */
    served?: ((requestId: string) => readonly ServedBy[]) | undefined;
  },
): RunReport {
  mkdirSync(i.runDir, { recursive: true });
  let text: string | undefined;
  try {
    text = readFileSync(join(i.runDir, JOURNAL), "utf8");
  } catch {
    text = undefined;
  }
  const { records: journal, problem: journalProblem } = journalForReport(
    text,
    i.phases.some((p) => p.name === "upgrade"),
  );
  const lr = i.loadResult;
  const spans = spansFromJournal(journal);
  const served = i.served ?? ((): readonly ServedBy[] => []);
  const recordable = recordedStuck(i.s.slo);
  // The load's SLOs again, now that the journal and the logs say which stuck operation lost
  // its worker to a replacement (recorded) and which did not (failed).
  const now =
    lr &&
    loadSlo(i.s, lr.summary, lr.polls, (o) => stuckExcuse(spans, served, recordable, o)?.reason);
  const loadSloNow = lr &&
    now && {
      breaches: [...lr.slo.breaches.filter((b) => b.slo === "load_profiles"), ...now.breaches],
      recorded: now.recorded,
    };
  const built = buildRunReport({
    scenario: i.s.name,
    nodes: i.s.cluster.nodes.map((n) => n.name),
    file: i.file,
    strategy: i.strategy,
    runDir: relative(cwd, i.runDir),
    startedAt: i.startedAt,
    endedAt: Date.now(),
    phases: i.phases,
    journal,
    journalProblem,
    spans,
    known: i.s.known_failures,
    ...(lr && i.phases.some((p) => p.name === "upgrade")
      ? {
          coverage: runCoverage(
            i.s,
            i.strategy === "kolla-ansible" ? "kolla-ansible" : "rolling",
            stepsFromJournal(journal),
            lr.coverage,
            served,
          ),
        }
      : {}),
    outcome: i.outcome,
    load: lr
      ? { summary: lr.summary, polls: lr.polls, slo: loadSloNow ?? lr.slo, startedAt: lr.startedAt }
      : undefined,
    watched: i.watched,
    trouble: TROUBLE,
    resources: i.resources,
    containers: i.containers,
    setupError: i.setupError,
    allowedDisruptionMs: i.allowed,
    maxDisruptionMs: i.s.slo.max_disruption,
    recordedStuck: recordable,
    served,
    pins: pinsToCheck(i.s),
    versions: i.versions,
    changes: i.changes.map((c) => ({
      service: c.service,
      kind: c.kind,
      id: c.id,
      subject: c.subject,
      images: c.images.map((x) => x.ref),
      ...(c.notes.length > 0 ? { notes: c.notes } : {}),
    })),
    kroll: krollVersion(),
    logs: i.logs && {
      files: i.logs.files.length,
      bytes: i.logs.bytes,
      maxTotalBytes: i.logs.maxTotalBytes,
      leftOut: i.logs.leftOut.length,
      cut: i.logs.files.filter((f) => f.cut !== undefined).length,
      containerLogs: i.logs.files
        .map((f) => f.path)
        .filter((p) => /^[^/]+\/(containers|retired)\/[^/]+\.log$/.test(p)),
    },
  });
  // Scrubbed before it is serialised (every string), and again after (every encoded form).
  const report: RunReport = scrubDeep({ ...built, warnings: runWarnings(built, i.s.slo) }, i.scrub);
  const formats = i.s.report.formats;
  const out = (name: string, text: string): void =>
    writeFileSync(join(i.runDir, name), i.scrub(text));
  out("summary.json", `${JSON.stringify(report, null, 1)}\n`);
  if (formats.includes("junit")) out("junit.xml", junitXml(report));
  // Binary: the scrub runs on its text before it is encoded (a reason is the check's message).
  if (formats.includes("subunit"))
    writeFileSync(
      join(i.runDir, "results.subunit"),
      subunitV2({
        ...report,
        checks: report.checks.map((c) => ({
          ...c,
          message: i.scrub(c.message),
          ...(c.detail === undefined ? {} : { detail: i.scrub(c.detail) }),
        })),
      }),
    );
  if (formats.includes("html")) out("report.html", reportHtml(report, chartAssets()));
  if (formats.includes("events")) out("events.jsonl", eventLines(report, journal, i.watched));
  return report;
}

/**
 * The pins whose answers can be checked: a service pinned during the upgrade whose load reads
 * more than one microversion (the first, newest, is above the pin).
 */
export function pinsToCheck(s: Scenario): PinCheck[] {
  const out: PinCheck[] = [];
  for (const [service, release] of Object.entries(s.upgrade.pins)) {
    if (release === undefined) continue;
    const load = packOf(service as ServiceName).load;
    const comp = packOf(service as ServiceName).spec.components.find((c) => c.key === load?.api);
    for (const p of s.load.profiles) {
      const newest = p.kind === service ? load?.pinnedRead?.(p) : undefined;
      if (newest === undefined || !comp) continue;
      out.push({ service, release, apiContainer: comp.container, newest });
      break;
    }
  }
  return out;
}

/** The timeline, one JSON object per line, in time order. */
function eventLines(
  r: RunReport,
  journal: readonly { type: string; ts: number }[],
  watched: readonly WatchRecord[],
): string {
  const ev: { t: number; kind: string; [k: string]: unknown }[] = [
    ...r.phases.map((p) => ({ t: p.from, kind: "phase", ...p })),
    ...journal
      .filter((j) => j.type !== "run")
      .map((j) => ({ ...j, t: j.ts, kind: `upgrade.${j.type}` })),
    ...watched.map((w) => ({ ...w, t: w.at, kind: `watch.${w.kind}` })),
    ...(r.load?.failures ?? []).map((f) => ({
      t: f.at,
      kind: "request.failed",
      what: f.what,
      cause: f.cause,
    })),
    ...r.operations.map((o) => ({ ...o, t: o.endedAt, kind: `operation.${o.status}` })),
    ...r.disruption.flatMap((d) =>
      d.outages.map((o) => ({
        t: o.from,
        kind: "unavailable",
        backend: d.backend,
        via: d.via,
        connection: d.connection,
        ...o,
      })),
    ),
    ...(r.load?.perSecond ?? []).map((p) => ({
      t: (r.load?.startedAt ?? 0) + p.s * 1000,
      kind: "second",
      ...p,
    })),
  ];
  return ev
    .sort((a, b) => a.t - b.t)
    .map((e) => JSON.stringify(e))
    .join("\n")
    .concat("\n");
}
