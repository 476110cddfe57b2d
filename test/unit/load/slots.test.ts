import { expect } from "chai";
import { systemClock } from "../../../src/core/clock.js";
import { runSlots } from "../../../src/load/profiles.js";

describe("load/profiles.runSlots: a stuck operation frees its slot", () => {
  it("keeps starting lifecycles while one is stuck, waits for it at the end, and stays bounded", async () => {
    const stop = new AbortController();
    const started: string[] = [];
    let stuckEnded = false;
    let release = (): void => undefined;
    const stuck = new Promise<void>((r) => (release = r));
    const done = runSlots(
      { clock: systemClock, stop: stop.signal },
      1,
      30,
      async (slot, n, patient) => {
        started.push(`${slot}/${n}`);
        if (n === 0) {
          // The first operation never finishes until the end: a stack stuck in CREATE_IN_PROGRESS.
          await patient(stuck);
          stuckEnded = true;
          return;
        }
        await patient(systemClock.sleep(5));
      },
    );
    await systemClock.sleep(300);
    // The slot went on without waiting for lifecycle 0.
    expect(started.length).to.be.above(5);
    stop.abort();
    let settled = false;
    void done.then(() => (settled = true));
    await systemClock.sleep(50);
    expect(settled, "ended before the stuck lifecycle did").to.equal(false);
    release();
    await done;
    expect(stuckEnded).to.equal(true);
  });

  it("never leaves more lifecycles behind than it has slots", async () => {
    const stop = new AbortController();
    let going = 0;
    let most = 0;
    const forever = new Promise<void>(() => undefined);
    const done = runSlots(
      { clock: systemClock, stop: stop.signal },
      2,
      10,
      async (_s, _n, patient) => {
        going++;
        most = Math.max(most, going);
        await patient(
          Promise.race([
            forever,
            new Promise<void>((r) => stop.signal.addEventListener("abort", () => r())),
          ]),
        );
        going--;
      },
    );
    await systemClock.sleep(200);
    // Two slots, at most two left behind.
    expect(most).to.equal(4);
    stop.abort();
    await done;
    expect(going).to.equal(0);
  });

  it("passes on a lifecycle's error (a kroll bug), even from one left behind", async () => {
    const stop = new AbortController();
    const done = runSlots(
      { clock: systemClock, stop: stop.signal },
      1,
      10,
      async (_s, n, patient) => {
        if (n === 0) {
          await patient(systemClock.sleep(50));
          throw new Error("boom");
        }
        await patient(systemClock.sleep(5));
      },
    );
    await systemClock.sleep(100);
    stop.abort();
    let caught: unknown;
    await done.catch((e: unknown) => (caught = e));
    expect(String(caught)).to.include("boom");
  });
});
