/**
 * PURE. The run's checks as a subunit v2 stream (`results.subunit`), what OpenStack's jobs turn
 * into `testr_results.html`: the same checks as junit.xml, one test each
 * (`kroll.<scenario>.<suite>.<check>`), started and ended at the times of what it checks — a
 * step's check spans its step, the SLOs the upgrade, the resources and the cluster the verify
 * phase — a failing one carrying its message as an attachment named `reason`.
 *
 * subunit v2 (python-subunit's `subunit/v2.py` reads it): per event one packet of signature
 * 0xB3, 16-bit flags (version 2, the fields present, the status in the low 3 bits), the packet's
 * whole length as a variable-length number, the fields in a fixed order (timestamp, test id,
 * tags, MIME type, file content, route code), and the CRC-32 of all that, big-endian.
 */
import { crc32 } from "node:zlib";
import type { Check, RunReport } from "./model.js";

const SIGNATURE = 0xb3;
const VERSION_2 = 0x2000;
const FLAG_TEST_ID = 0x0800;
const FLAG_TIMESTAMP = 0x0200;
const FLAG_RUNNABLE = 0x0100;
const FLAG_FILE_CONTENT = 0x0040;
const FLAG_MIME_TYPE = 0x0020;
const FLAG_EOF = 0x0010;
const STATUS = { inprogress: 0x2, success: 0x3, fail: 0x6 } as const;

/** subunit's variable-length number: 1 to 4 bytes, the top two bits of the first say how many. */
export function encodeNumber(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0 || n >= 0x40000000)
    throw new RangeError(`subunit cannot encode ${n}`);
  if (n < 0x40) return Buffer.from([n]);
  if (n < 0x4000) return Buffer.from([0x40 | (n >> 8), n & 0xff]);
  if (n < 0x400000) return Buffer.from([0x80 | (n >> 16), (n >> 8) & 0xff, n & 0xff]);
  const b = Buffer.alloc(4);
  b.writeUInt32BE((0xc0000000 | n) >>> 0);
  return b;
}

const utf8 = (s: string): Buffer => {
  const b = Buffer.from(s, "utf8");
  return Buffer.concat([encodeNumber(b.length), b]);
};

interface Event {
  readonly id: string;
  readonly status: keyof typeof STATUS;
  readonly at: number;
  readonly reason?: string;
}

function packet(e: Event): Buffer {
  let flags = VERSION_2 | FLAG_TEST_ID | FLAG_TIMESTAMP | FLAG_RUNNABLE | STATUS[e.status];
  const ts = Buffer.alloc(4);
  ts.writeUInt32BE(Math.floor(e.at / 1000));
  const body: Buffer[] = [ts, encodeNumber((e.at % 1000) * 1_000_000), utf8(e.id)];
  if (e.reason !== undefined) {
    flags |= FLAG_MIME_TYPE | FLAG_FILE_CONTENT | FLAG_EOF;
    const text = Buffer.from(e.reason, "utf8");
    body.push(utf8("text/plain;charset=utf8"), utf8("reason"), encodeNumber(text.length), text);
  }
  const head = Buffer.alloc(3);
  head.writeUInt8(SIGNATURE, 0);
  head.writeUInt16BE(flags, 1);
  // The length counts the whole packet, its own bytes and the CRC included.
  const base = head.length + body.reduce((n, b) => n + b.length, 0) + 4;
  const lengthBytes = base <= 62 ? 1 : base <= 16_381 ? 2 : 3;
  const content = Buffer.concat([head, encodeNumber(base + lengthBytes), ...body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(content) >>> 0);
  return Buffer.concat([content, crc]);
}

/** The span a check covers: its step's, else the phase it is judged in, else the run's. */
function spanOf(r: RunReport, c: Check): { from: number; to: number } {
  const wave = c.wave ?? /^wave (\d+):/.exec(c.name)?.[1];
  const step = wave === undefined ? undefined : r.steps.find((s) => s.wave === Number(wave));
  if (step) return { from: step.from, to: step.to ?? step.from };
  const phase = r.phases.find(
    (p) => p.name === (c.suite === "slo" || c.suite === "steps" ? "upgrade" : "verify"),
  );
  return phase ? { from: phase.from, to: phase.to } : { from: r.startedAt, to: r.endedAt };
}

/** Longest reason kept (a packet is at most 4 MB; a reason is a few lines). */
const MAX_REASON = 64 * 1024;

export function subunitV2(r: RunReport): Buffer {
  const out: Buffer[] = [];
  for (const c of r.checks) {
    const id = `kroll.${r.scenario}.${c.suite}.${c.name}`;
    const { from, to } = spanOf(r, c);
    out.push(packet({ id, status: "inprogress", at: from }));
    out.push(
      packet({
        id,
        status: c.ok ? "success" : "fail",
        at: Math.max(from, to),
        ...(c.ok ? {} : { reason: (c.detail ?? c.message).slice(0, MAX_REASON) }),
      }),
    );
  }
  return Buffer.concat(out);
}
