/** Shared by commands that act on a scenario's nodes: SSH to each, Docker over each. */
import { connectCluster } from "../../cluster/connect.js";
import type { Cluster } from "../../cluster/connect.js";
import { connectDockerOverSsh } from "../../cluster/docker/dockerode-docker-api.js";
import type { DockerApi } from "../../cluster/ports.js";
import type { Logger } from "../../core/logger.js";
import type { Scenario } from "../../scenario/schema.js";

export interface ClusterSession {
  readonly cluster: Cluster;
  readonly dockers: ReadonlyMap<string, DockerApi>;
  close(): void;
}

export async function openSession(
  s: Scenario,
  logger: Logger,
  acceptNewHostKeys: boolean,
): Promise<ClusterSession> {
  const cluster = await connectCluster(s, logger, { acceptNewHostKeys });
  const dockers = new Map<string, DockerApi>();
  for (const n of s.cluster.nodes) dockers.set(n.name, connectDockerOverSsh(cluster.shell(n.name)));
  return {
    cluster,
    dockers,
    close() {
      for (const d of dockers.values()) d.close();
      cluster.close();
    },
  };
}
