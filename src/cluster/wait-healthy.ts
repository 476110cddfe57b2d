/**
 * EFFECT (through the functions it is given). Waiting for a container to be available: running
 * and healthy (or running without a healthcheck). A container that exits, is gone or keeps
 * restarting will not get there: that fails at once, not at the deadline (a broken image costs
 * seconds, not the whole healthy timeout). "unhealthy" on the way is not final (a Galera joiner
 * is unhealthy until its state transfer is done). The error names the container, its image and
 * node, why, and its last log lines. Used by `kroll deploy` and by the upgrade's executor.
 */
import type { ContainerStatus, Health } from "./ports.js";
import type { Clock } from "../core/clock.js";
import { RunFailedError } from "../core/errors.js";

export interface SeenContainer {
  readonly status: ContainerStatus;
  readonly health: Health;
  readonly image: string;
}

export const isRunningHealthy = (c: SeenContainer | undefined): boolean =>
  c !== undefined && c.status === "running" && (c.health === "healthy" || c.health === "none");

export async function waitHealthy(o: {
  readonly node: string;
  readonly container: string;
  readonly inspect: () => Promise<SeenContainer | undefined>;
  readonly logTail: () => Promise<string>;
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly pollMs: number;
}): Promise<void> {
  const deadline = o.clock.now() + o.timeoutMs;
  for (;;) {
    const c = await o.inspect();
    if (isRunningHealthy(c)) return;
    const gone =
      c === undefined || c.status === "exited" || c.status === "dead" || c.status === "restarting";
    if (gone || o.clock.now() >= deadline) {
      const logs = await o.logTail().catch(() => "");
      const why =
        c === undefined
          ? "is gone"
          : gone
            ? c.status === "restarting"
              ? "keeps restarting"
              : "exited"
            : `is not healthy within ${o.timeoutMs / 1000} s (${c.status}, ${c.health})`;
      throw new RunFailedError(
        `container ${o.container} (${c?.image ?? "?"}) on ${o.node} ${why}${logs ? `; last log lines: ${logs}` : ""}`,
      );
    }
    await o.clock.sleep(o.pollMs);
  }
}
