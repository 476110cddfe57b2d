/**
 * PURE. An Ansible inventory as Ansible resolves it: a group's hosts with those of its children
 * (`[compute:children] compute-gpu`), and a host's variables merged in Ansible's order (`all`,
 * then its groups from the shallowest to the deepest, by name within a depth, then the host's
 * own). Two readers: Ansible's own (`ansible-inventory --list` JSON: INI and YAML inventories,
 * `group_vars/` and `host_vars/` beside them, vaulted values), and kroll's INI reader when
 * Ansible is not installed.
 */
import { ImportError, parseIniInventory } from "./import.js";
import type { ImportFile, InventoryView } from "./import.js";

export type { InventoryView } from "./import.js";

interface GroupEntry {
  readonly hosts: readonly string[];
  readonly children: readonly string[];
  readonly vars: Readonly<Record<string, unknown>>;
}

/** Hosts of `group` and of its children (depth first), each once; a cycle is not followed twice. */
function collect(groups: ReadonlyMap<string, GroupEntry>, group: string): string[] {
  const out = new Set<string>();
  const seen = new Set<string>();
  const walk = (g: string): void => {
    if (seen.has(g)) return;
    seen.add(g);
    const e = groups.get(g);
    for (const h of e?.hosts ?? []) out.add(h);
    for (const c of e?.children ?? []) walk(c);
  };
  walk(group);
  return [...out];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * `ansible-inventory -i FILE --list`: every group as `{hosts, children}`, and `_meta.hostvars`
 * with each host's variables already merged by Ansible (inventory, group_vars/, host_vars/).
 */
export function fromAnsibleList(file: string, json: unknown): InventoryView {
  const bad = (message: string): ImportError =>
    new ImportError([{ file, key: "", message: `ansible-inventory --list: ${message}` }]);
  if (!isObject(json)) throw bad("expected a JSON object of groups");
  const meta = json._meta;
  const hostvars = isObject(meta) && isObject(meta.hostvars) ? meta.hostvars : {};
  const groups = new Map<string, GroupEntry>();
  for (const [name, g] of Object.entries(json)) {
    if (name === "_meta") continue;
    if (!isObject(g)) throw bad(`group "${name}" is not an object`);
    const strings = (k: string): string[] => {
      const v = g[k];
      if (v === undefined) return [];
      if (!Array.isArray(v) || v.some((x) => typeof x !== "string"))
        throw bad(`group "${name}": ${k} is not a list of names`);
      return v as string[];
    };
    groups.set(name, { hosts: strings("hosts"), children: strings("children"), vars: {} });
  }
  return {
    file,
    reader: "ansible-inventory",
    hostsOf: (group) => collect(groups, group),
    varsOf: (host) => {
      const v = hostvars[host];
      return isObject(v) ? v : {};
    },
  };
}

/** kroll's reading of an INI inventory, `:children` and `:vars` honoured as Ansible does. */
export function fromIni(f: ImportFile): InventoryView {
  const inv = parseIniInventory(f);
  const names = new Set([...inv.groups.keys(), ...inv.children.keys(), ...inv.groupVars.keys()]);
  for (const cs of inv.children.values()) for (const c of cs) names.add(c);
  const groups = new Map<string, GroupEntry>(
    [...names].map((g) => [
      g,
      {
        hosts: [...new Set((inv.groups.get(g) ?? []).map((h) => h.name))],
        children: inv.children.get(g) ?? [],
        vars: inv.groupVars.get(g) ?? {},
      },
    ]),
  );
  // Depth: `all` is 0, a group no other group lists as a child 1, a child one more than its
  // deepest parent (a cycle stops at the group already being measured).
  const parents = new Map<string, string[]>();
  for (const [g, e] of groups)
    for (const c of e.children) parents.set(c, [...(parents.get(c) ?? []), g]);
  const depths = new Map<string, number>();
  const depthOf = (g: string, path: ReadonlySet<string> = new Set()): number => {
    if (g === "all") return 0;
    const known = depths.get(g);
    if (known !== undefined) return known;
    const ps = (parents.get(g) ?? []).filter((p) => !path.has(p));
    const d = 1 + Math.max(0, ...ps.map((p) => depthOf(p, new Set([...path, g]))));
    depths.set(g, d);
    return d;
  };
  const hostVars = new Map<string, Record<string, string>>();
  for (const hs of inv.groups.values())
    for (const h of hs) hostVars.set(h.name, { ...(hostVars.get(h.name) ?? {}), ...h.vars });
  const membership = new Map<string, string[]>();
  for (const g of groups.keys())
    for (const h of collect(groups, g)) membership.set(h, [...(membership.get(h) ?? []), g]);
  return {
    file: f.file,
    reader: "kroll",
    hostsOf: (group) =>
      group === "all"
        ? [...new Set([...groups.values()].flatMap((e) => e.hosts))]
        : collect(groups, group),
    varsOf: (host) => {
      const mine = (membership.get(host) ?? [])
        .filter((g) => g !== "all")
        .sort((a, b) => depthOf(a) - depthOf(b) || a.localeCompare(b));
      return Object.assign(
        {},
        groups.get("all")?.vars ?? {},
        ...mine.map((g) => groups.get(g)?.vars ?? {}),
        hostVars.get(host) ?? {},
      ) as Record<string, unknown>;
    },
  };
}
