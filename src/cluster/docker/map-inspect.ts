/** PURE. Docker's container inspect payload → kroll's ContainerState. */
import type { ContainerState, ContainerStatus, DockerEvent, Health } from "../ports.js";

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

interface EventLike {
  Type?: string;
  Action?: string;
  status?: string;
  timeNano?: number;
  time?: number;
  Actor?: { Attributes?: Record<string, string> };
  from?: string;
}

/** One line of Docker's event stream → kroll's DockerEvent (undefined for non-container events). */
export function mapEvent(node: string, raw: unknown): DockerEvent | undefined {
  const e = raw as EventLike;
  if (e.Type !== undefined && e.Type !== "container") return undefined;
  const attrs = e.Actor?.Attributes ?? {};
  const exit = attrs.exitCode;
  return {
    node,
    time: e.timeNano !== undefined ? Math.floor(e.timeNano / 1e6) : (e.time ?? 0) * 1000,
    container: attrs.name ?? "",
    action: e.Action ?? e.status ?? "",
    image: attrs.image ?? e.from ?? "",
    exitCode: exit !== undefined ? Number(exit) : undefined,
    signal: attrs.signal,
  };
}
