/** PURE. What a node's process tools print (`ss`, `docker top`), read. */
/**
 * The local ports of the TCP connections that processes `pids` hold to `port` (a database's),
 * from `ss -tnpH state established` on their host: how a retiring HAProxy's own database
 * connections are told from those of the new one beside it (both connect from the node's
 * address).
 */
export function connectionPorts(ss: string, pids: ReadonlySet<number>, port: number): number[] {
  const out: number[] = [];
  for (const line of ss.split("\n")) {
    const m = /(\S+):(\d+)\s+(\S+):(\d+)\s+users:\((.*)\)\s*$/.exec(line.trim());
    if (!m || Number(m[4]) !== port) continue;
    const owners = [...(m[5] ?? "").matchAll(/pid=(\d+)/g)].map((x) => Number(x[1]));
    if (owners.some((p) => pids.has(p))) out.push(Number(m[2]));
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** PIDs from `docker top CONTAINER -eo pid` (a header line, then one PID a line). */
export function topPids(text: string): Set<number> {
  return new Set(
    text
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => /^\d+$/.test(l))
      .map(Number),
  );
}
