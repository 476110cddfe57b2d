/**
 * How exactly the disruption pollers measure an outage: a loopback HTTP server goes away for
 * 500 ms, five times; kroll's pollers (every 100 ms, new and reused connections) against the
 * baseline of OpenShift's sampling rate (every 1 s), both watching the same outages in the same
 * run. Target: kroll within ±100 ms of the true 500 ms.
 */
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { systemClock } from "../src/core/clock.js";
import { startPollers } from "../src/load/pollers.js";
import { disruptionMs } from "../src/report/intervals.js";

const OUTAGE_MS = 500;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const handler = (_q: unknown, res: { end: (b: string) => void }): void => res.end("ok");
const listen = (port: number): Promise<Server> =>
  new Promise((r) => {
    const s = createServer(handler);
    s.listen(port, "127.0.0.1", () => r(s));
  });

const errors: Record<string, number[]> = { "kroll-new": [], "kroll-reused": [], "baseline-1s": [] };
for (let round = 0; round < ROUNDS; round++) {
  let server = await listen(0);
  const port = (server.address() as AddressInfo).port;
  const target = [{ backend: "b", via: "vip", url: `http://127.0.0.1:${port}/`, expect: [200] }];
  const fast = startPollers(target, { intervalMs: 100, timeoutMs: 1_000, clock: systemClock });
  const slow = startPollers(target, { intervalMs: 1_000, timeoutMs: 1_000, clock: systemClock });
  // Start the outage at a random phase against the 1 s sampler.
  await systemClock.sleep(1_500 + Math.random() * 1_000);
  const down = Date.now();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await systemClock.sleep(OUTAGE_MS - (Date.now() - down));
  server = await listen(port);
  const truth = Date.now() - down;
  await systemClock.sleep(1_500);
  for (const p of await fast.stop())
    errors[`kroll-${p.connection}`]?.push(disruptionMs(p.intervals) - truth);
  const base = (await slow.stop()).find((p) => p.connection === "new");
  errors["baseline-1s"]?.push(disruptionMs(base?.intervals ?? []) - truth);
  server.closeAllConnections();
  server.close();
}
const worst = (xs: number[]): number => Math.max(...xs.map(Math.abs));
const mean = (xs: number[]): number =>
  Math.round(xs.reduce((a, b) => a + Math.abs(b), 0) / xs.length);
for (const [k, xs] of Object.entries(errors))
  process.stderr.write(
    `${k}: errors ${xs.map((x) => `${x > 0 ? "+" : ""}${x}`).join(", ")} ms (mean |error| ${mean(xs)} ms)\n`,
  );
const kroll = worst([...(errors["kroll-new"] ?? []), ...(errors["kroll-reused"] ?? [])]);
const baseline = worst(errors["baseline-1s"] ?? []);
process.stdout.write(
  `${JSON.stringify({
    bench: "outage",
    outage_ms: OUTAGE_MS,
    rounds: ROUNDS,
    kroll_worst_error_ms: kroll,
    kroll_mean_error_ms: mean([...(errors["kroll-new"] ?? []), ...(errors["kroll-reused"] ?? [])]),
    baseline_1s_worst_error_ms: baseline,
    ratio: Math.round((baseline / Math.max(1, kroll)) * 10) / 10,
    within_100ms: kroll <= 100,
  })}\n`,
);
