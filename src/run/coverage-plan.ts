/**
 * PURE. A run's windows and what covers them, from its scenario, its journal's steps and its
 * load: which of a service's steps change a version (from its recipe), where its components
 * run, its old and new tags, and the kinds of request its load profile sent.
 */
import { hostsOfGroup, layoutFor } from "../kolla/layout.js";
import type { CoverageEntry } from "../load/recorder.js";
import type { Scenario } from "../scenario/schema.js";
import { componentsFor, recipeFor, SERVICES } from "../services/catalogue.js";
import type { ServiceName, Stage } from "../services/catalogue.js";
import type { ServedBy } from "../watch/served.js";
import { coverWindows, windowsOf } from "./coverage.js";
import type { CoverageStep, CoveredRequest, WindowCoverage } from "./coverage.js";

/** A stage that changes nothing a request could meet: a status check, a wait for idle. */
const changesNothing = (st: Stage | undefined): boolean =>
  st === undefined || st.kind === "waitIdle" || (st.kind === "oneShot" && /_CHECK$/.test(st.mode));

/** Whether a finished step of `service` opens a window the load must cover. */
export function opensWindow(
  s: Scenario,
  strategy: "rolling" | "kolla-ansible",
  service: string,
  step: string,
): boolean {
  if (!(SERVICES as readonly string[]).includes(service)) return false;
  if (!s.load.profiles.some((p) => p.kind === service)) return false;
  if (s.upgrade.leave_on_stable.services.includes(service)) return false;
  const stages = recipeFor(service as ServiceName, strategy).stages;
  const st = stages.find((x) => x.id === step);
  if (changesNothing(st)) return false;
  // After the last stage that changes anything the service is whole again: nothing mixed.
  const last = [...stages].reverse().find((x) => !changesNothing(x));
  return st !== last;
}

export function runCoverage(
  s: Scenario,
  strategy: "rolling" | "kolla-ansible",
  steps: readonly {
    readonly service: string;
    readonly step: string;
    readonly nodes: readonly string[];
    readonly from: number;
    readonly to: number | undefined;
  }[],
  log: readonly CoverageEntry[],
  served: (requestId: string) => readonly ServedBy[],
  /** While the upgrade runs: one service's windows, the last one open until `at`. */
  live?: { readonly service: string; readonly at: number },
): WindowCoverage[] {
  const kindOfProfile = new Map(s.load.profiles.map((p) => [p.name ?? p.kind, p.kind]));
  const requests: CoveredRequest[] = log.map((e) => ({
    service: kindOfProfile.get(e.profile) ?? e.profile,
    kind: e.kind,
    at: e.at,
    ok: e.ok,
    requestId: e.requestId,
  }));
  const layout = layoutFor(s.kolla.release);
  const loaded = new Set(s.load.profiles.map((p) => p.kind));
  const out: WindowCoverage[] = [];
  for (const svc of SERVICES) {
    if (!loaded.has(svc) || !s.services.includes(svc)) continue;
    if (live !== undefined && live.service !== svc) continue;
    if (s.upgrade.leave_on_stable.services.includes(svc)) continue;
    const recipe = recipeFor(svc, strategy);
    const coverageSteps: CoverageStep[] = steps
      .filter((x) => x.service === svc)
      .map((x) => {
        const st = recipe.stages.find((r) => r.id === x.step);
        return {
          ...x,
          changes: !changesNothing(st),
          replaces: st?.kind === "roll" ? st.components : [],
        };
      });
    const placement = Object.fromEntries(
      componentsFor(svc, s.kolla.release).map((c) => [
        c.key,
        hostsOfGroup(layout, c.group, s.cluster.nodes),
      ]),
    );
    const tags = {
      from: s.kolla.tags[svc]?.stable ?? s.kolla.stable,
      to: s.kolla.tags[svc]?.target ?? s.kolla.target,
    };
    const kinds = [...new Set(requests.filter((r) => r.service === svc).map((r) => r.kind))];
    out.push(
      ...coverWindows(windowsOf(svc, coverageSteps, placement, tags, live?.at), requests, served, {
        [svc]: kinds,
      }),
    );
  }
  return out;
}
