import { expect } from "chai";
import type { Logger } from "../../../src/core/logger.js";
import { awaitCheckpoint, holdWindow } from "../../../src/gate/mixed-windows.js";
import type { WindowCoverage } from "../../../src/run/coverage.js";
import { fakeClock } from "../../fakes/fake-clock.js";

function lines(): { logger: Logger; said: string[] } {
  const said: string[] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: (m) => said.push(`info ${m}`),
    warn: (m) => said.push(`warn ${m}`),
    error: (m) => said.push(`error ${m}`),
    child: () => logger,
  };
  return { logger, said };
}

describe("gate/mixed-windows: the waits inside the mixed-version windows", () => {
  describe("awaitCheckpoint", () => {
    it("waits for the operations accepted before it, then passes its checks on what was seen", async () => {
      const clock = fakeClock(0);
      const { logger, said } = lines();
      // Two operations open at the checkpoint: one ends at 3 s, the other at 5 s.
      const open = (t: number) =>
        t > 0 ? 0 : [3_000, 5_000].filter((e) => clock.now() < e).length;
      await awaitCheckpoint(
        {
          clock,
          logger,
          openAcceptedBy: open,
          drainMs: 60_000,
          logLagMs: 6_000,
          checks: () => ["slo", "cross-version"],
          failures: () => [],
        },
        "after-conductors",
        "checks-passed",
      );
      // 5 s for the operations, then the watchers' lag before the checks.
      expect(clock.now()).to.equal(11_000);
      expect(said).to.deep.equal([
        "info checkpoint after-conductors: checks-passed (0 operations accepted before it still open)",
        "info checkpoint after-conductors: slo, cross-version passed",
      ]);
    });

    it("fails with what its checks found; stops waiting at the drain time; `operations-done` runs no check", async () => {
      const clock = fakeClock(0);
      const { logger, said } = lines();
      const deps = {
        clock,
        logger,
        openAcceptedBy: () => 1,
        drainMs: 10_000,
        logLagMs: 6_000,
        checks: () => ["slo"],
        failures: () => ["slo: 1 of 9 requests failed"],
      };
      const err = await awaitCheckpoint(deps, "cp", "checks-passed").catch((e: unknown) => e);
      expect((err as Error).message).to.equal(
        "checkpoint cp: checks failed: slo: 1 of 9 requests failed",
      );
      expect(said[0]).to.equal(
        "info checkpoint cp: checks-passed (1 operations accepted before it still open)",
      );
      expect(clock.now()).to.equal(16_000);
      await awaitCheckpoint({ ...deps, clock: fakeClock(0) }, "cp", "operations-done");
    });
  });

  describe("holdWindow", () => {
    const window = (covered: boolean): WindowCoverage => ({
      service: "ironic",
      name: "after apis on node2",
      from: 0,
      to: 0,
      versions: { "ironic-api": ["stable", "proposed"] },
      kinds: [
        {
          kind: "GET /v1/nodes",
          answered: covered ? 3 : 0,
          servedBy: {},
          missing: covered ? [] : ["no request"],
        },
      ],
      covered,
    });

    it("ends as soon as every kind reached every version, and says after how long", async () => {
      const clock = fakeClock(0);
      const { logger, said } = lines();
      const held = await holdWindow(
        { clock, logger, holdMs: 240_000, coverage: (at) => window(at >= 30_000) },
        17,
      );
      expect(held).to.deep.include({ covered: true, heldMs: 30_000 });
      expect(said).to.deep.equal(["info window ironic after apis on node2: covered in 30 s"]);
    });

    it("gives up at the hold and warns that the run fails on it; no window, no hold", async () => {
      const clock = fakeClock(0);
      const { logger, said } = lines();
      const held = await holdWindow(
        { clock, logger, holdMs: 90_000, coverage: () => window(false) },
        18,
      );
      expect(held).to.deep.include({ covered: false, heldMs: 90_000 });
      expect(said[0]).to.match(
        /^warn window ironic after apis on node2: .* after a 90 s hold \(upgrade\.window_hold\); the run fails on it$/,
      );
      expect(
        await holdWindow({ clock, logger, holdMs: 90_000, coverage: () => undefined }, 19),
      ).to.equal(undefined);
    });
  });
});
