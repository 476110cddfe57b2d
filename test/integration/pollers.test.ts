/**
 * The disruption pollers against a real HTTP server on loopback that goes away for 600 ms:
 * both connection types see one outage of about that length (sampled every 50 ms, each probe
 * stamped when sent), with the error text, and no outage before or after.
 */
import { expect } from "chai";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { systemClock } from "../../src/core/clock.js";
import { startPollers } from "../../src/load/pollers.js";
import { disruptionMs } from "../../src/report/intervals.js";

describe("integration: disruption pollers on loopback", function () {
  this.timeout(30_000);

  it("measures a 600 ms outage within ±150 ms on new and reused connections", async () => {
    const handler = (_req: unknown, res: { end: (b: string) => void }): void => res.end("ok");
    let server = createServer(handler);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const pollers = startPollers(
      [{ backend: "test_back", via: "vip", url: `http://127.0.0.1:${port}/`, expect: [200] }],
      {
        intervalMs: 50,
        timeoutMs: 1_000,
        clock: systemClock,
      },
    );
    await systemClock.sleep(500);
    const downAt = Date.now();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await systemClock.sleep(600);
    server = createServer(handler);
    await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
    const upAt = Date.now();
    await systemClock.sleep(500);
    const results = await pollers.stop();
    server.closeAllConnections();
    server.close();
    expect(results.map((x) => x.connection).sort()).to.deep.equal(["new", "reused"]);
    for (const res of results) {
      const outages = res.intervals.filter((i) => !i.available);
      expect(outages.length, `${res.connection}: ${JSON.stringify(res.intervals)}`).to.be.within(
        1,
        3,
      );
      expect(disruptionMs(res.intervals), res.connection).to.be.closeTo(upAt - downAt, 150);
      expect(outages[0]?.message).to.match(/ECONNREFUSED|ECONNRESET|socket hang up/);
      expect(res.samples).to.be.within(25, 40);
      expect(res.intervals[0]?.available).to.equal(true);
      expect(res.intervals.at(-1)?.available).to.equal(true);
    }
  });
});
