/** PURE. Docker's container inspect payload → kroll's ContainerState. */
import type { ContainerState, ContainerStatus, Health } from "../ports.js";

interface InspectLike {
  Id?: string;
  Name?: string;
  Image?: string;
  RestartCount?: number;
  Config?: { Image?: string; Labels?: Record<string, string> | null };
  State?: {
    Status?: string;
    StartedAt?: string;
    ExitCode?: number;
    Health?: { Status?: string } | null;
  };
}

const STATUSES: readonly ContainerStatus[] = [
  "created",
  "running",
  "paused",
  "restarting",
  "removing",
  "exited",
  "dead",
];
const HEALTHS: readonly Health[] = ["healthy", "unhealthy", "starting"];

export function mapInspect(node: string, raw: unknown): ContainerState {
  const c = raw as InspectLike;
  const status = c.State?.Status ?? "dead";
  const health = c.State?.Health?.Status ?? "none";
  return {
    node,
    name: (c.Name ?? "").replace(/^\//, ""),
    id: c.Id ?? "",
    image: c.Config?.Image ?? "",
    imageId: c.Image ?? "",
    status: (STATUSES as readonly string[]).includes(status) ? (status as ContainerStatus) : "dead",
    health: (HEALTHS as readonly string[]).includes(health) ? (health as Health) : "none",
    restartCount: c.RestartCount ?? 0,
    labels: c.Config?.Labels ?? {},
    startedAt: c.State?.StartedAt ?? "",
    exitCode: c.State?.ExitCode ?? 0,
  };
}
