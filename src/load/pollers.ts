/**
 * EFFECT. Disruption pollers: per API, through the VIP and at each backend directly, one
 * poller over new connections and one over a reused connection, each probing every interval
 * (100 ms by default). A probe is stamped when it is sent and runs without blocking the tick
 * (a 2 s timeout does not stop sampling); results are consumed in send order into intervals.
 */
import { setMaxListeners } from "node:events";
import type { Clock } from "../core/clock.js";
import { IntervalBuilder } from "../report/intervals.js";
import type { Interval, Sample } from "../report/intervals.js";
import { httpRequest, keepAliveAgent } from "../cluster/http-client.js";

export interface PollTarget {
  /** The loadbalancer's backend name for the API (its pack's `backend`). */
  readonly backend: string;
  /** "vip" or the node whose server is probed directly. */
  readonly via: string;
  readonly url: string;
  readonly expect: readonly number[];
}

export interface PollResult {
  readonly backend: string;
  readonly via: string;
  readonly connection: "new" | "reused";
  readonly samples: number;
  readonly intervals: readonly Interval[];
}

export interface Pollers {
  /** Live view: targets unavailable at their latest sample. */
  down(): { backend: string; via: string; connection: string }[];
  stop(): Promise<PollResult[]>;
}

export function startPollers(
  targets: readonly PollTarget[],
  o: { intervalMs: number; timeoutMs: number; clock: Clock },
): Pollers {
  const stop = new AbortController();
  // Every poller, loop and sleep listens on it at once.
  setMaxListeners(0, stop.signal);
  const runs = targets.flatMap((t) =>
    (["new", "reused"] as const).map((connection) => {
      const builder = new IntervalBuilder(o.intervalMs);
      // A keep-alive pool, as a browser or an SDK keeps one: probes ride established
      // connections, and one slow answer does not queue the next probes behind it.
      const agent = connection === "reused" ? keepAliveAgent(4) : undefined;
      const fifo: Promise<Sample>[] = [];
      let samples = 0;
      let wake: (() => void) | undefined;
      const ticking = (async () => {
        const start = o.clock.now();
        for (let k = 0; !stop.signal.aborted; k++) {
          const wait = start + k * o.intervalMs - o.clock.now();
          if (wait > 0) await o.clock.sleep(wait, stop.signal).catch(() => undefined);
          if (stop.signal.aborted) break;
          const at = o.clock.now();
          fifo.push(
            httpRequest({
              method: "GET",
              url: t.url,
              timeoutMs: o.timeoutMs,
              expect: t.expect,
              ...(agent ? { agent } : {}),
            }).then((r) => ({
              at,
              ok: r.errorClass === undefined,
              ...(r.error ? { error: r.error } : {}),
            })),
          );
          wake?.();
        }
      })();
      const consuming = (async () => {
        for (;;) {
          const head = fifo.shift();
          if (head) {
            builder.add(await head);
            samples++;
            continue;
          }
          if (stop.signal.aborted) break;
          await new Promise<void>((r) => (wake = r));
          wake = undefined;
        }
      })();
      return {
        t,
        connection,
        builder,
        async finish(): Promise<PollResult> {
          await ticking;
          wake?.();
          await consuming;
          agent?.destroy();
          return {
            backend: t.backend,
            via: t.via,
            connection,
            samples,
            intervals: builder.intervals(),
          };
        },
      };
    }),
  );
  return {
    down: () =>
      runs
        .filter((r) => r.builder.down)
        .map((r) => ({ backend: r.t.backend, via: r.t.via, connection: r.connection })),
    async stop() {
      stop.abort();
      return Promise.all(runs.map((r) => r.finish()));
    },
  };
}
