/**
 * PURE. Known hazards of the services kroll upgrades (each pack's `hazards`): a failure whose
 * text and step match one gets a hint naming the mechanism and what narrows it, so a gate
 * reviewer reading the JUnit file or the report knows where to look. Each entry was reproduced
 * on the lab and is explained in docs/lab-findings.md; a hint explains a failure, it never
 * excuses one (the verdict does not change).
 */
import type { Attribution } from "../report/model.js";
import { SERVICES, packOf } from "../services/catalogue.js";

const HAZARDS = SERVICES.flatMap((s) => packOf(s).hazards ?? []);

/** The hint for a failure seen while `cause` ran, if it matches a known hazard. */
export function hazardHint(what: string, cause: Attribution | undefined): string | undefined {
  const c = cause?.container;
  if (c === undefined) return undefined;
  return HAZARDS.find((h) => h.container.test(c) && h.what.test(what))?.hint;
}
