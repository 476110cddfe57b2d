/**
 * PURE. A pinned API must answer 406 above its pinned microversion while every one of its
 * backends runs pinned, and must answer it no more once every backend is unpinned — both,
 * or a broken pin (one that caps nothing, or one that never lets go) passes the gate.
 *
 * Windows come from the journal's actions on the API's container: pinned from the end of its
 * last replacement before the unpin to the start of the unpin's first action on it; unpinned
 * from the end of the unpin's last action on it to the end of the load. Answers come from the
 * load's per-second counts of the newest microversion it reads (`load.profiles[].microversions[0]`).
 */
import type { ActionSpan } from "../report/model.js";
import type { MicroversionCount } from "../load/recorder.js";

export interface PinCheck {
  readonly service: string;
  /** The release the scenario pins to during the upgrade (`upgrade.pins`). */
  readonly release: string;
  /** The API's container (`ironic_api`). */
  readonly apiContainer: string;
  /** The microversion above the pin the load reads. */
  readonly newest: string;
}

export interface PinCheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly message: string;
}

/** Seconds this close to a window's edge are left out: a read due then may meet either side. */
const EDGE_MS = 3_000;
/** A window shorter than this leaves too few whole seconds inside its edges to judge. */
const MIN_WINDOW_MS = 2 * EDGE_MS + 5_000;

function count(
  counts: readonly MicroversionCount[],
  mv: string,
  loadStart: number,
  from: number,
  to: number,
): { s200: number; s406: number } {
  const r = { s200: 0, s406: 0 };
  for (const c of counts) {
    if (c.microversion !== mv) continue;
    const t = loadStart + c.s * 1000;
    if (t < from + EDGE_MS || t + 1000 > to - EDGE_MS) continue;
    if (c.status === 200) r.s200 += c.count;
    else if (c.status === 406) r.s406 += c.count;
  }
  return r;
}

export function pinChecks(
  pins: readonly PinCheck[],
  spans: readonly ActionSpan[],
  counts: readonly MicroversionCount[],
  loadStart: number | undefined,
  loadEnd: number | undefined,
): PinCheckResult[] {
  if (loadStart === undefined || loadEnd === undefined) return [];
  // The load read until its last counted second (the drain sends no new reads).
  const last = counts.reduce((m, c) => Math.max(m, c.s), -1);
  const readEnd = Math.min(loadEnd, loadStart + (last + 1) * 1000);
  const out: PinCheckResult[] = [];
  for (const p of pins) {
    const onApi = spans.filter((s) => s.service === p.service && s.container === p.apiContainer);
    const unpin = onApi.filter((s) => s.step === "unpin");
    const before = onApi.filter(
      (s) => s.step !== "unpin" && (unpin[0] === undefined || s.from < unpin[0].from),
    );
    const pinnedFrom = Math.max(...before.map((s) => s.to ?? s.from));
    const pinnedTo = unpin[0]?.from ?? readEnd;
    const label = `${p.service} pin (${p.release}): ${p.newest}`;
    if (before.length === 0) {
      out.push({
        name: `${label} answers 406 while pinned`,
        ok: true,
        message: `not reached: the upgrade stopped before ${p.apiContainer} was replaced pinned`,
      });
      continue;
    }
    const pinned = count(counts, p.newest, loadStart, pinnedFrom, pinnedTo);
    const secs = ((pinnedTo - pinnedFrom) / 1000).toFixed(0);
    if (pinnedTo - pinnedFrom < MIN_WINDOW_MS) {
      out.push({
        name: `${label} answers 406 while pinned`,
        ok: true,
        message: `not checked: every ${p.apiContainer} ran pinned for only ${secs} s (a checkpoint after ${p.service}'s API with a hold of 15 s or more lets it be checked)`,
      });
    } else
      out.push({
        name: `${label} answers 406 while pinned`,
        ok: pinned.s200 === 0 && pinned.s406 > 0,
        message:
          pinned.s200 > 0
            ? `the pin caps nothing: ${pinned.s200} read(s) at ${p.newest} answered 200 in the ${secs} s every ${p.apiContainer} ran pinned to ${p.release} (${pinned.s406} answered 406)`
            : pinned.s406 === 0
              ? `no read at ${p.newest} was answered in the ${secs} s every ${p.apiContainer} ran pinned: the pin was not seen (the load must read ${p.newest} throughout the upgrade)`
              : `${pinned.s406} read(s) at ${p.newest} answered 406 in the ${secs} s every ${p.apiContainer} ran pinned to ${p.release}, none 200`,
      });
    const lastUnpin = unpin.at(-1);
    if (lastUnpin?.to === undefined) {
      out.push({
        name: `${label} answers again after the unpin`,
        ok: true,
        message: `not reached: the upgrade stopped before ${p.apiContainer} was unpinned`,
      });
      continue;
    }
    const after = count(counts, p.newest, loadStart, lastUnpin.to, readEnd);
    const asecs = ((readEnd - lastUnpin.to) / 1000).toFixed(0);
    if (readEnd - lastUnpin.to < MIN_WINDOW_MS) {
      out.push({
        name: `${label} answers again after the unpin`,
        ok: true,
        message: `not checked: the load read ${p.newest} for only ${asecs} s after the unpin (load.after keeps it running after the upgrade)`,
      });
      continue;
    }
    out.push({
      name: `${label} answers again after the unpin`,
      ok: after.s406 === 0 && after.s200 > 0,
      message:
        after.s406 > 0
          ? `the pin never let go: ${after.s406} read(s) at ${p.newest} answered 406 in the ${asecs} s after every ${p.apiContainer} was unpinned (${after.s200} answered 200)`
          : after.s200 === 0
            ? `no read at ${p.newest} was answered in the ${asecs} s after the unpin: the unpin was not seen`
            : `${after.s200} read(s) at ${p.newest} answered 200 in the ${asecs} s after the unpin, none 406`,
    });
  }
  return out;
}
