/**
 * PURE. A container's create body, rebuilt from its `docker inspect` with a new image: what
 * `kroll upgrade` does to a container it did not necessarily create (kolla-ansible's, a
 * site's). Everything the container was given is kept (binds, network mode, privileges,
 * restart policy, environment, labels, healthcheck, stop signal and grace); what merely came
 * from the old image (its ENV, CMD, ENTRYPOINT, labels, volumes, healthcheck, working dir,
 * user) is dropped so the new image's own defaults apply.
 */

interface ContainerConfig {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Entrypoint?: string[] | null;
  Labels?: Record<string, string> | null;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string;
  Healthcheck?: unknown;
  StopSignal?: string;
  StopTimeout?: number;
  Tty?: boolean;
  OpenStdin?: boolean;
  ExposedPorts?: Record<string, object> | null;
}

export interface InspectForClone {
  Name?: string;
  Config?: ContainerConfig;
  HostConfig?: Record<string, unknown>;
  NetworkSettings?: { Networks?: Record<string, { Aliases?: string[] | null }> | null };
}

export interface ImageForClone {
  Config?: ContainerConfig | null;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function cloneCreateOptions(
  container: InspectForClone,
  oldImage: ImageForClone | undefined,
  to: { name: string; image: string; labels: Readonly<Record<string, string | null>> },
): Record<string, unknown> {
  const c = container.Config ?? {};
  const img = oldImage?.Config ?? {};
  const imageEnv = new Set(img.Env ?? []);
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.Labels ?? {})) {
    // A label the old image set (with that value) belongs to the image, not the container.
    if (img.Labels?.[k] !== v) labels[k] = v;
  }
  for (const [k, v] of Object.entries(to.labels)) {
    if (v === null) delete labels[k];
    else labels[k] = v;
  }
  const keepUnlessImage = <K extends keyof ContainerConfig>(k: K): Partial<ContainerConfig> =>
    c[k] !== undefined && c[k] !== null && c[k] !== "" && !same(c[k], img[k]) ? { [k]: c[k] } : {};
  const volumes = Object.fromEntries(
    Object.entries(c.Volumes ?? {}).filter(([path]) => !(path in (img.Volumes ?? {}))),
  );
  const hostConfig = { ...(container.HostConfig ?? {}) };
  const networkMode = typeof hostConfig.NetworkMode === "string" ? hostConfig.NetworkMode : "";
  const networks = container.NetworkSettings?.Networks ?? {};
  const endpoints =
    networkMode !== "host" && networkMode !== "none" && networkMode !== "" && networks[networkMode]
      ? { EndpointsConfig: { [networkMode]: { Aliases: networks[networkMode]?.Aliases ?? [] } } }
      : undefined;
  return {
    name: to.name,
    Image: to.image,
    Env: (c.Env ?? []).filter((e) => !imageEnv.has(e)),
    Labels: labels,
    ...keepUnlessImage("Cmd"),
    ...keepUnlessImage("Entrypoint"),
    ...keepUnlessImage("Healthcheck"),
    ...keepUnlessImage("WorkingDir"),
    ...keepUnlessImage("User"),
    ...keepUnlessImage("StopSignal"),
    ...keepUnlessImage("ExposedPorts"),
    ...(Object.keys(volumes).length > 0 ? { Volumes: volumes } : {}),
    ...(c.StopTimeout !== undefined ? { StopTimeout: c.StopTimeout } : {}),
    ...(c.Hostname && networkMode !== "host" ? { Hostname: c.Hostname } : {}),
    ...(c.Domainname ? { Domainname: c.Domainname } : {}),
    ...(c.Tty ? { Tty: true } : {}),
    ...(c.OpenStdin ? { OpenStdin: true } : {}),
    HostConfig: hostConfig,
    ...(endpoints ? { NetworkingConfig: endpoints } : {}),
  };
}
