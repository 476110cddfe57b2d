/**
 * PURE. Which mixed-version windows the load exercised, and against which versions.
 *
 * A window is a state the upgrade passes through between two of a service's steps that change
 * something (a schema upgrade, a container replaced on a node, an unpin): from the end of one
 * to the end of the next, "after db-upgrade" (new schema, old services), "after conductors on
 * node1" (one new conductor, the others old), … until the service is whole again. A step that
 * changes nothing (a status check, a wait for idle) opens no window.
 *
 * Every kind of request the service's load profile sends (its routes, and the verbs of the
 * operations it follows) must be answered in every window, and by every version present there
 * of each component that serves that kind: the services log the request id of what they serve
 * (the API that answered and the workers its RPC reached), so the watchers' ServedIndex says
 * which container, on which image, served each request. A kind that a component never served
 * in the whole run (a conductor and a node list) is not asked of it. A window where a kind was
 * not answered, or a present version never served it, is "not covered": a failed check, never
 * a pass.
 */
import type { ServedBy } from "../watch/served.js";

/** One of the load's requests, as coverage needs it. */
export interface CoveredRequest {
  readonly service: string;
  /** `METHOD /route/{template}`, with the operation's verb where it has one (`… manage`). */
  readonly kind: string;
  readonly at: number;
  readonly ok: boolean;
  readonly requestId: string | undefined;
}

/** One step of the upgrade as it ran. */
export interface CoverageStep {
  readonly service: string;
  readonly step: string;
  readonly nodes: readonly string[];
  readonly from: number;
  readonly to: number | undefined;
  /** It changes a version: what runs (a container's image, a pin) or the schema. */
  readonly changes: boolean;
  /** The components whose containers it replaces on `nodes` (none for a one-shot or unpin). */
  readonly replaces: readonly string[];
}

export interface CoverageWindow {
  readonly service: string;
  readonly name: string;
  readonly from: number;
  readonly to: number;
  /** Per component, the versions (image tags) running in it: old on some nodes, new on others. */
  readonly versions: Readonly<Record<string, readonly string[]>>;
}

export interface KindCoverage {
  readonly kind: string;
  /** Requests of the kind answered without error in the window. */
  readonly answered: number;
  /** Per component, the versions that served some of them (from the services' logs). */
  readonly servedBy: Readonly<Record<string, readonly string[]>>;
  /** What is missing: "no request", or "<component> <tag> served none". */
  readonly missing: readonly string[];
}

export interface WindowCoverage extends CoverageWindow {
  readonly kinds: readonly KindCoverage[];
  readonly covered: boolean;
}

/** The tag of an image reference (`…/ironic-conductor:proposed` → `proposed`). */
export const tagOf = (image: string): string => {
  const colon = image.lastIndexOf(":");
  return colon > image.lastIndexOf("/") ? image.slice(colon + 1) : "latest";
};

/** The component of a container by kolla's naming (`ironic_conductor` → `ironic-conductor`). */
export const componentOf = (container: string): string =>
  container.replace(/_kroll_old$/, "").replaceAll("_", "-");

/**
 * The windows of one service: after each of its changing steps but the last, until the next
 * one ends. `placement` says where each of its components runs at the start (component →
 * nodes), `tags` its old and new tag.
 */
export function windowsOf(
  service: string,
  steps: readonly CoverageStep[],
  placement: Readonly<Record<string, readonly string[]>>,
  tags: { readonly from: string; readonly to: string },
  /** While the upgrade runs: the window after the last step so far, open until this time. */
  openEnd?: number,
): CoverageWindow[] {
  const mine = steps.filter((s) => s.service === service && s.changes && s.to !== undefined);
  const at = new Map<string, string>(); // "component node" → tag
  for (const [comp, nodes] of Object.entries(placement))
    for (const n of nodes) at.set(`${comp} ${n}`, tags.from);
  const out: CoverageWindow[] = [];
  mine.forEach((s, i) => {
    for (const comp of s.replaces) for (const n of s.nodes) at.set(`${comp} ${n}`, tags.to);
    const next = mine[i + 1];
    const to = next?.to ?? (i === mine.length - 1 ? openEnd : undefined);
    if (s.to === undefined || to === undefined) return;
    const versions: Record<string, string[]> = {};
    for (const [k, tag] of at) {
      const comp = k.split(" ")[0] ?? "";
      const list = (versions[comp] ??= []);
      if (!list.includes(tag)) list.push(tag);
    }
    out.push({
      service,
      name: `after ${s.step}${s.nodes.length > 0 ? ` on ${s.nodes.join(", ")}` : ""}`,
      from: s.to,
      to,
      versions,
    });
  });
  return out;
}

/**
 * How each window was covered. `kinds` are the service's request kinds (its profile's); which
 * components serve a kind is learnt from the whole run's evidence.
 */
export function coverWindows(
  windows: readonly CoverageWindow[],
  requests: readonly CoveredRequest[],
  served: (requestId: string) => readonly ServedBy[],
  kinds: Readonly<Record<string, readonly string[]>>,
): WindowCoverage[] {
  // Which components ever served each kind (a kind the conductors never see is not asked of them).
  const servers = new Map<string, Set<string>>();
  for (const r of requests) {
    if (!r.ok || r.requestId === undefined) continue;
    const set = servers.get(`${r.service} ${r.kind}`) ?? new Set<string>();
    for (const by of served(r.requestId)) set.add(componentOf(by.container));
    servers.set(`${r.service} ${r.kind}`, set);
  }
  return windows.map((w) => {
    const inside = requests.filter(
      (r) => r.service === w.service && r.ok && r.at >= w.from && r.at < w.to,
    );
    const result: KindCoverage[] = (kinds[w.service] ?? []).map((kind) => {
      const mine = inside.filter((r) => r.kind === kind);
      const servedBy: Record<string, string[]> = {};
      for (const r of mine)
        for (const by of r.requestId === undefined ? [] : served(r.requestId)) {
          const list = (servedBy[componentOf(by.container)] ??= []);
          const tag = tagOf(by.image);
          if (!list.includes(tag)) list.push(tag);
        }
      const missing: string[] = [];
      if (mine.length === 0) missing.push("no request answered");
      else
        for (const comp of servers.get(`${w.service} ${kind}`) ?? [])
          for (const tag of w.versions[comp] ?? [])
            if (!(servedBy[comp] ?? []).includes(tag)) missing.push(`${comp} ${tag} served none`);
      return { kind, answered: mine.length, servedBy, missing };
    });
    return { ...w, kinds: result, covered: result.every((k) => k.missing.length === 0) };
  });
}

/** One line for a window's check: covered, or what is missing. */
export function describeCoverage(w: WindowCoverage): string {
  const secs = Math.round((w.to - w.from) / 1000);
  if (w.covered)
    return `${w.kinds.length} request kinds answered by every version present (${secs} s; ${w.kinds.map((k) => `${k.kind} ×${k.answered}`).join(", ")})`;
  return `window not covered (${secs} s): ${w.kinds
    .filter((k) => k.missing.length > 0)
    .map((k) => `${k.kind}: ${k.missing.join(", ")}`)
    .join("; ")}`;
}
