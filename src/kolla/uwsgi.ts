/**
 * PURE. An API's uWSGI configuration, as kolla-ansible's shared `service-uwsgi-config` role
 * writes it (2025.2 on; the only way from 2026.1): one `<service>-uwsgi.ini` per API container,
 * HTTP on the host's API address, the service's WSGI module, a graceful stop on SIGTERM.
 *
 * Where the lab differs from kolla's defaults, on purpose: the log stays on the container's
 * stderr (kroll's watchers read `docker logs`), uWSGI's own per-request lines are off (the
 * service logs each request itself), and each worker runs a few threads, so a request waiting
 * on an RPC reply does not hold a whole process on the lab's two cores.
 */
export interface UwsgiApi {
  readonly address: string;
  readonly port: number;
  /** The WSGI application, `package.module:application`. */
  readonly module: string;
  readonly workers: number;
  readonly threads: number;
  /** The user the workers run as. */
  readonly uid: string;
}

/** An IPv6 address in brackets, as a `host:port` needs it. */
const hostPort = (address: string, port: number): string =>
  `${address.includes(":") ? `[${address}]` : address}:${port}`;

export function uwsgiIni(a: UwsgiApi): string {
  return [
    "[uwsgi]",
    "add-header = Connection: close",
    "buffer-size = 65535",
    "die-on-term = true",
    "enable-threads = true",
    "exit-on-reload = false",
    "hook-master-start = unix_signal:15 gracefully_kill_them_all",
    `http = ${hostPort(a.address, a.port)}`,
    "http-auto-chunked = true",
    "http-chunked-input = true",
    "http-raw-body = true",
    "lazy-apps = true",
    "master = true",
    `module = ${a.module}`,
    "plugins-dir = /usr/lib/uwsgi/plugins",
    // Debian's uWSGI is modular (kolla's, from pip, is not): the HTTP router is a plugin.
    "plugins = http,python3",
    `processes = ${a.workers}`,
    `threads = ${a.threads}`,
    "socket-timeout = 30",
    "thunder-lock = true",
    `uid = ${a.uid}`,
    "worker-reload-mercy = 80",
    "disable-logging = true",
    "",
  ].join("\n");
}
