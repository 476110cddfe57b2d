/**
 * PURE parsers for kolla-ansible's sample files, used to build and to check kroll's release
 * layouts. The INI reader follows Ansible's inventory INI rules as far as the samples need:
 * `[group]` sections list hosts (with optional `key=value` vars), `[group:children]` sections
 * list child groups, `#`/`;` start comments.
 */
import { parse } from "yaml";

export interface SampleHostGroup {
  readonly name: string;
  readonly hosts: readonly string[];
}
export interface SampleChildGroup {
  readonly name: string;
  readonly children: readonly string[];
}
export interface SampleInventory {
  readonly hostGroups: readonly SampleHostGroup[];
  readonly childGroups: readonly SampleChildGroup[];
}

export function parseSampleInventory(text: string): SampleInventory {
  const hostGroups: { name: string; hosts: string[] }[] = [];
  const childGroups: { name: string; children: string[] }[] = [];
  let current: string[] | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      const [name = "", kind] = (header[1] ?? "").split(":");
      if (kind === "children") {
        const g = { name, children: [] as string[] };
        childGroups.push(g);
        current = g.children;
      } else if (kind === undefined) {
        const g = { name, hosts: [] as string[] };
        hostGroups.push(g);
        current = g.hosts;
      } else {
        current = undefined; // [x:vars] sections: not used by the samples
      }
      continue;
    }
    const first = line.split(/\s+/)[0];
    if (current && first) current.push(first);
  }
  return { hostGroups, childGroups };
}

export interface SamplePasswords {
  /** Every top-level key, in file order. */
  readonly keys: readonly string[];
  /** Keys whose sample value is a `{private_key, public_key}` mapping: SSH key pairs. */
  readonly sshKeys: readonly string[];
}

export function parseSamplePasswords(text: string): SamplePasswords {
  const doc = parse(text) as Record<string, unknown> | null;
  const keys = Object.keys(doc ?? {});
  const sshKeys = keys.filter((k) => {
    const v = doc?.[k];
    return typeof v === "object" && v !== null && "private_key" in v && "public_key" in v;
  });
  return { keys, sshKeys };
}
