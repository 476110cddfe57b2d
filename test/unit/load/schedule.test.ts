import { expect } from "chai";
import { dueAt, dueBy } from "../../../src/load/schedule.js";
import { runOpenLoop } from "../../../src/load/generator.js";
import { ManualClock } from "../../fakes/manual-clock.js";

describe("load/schedule", () => {
  const s = { rate: 10, rampMs: 10_000, durationMs: 20_000 };
  it("ramps linearly then holds the rate: 50 requests in a 10 s ramp to 10/s, then one every 100 ms", () => {
    expect(dueAt(s, 0)).to.equal(0);
    expect(dueAt(s, 50)).to.be.closeTo(10_000, 1e-6);
    expect(dueAt(s, 51)).to.be.closeTo(10_100, 1e-6);
    expect(dueBy(s, 10_000)).to.equal(51);
    expect(dueBy(s, 20_000)).to.equal(151);
    expect(dueAt(s, 151)).to.equal(undefined);
  });
  it("sends at the rate from the start without a ramp", () => {
    const flat = { rate: 4, rampMs: 0, durationMs: 1_000 };
    expect([0, 1, 2, 3, 4].map((k) => dueAt(flat, k))).to.deep.equal([0, 250, 500, 750, 1000]);
  });
});

describe("load/generator.runOpenLoop", () => {
  it("holds the rate when responses stall (open loop): sends are due-time spaced, not response-paced", async () => {
    const clock = new ManualClock(0);
    const sentAt: number[] = [];
    const run = runOpenLoop({
      schedule: { rate: 10, rampMs: 0, durationMs: 10_000 },
      maxInFlight: 1_000,
      maxRequests: 10_000,
      clock,
      // Every response takes 5 s.
      send: async () => {
        sentAt.push(clock.now());
        await clock.sleep(5_000);
      },
    });
    await clock.advanceTo(20_000);
    const r = await run;
    expect(r.sent).to.equal(101);
    expect(r.skipped).to.equal(0);
    expect(r.maxLagMs).to.equal(0);
    expect(sentAt.slice(0, 4)).to.deep.equal([0, 100, 200, 300]);
    expect(sentAt.at(-1)).to.equal(10_000);
  });

  it("counts requests it cannot send at the in-flight bound as skipped, never queues them late", async () => {
    const clock = new ManualClock(0);
    const sentAt: number[] = [];
    const run = runOpenLoop({
      schedule: { rate: 10, rampMs: 0, durationMs: 2_000 },
      maxInFlight: 5,
      maxRequests: 10_000,
      clock,
      send: async () => {
        sentAt.push(clock.now());
        await clock.sleep(10_000);
      },
    });
    await clock.advanceTo(20_000);
    // 21 due in [0, 2 s]: 5 go out (0–400 ms) and take 10 s; the other 16 are skipped.
    expect(await run).to.deep.equal({ sent: 5, skipped: 16, maxLagMs: 0 });
    expect(sentAt).to.deep.equal([0, 100, 200, 300, 400]);
  });

  it("stops by itself at max requests, and on the signal", async () => {
    const clock = new ManualClock(0);
    const ac = new AbortController();
    let n = 0;
    const run = runOpenLoop({
      schedule: { rate: 100, rampMs: 0, durationMs: 60_000 },
      maxInFlight: 10,
      maxRequests: 1_000,
      clock,
      signal: ac.signal,
      send: () => {
        n++;
        return Promise.resolve();
      },
    });
    await clock.advanceTo(500);
    ac.abort();
    await clock.advanceTo(1_000);
    const r = await run;
    expect(r.sent).to.equal(n).and.to.be.within(50, 52);
    const c2 = new ManualClock(0);
    const capped = runOpenLoop({
      schedule: { rate: 100, rampMs: 0, durationMs: 60_000 },
      maxInFlight: 10,
      maxRequests: 7,
      clock: c2,
      send: () => Promise.resolve(),
    });
    await c2.advanceTo(1_000);
    expect((await capped).sent).to.equal(7);
  });
});
