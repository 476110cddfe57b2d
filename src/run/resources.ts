/**
 * EFFECT. Grenade-style resources: created on the stable cluster before the upgrade, checked
 * after it — still there, still in their state, their data unchanged, still usable — then
 * removed. They catch what a load of short-lived objects cannot: rows migrated under long-lived
 * objects, and objects the new code cannot act on. What each service keeps, and how it checks
 * it, is its pack's (`kept` in src/services/<service>/); this runs them.
 */
import { sendTo } from "../cluster/http-client.js";
import type { Clock } from "../core/clock.js";
import { frontUrl } from "../scenario/derived.js";
import type { Scenario } from "../scenario/schema.js";
import { KEPT_PACKS } from "../services/catalogue.js";
import type { KeptKit, KeptResource, KeptSpec } from "../services/types.js";
import type { WatchRecord } from "../watch/records.js";

export type { KeptResource };

export interface ResourceCheck {
  readonly kind: string;
  readonly id: string;
  readonly name: string;
  /** present, state, data, usable, cleanup */
  readonly check: string;
  readonly ok: boolean;
  readonly message: string;
}

/** One service's kept resources and the URL of its API through the front. */
export interface KeptService {
  readonly service: string;
  readonly spec: KeptSpec;
  readonly url: string;
}

/** The scenario's services that keep resources, each with its API through the front. */
export const keptServices = (s: Scenario): KeptService[] =>
  KEPT_PACKS.filter((p) => s.services.includes(p.spec.name)).map((p) => ({
    service: p.spec.name,
    spec: p.kept,
    url: frontUrl(s, p.spec.name, p.kept.api),
  }));

export interface ResourceDeps {
  readonly services: readonly KeptService[];
  readonly clock: Clock;
  /** Per resource and step. */
  readonly deadlineMs: number;
  readonly pollMs?: number;
}

const kitFor = (d: ResourceDeps, url: string): KeptKit => ({
  send: sendTo(url),
  clock: d.clock,
  deadlineMs: d.deadlineMs,
  pollMs: d.pollMs ?? 1_000,
});

/**
 * Creates each service's resources (`count` of them, named `kroll-keep-<tag>-<service>-<i>`),
 * taken to their steady state. Throws with what went wrong; what was created before the error
 * is in `created`, so it is removed all the same.
 */
export async function createResources(
  d: ResourceDeps,
  tag: string,
  created: KeptResource[],
): Promise<void> {
  const jobs = d.services.flatMap((svc) =>
    Array.from({ length: svc.spec.count }, (_, i) =>
      svc.spec.create(
        kitFor(d, svc.url),
        `kroll-keep-${tag}-${svc.service}-${i}`,
        `${tag}-${i}`,
        (k) => created.push(k),
      ),
    ),
  );
  const results = await Promise.allSettled(jobs);
  const bad = results.find((x) => x.status === "rejected");
  if (bad) throw bad.reason;
}

/**
 * Checks each resource created before the upgrade, through its pack, then removes it. Never
 * throws: every outcome is a check.
 */
export async function verifyResources(
  d: ResourceDeps,
  kept: readonly KeptResource[],
): Promise<ResourceCheck[]> {
  const all = await Promise.all(
    kept.map(async (k) => {
      const out: ResourceCheck[] = [];
      const add = (check: string, ok: boolean, message: string): boolean => {
        out.push({ kind: k.kind, id: k.id, name: k.name, check, ok, message });
        return ok;
      };
      const svc = d.services.find((s) => s.service === k.service);
      if (!svc) {
        add("present", false, `no pack keeps ${k.kind} ${k.name} of ${k.service}`);
        return out;
      }
      await svc.spec
        .verify(kitFor(d, svc.url), k, async (check, fn) => {
          try {
            return add(check, true, await fn());
          } catch (e) {
            return add(check, false, e instanceof Error ? e.message : String(e));
          }
        })
        .catch((e: unknown) => add("verify", false, e instanceof Error ? e.message : String(e)));
      return out;
    }),
  );
  return all.flat();
}

/**
 * While the upgrade runs: every `everyMs`, each kept resource's data as its API shows it
 * (read-only, the pack's `drift`), and a record the first time it differs from what was kept —
 * the time tells the report which step's window lost it. A read that fails is tried again.
 */
export function watchKept(
  d: ResourceDeps,
  kept: readonly KeptResource[],
  everyMs = 5_000,
): { records(): readonly WatchRecord[]; stop(): Promise<WatchRecord[]> } {
  const out: WatchRecord[] = [];
  const seen = new Set<string>();
  const stop = new AbortController();
  const loop = (async () => {
    while (!stop.signal.aborted) {
      await d.clock.sleep(everyMs, stop.signal).catch(() => undefined);
      if (stop.signal.aborted) break;
      await Promise.all(
        kept.map(async (k) => {
          const svc = d.services.find((x) => x.service === k.service);
          if (!svc?.spec.drift || seen.has(k.id)) return;
          const what = await svc.spec.drift(kitFor(d, svc.url), k).catch(() => undefined);
          if (what === undefined) return;
          seen.add(k.id);
          out.push({
            kind: "kept",
            at: d.clock.now(),
            service: k.service,
            resource: k.kind,
            name: k.name,
            what,
          });
        }),
      );
    }
  })();
  return {
    records: () => out,
    async stop() {
      stop.abort();
      await loop;
      return out;
    },
  };
}
