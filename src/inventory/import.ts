/**
 * PURE. `kroll import`: an operator's kolla-ansible files — the Ansible INI inventory
 * (`multinode`), `globals.yml`, `passwords.yml` — read into a scenario, without writing to them.
 * kolla-ansible's defaults stand where globals.yml is silent (the services of
 * `enable_openstack_core`, HAProxy and keepalived on, `network_interface: eth0`, quay.io's
 * `openstack.kolla` images tagged `<release>-<distro>-<version>`). What kroll cannot take over
 * is said in `notes`; what it needs and the files lack is an ImportProblem naming the file and
 * the key (the command makes them exit 2).
 */
import { parse } from "yaml";
import { RELEASE_TRAITS, isRelease } from "../kolla/releases.js";
import { CATALOGUE, SERVICES } from "../services/catalogue.js";

export interface ImportFile {
  /** As given (for messages). */
  readonly file: string;
  readonly text: string;
}

/**
 * An Ansible inventory as Ansible resolves it (built by ansible-view.ts, from Ansible's own
 * reading or kroll's INI reader).
 */
export interface InventoryView {
  /** The inventory as given (for messages). */
  readonly file: string;
  /** Who read it: Ansible itself, or kroll's INI reader. */
  readonly reader: "ansible-inventory" | "kroll";
  /** The hosts of a group and of its children, first seen first, each once. */
  hostsOf(group: string): readonly string[];
  /** A host's variables as Ansible merges them. */
  varsOf(host: string): Readonly<Record<string, unknown>>;
}

export interface ImportProblem {
  readonly file: string;
  readonly key: string;
  readonly message: string;
}

export class ImportError extends Error {
  readonly problems: readonly ImportProblem[];
  constructor(problems: readonly ImportProblem[]) {
    super(problems.map((p) => `${p.file}: ${p.key}: ${p.message}`).join("\n"));
    this.problems = problems;
  }
}

export interface ImportedScenario {
  /** The scenario, as its YAML file holds it. */
  readonly scenario: Record<string, unknown>;
  readonly notes: readonly string[];
  /** The passwords.yml values, checked to be a mapping. */
  readonly passwords: Readonly<Record<string, unknown>>;
}

/** kolla-ansible's role groups in `multinode`: a host's roles in the scenario. */
const ROLE_GROUPS = ["control", "network", "compute", "monitoring", "storage"] as const;

/** globals.yml keys the scenario takes over (anything else is kept in kolla.globals). */
const MAPPED = new Set([
  "openstack_release",
  "kolla_base_distro",
  "openstack_tag",
  "openstack_tag_suffix",
  "kolla_base_distro_version",
  "docker_registry",
  "docker_registry_insecure",
  "docker_namespace",
  "kolla_internal_vip_address",
  "kolla_external_vip_address",
  "network_interface",
  "api_interface",
  "neutron_external_interface",
  "enable_haproxy",
  "enable_keepalived",
  "keepalived_virtual_router_id",
  "enable_openstack_core",
  "kolla_enable_tls_internal",
  "kolla_enable_tls_external",
]);

interface Host {
  readonly name: string;
  readonly vars: Record<string, string>;
}

/** Ansible's INI inventory: hosts with their vars per group, `:children`, `:vars`. */
export function parseIniInventory(f: ImportFile): {
  groups: Map<string, Host[]>;
  children: Map<string, string[]>;
  groupVars: Map<string, Record<string, string>>;
} {
  const groups = new Map<string, Host[]>();
  const children = new Map<string, string[]>();
  const groupVars = new Map<string, Record<string, string>>();
  let section: { kind: "hosts" | "children" | "vars"; name: string } | undefined;
  f.text.split("\n").forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith(";")) return;
    // A header or a :children/:vars line ends at a comment; a host line is split as a shell
    // splits words (quoted values keep their spaces and their `#`), as Ansible does.
    const line = trimmed.startsWith("[") ? trimmed.replace(/\s[#;].*$/, "") : trimmed;
    const header = /^\[([^\]:]+)(?::(children|vars))?\]$/.exec(line);
    if (header) {
      const name = header[1] ?? "";
      const kind = header[2] === "children" ? "children" : header[2] === "vars" ? "vars" : "hosts";
      section = { kind, name };
      if (kind === "hosts" && !groups.has(name)) groups.set(name, []);
      return;
    }
    if (line.startsWith("[") || section === undefined)
      throw new ImportError([
        {
          file: f.file,
          key: `line ${i + 1}`,
          message: `expected an Ansible INI inventory ([group] and host lines), got "${line.slice(0, 60)}"`,
        },
      ]);
    if (section.kind === "children") {
      children.set(section.name, [
        ...(children.get(section.name) ?? []),
        line.replace(/\s[#;].*$/, "").trim(),
      ]);
      return;
    }
    if (section.kind === "vars") {
      const eq = line.indexOf("=");
      groupVars.set(section.name, {
        ...(groupVars.get(section.name) ?? {}),
        [line.slice(0, eq).trim()]: unquote(
          line
            .slice(eq + 1)
            .replace(/\s[#;].*$/, "")
            .trim(),
        ),
      });
      return;
    }
    const [first = "", ...rest] = hostLineWords(line);
    const vars = Object.fromEntries(
      rest.map((kv) => {
        const eq = kv.indexOf("=");
        return eq === -1 ? [kv, "true"] : [kv.slice(0, eq), kv.slice(eq + 1)];
      }),
    );
    let names: string[];
    try {
      names = expandHostPattern(first);
    } catch (e) {
      if (!(e instanceof HostRangeError)) throw e;
      throw new ImportError([{ file: f.file, key: `line ${i + 1}`, message: e.message }]);
    }
    for (const name of names) groups.get(section.name)?.push({ name, vars: { ...vars } });
  });
  return { groups, children, groupVars };
}

const unquote = (v: string): string =>
  /^(["']).*\1$/.test(v) && v.length >= 2 ? v.slice(1, -1) : v;

/**
 * A host line's words, split as a POSIX shell splits them (Ansible uses shlex): quotes keep
 * spaces and are removed (`ansible_ssh_common_args='-o ProxyJump=bastion'` is one word), a
 * backslash escapes the next character outside single quotes, and an unquoted `#` starting a
 * word begins a comment.
 */
export function hostLineWords(line: string): string[] {
  const words: string[] = [];
  let cur: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] ?? "";
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else if (ch === "\\" && quote === '"' && i + 1 < line.length)
        cur = (cur ?? "") + (line[++i] ?? "");
      else cur = (cur ?? "") + ch;
      continue;
    }
    if (/\s/.test(ch)) {
      if (cur !== undefined) words.push(cur);
      cur = undefined;
    } else if (ch === "#" && cur === undefined) break;
    else if (ch === '"' || ch === "'") {
      quote = ch;
      cur ??= "";
    } else if (ch === "\\" && i + 1 < line.length) cur = (cur ?? "") + (line[++i] ?? "");
    else cur = (cur ?? "") + ch;
  }
  if (cur !== undefined) words.push(cur);
  return words;
}

/** The most hosts one range may name: far more than any cloud kroll rehearses. */
export const MAX_HOST_RANGE = 1000;

export class HostRangeError extends Error {}

/**
 * `control[01:03]` → control01, control02, control03 (Ansible's numeric ranges). A range of
 * more than MAX_HOST_RANGE hosts, or a backwards one, is refused (`ctl[00000000:99999999]`
 * would be a hundred million names).
 */
export function expandHostPattern(p: string): string[] {
  const m = /^(.*)\[(\d+):(\d+)\](.*)$/.exec(p);
  if (!m) return [p];
  const [, pre = "", a = "", b = "", post = ""] = m;
  const count = Number(b) - Number(a) + 1;
  if (count < 1 || count > MAX_HOST_RANGE)
    throw new HostRangeError(
      `the host range ${p} names ${count < 1 ? "no host (it runs backwards)" : `${count} hosts`}; expected a range of 1 to ${MAX_HOST_RANGE} hosts, such as control[01:03]`,
    );
  const out: string[] = [];
  for (let n = Number(a); n <= Number(b); n++)
    out.push(`${pre}${String(n).padStart(a.length, "0")}${post}`);
  return out;
}

const truthy = (v: unknown): boolean =>
  v === true || (typeof v === "string" && ["yes", "true", "on", "1"].includes(v.toLowerCase()));

export function importKolla(i: {
  readonly name: string;
  /** The inventory as Ansible resolves it (ansible-view.ts). */
  readonly inventory: InventoryView;
  readonly globals: ImportFile;
  readonly passwords: ImportFile;
  /** The operator's /etc/kolla/config, as the scenario file will name it. */
  readonly configDir?: string;
  /** Scenario values given on the command line (`--set`), by dotted path: not needed from the files. */
  readonly given?: Readonly<Record<string, unknown>>;
}): ImportedScenario {
  const given = new Set(Object.keys(i.given ?? {}));
  const problems: ImportProblem[] = [];
  const notes: string[] = [];
  const yamlOf = (f: ImportFile): Record<string, unknown> => {
    let v: unknown;
    try {
      v = parse(f.text);
    } catch (e) {
      problems.push({
        file: f.file,
        key: "",
        message: `not YAML (${e instanceof Error ? (e.message.split("\n")[0] ?? "") : String(e)})`,
      });
      return {};
    }
    if (v === null || v === undefined) return {};
    if (typeof v !== "object" || Array.isArray(v)) {
      problems.push({ file: f.file, key: "", message: "expected a mapping of keys to values" });
      return {};
    }
    return v as Record<string, unknown>;
  };
  const g = yamlOf(i.globals);
  const passwords = yamlOf(i.passwords);
  const inv = i.inventory;
  if (inv.reader === "kroll")
    notes.push(
      `${inv.file}: read by kroll's INI reader (ansible-inventory is not installed): group_vars/ and host_vars/ beside it were not read`,
    );

  // ---- nodes: every host of a role group (its children's included), with its roles and how
  // kroll reaches it
  const scalar = (v: unknown): string | undefined =>
    typeof v === "string" || typeof v === "number" || typeof v === "boolean"
      ? String(v)
      : undefined;
  const hosts = new Map<string, { vars: Record<string, string>; roles: string[] }>();
  for (const role of ROLE_GROUPS)
    for (const h of inv.hostsOf(role)) {
      const e = hosts.get(h) ?? {
        vars: Object.fromEntries(
          Object.entries(inv.varsOf(h)).flatMap(([k, v]) => {
            const x = scalar(v);
            return x === undefined ? [] : [[k, x]];
          }),
        ),
        roles: [],
      };
      e.roles.push(role);
      hosts.set(h, e);
    }
  if (hosts.size === 0)
    problems.push({
      file: i.inventory.file,
      key: "[control]",
      message: `no host in any of the groups ${ROLE_GROUPS.join(", ")}; expected kolla-ansible's multinode inventory`,
    });
  const becomes: string[] = [];
  const jumps: string[] = [];
  const nodes = [...hosts].map(([name, h]) => {
    const v = h.vars;
    const key = v.ansible_ssh_private_key_file ?? v.ansible_private_key_file;
    if (v.ansible_password !== undefined)
      notes.push(`${name}: ansible_password is not used; kroll logs in with an SSH key`);
    if (truthy(v.ansible_become)) becomes.push(name);
    const sshArgs = [v.ansible_ssh_common_args, v.ansible_ssh_extra_args].join(" ");
    if (/ProxyJump|ProxyCommand|(^|\s)-J(\s|$)/.test(sshArgs)) jumps.push(name);
    // Per-host interfaces, as kolla-ansible reads them from the inventory (a value the same
    // as globals.yml's is no per-host setting).
    const interfaces = Object.fromEntries(
      (
        [
          ["network", "network_interface"],
          ["api", "api_interface"],
          ["tunnel", "tunnel_interface"],
          ["neutron_external", "neutron_external_interface"],
        ] as const
      ).flatMap(([k, ansible]) => {
        const x = v[ansible];
        return x && x !== scalar(g[ansible]) && !x.includes("{{") ? [[k, x]] : [];
      }),
    );
    return {
      name: name.replace(/[^A-Za-z0-9-]/g, "-"),
      address: v.ansible_host ?? name,
      ...(Object.keys(interfaces).length > 0 ? { interfaces } : {}),
      ssh: {
        user: v.ansible_user ?? "root",
        ...(v.ansible_port ? { port: Number(v.ansible_port) } : {}),
        ...(key ? { private_key: key } : {}),
      },
      roles: h.roles,
    };
  });
  if (becomes.length > 0)
    notes.push(
      `${becomes.join(", ")}: ansible_become is set; kroll runs docker as the SSH user without sudo, so that user needs the Docker socket (the docker group) on each node`,
    );
  if (jumps.length > 0)
    notes.push(
      `${jumps.join(", ")}: the inventory reaches them through a jump host (ansible_ssh_common_args); kroll connects to each address directly: run it where they are reachable`,
    );

  // ---- kolla: release, images
  const str = (k: string): string | undefined => scalar(g[k]);
  const givenRelease = i.given?.["kolla.release"];
  const release =
    typeof givenRelease === "number"
      ? givenRelease.toFixed(1)
      : typeof givenRelease === "string"
        ? givenRelease
        : str("openstack_release");
  if ((release === undefined || !isRelease(release)) && !given.has("kolla.release"))
    problems.push({
      file: i.globals.file,
      key: "openstack_release",
      message:
        release === undefined
          ? "not set; kroll needs the release the cluster runs (set it there, or --set kolla.release=2025.1)"
          : `"${release}" is not a release kroll knows`,
    });
  const distro = str("kolla_base_distro") ?? "rocky";
  // kolla-ansible's default: <release>-<distro>-<distro version><openstack_tag_suffix>, the
  // version from that release's own map.
  const distroVersion =
    str("kolla_base_distro_version") ??
    (release !== undefined && isRelease(release)
      ? (RELEASE_TRAITS[release].distroVersions as Readonly<Record<string, string>>)[distro]
      : undefined);
  if (
    str("openstack_tag") === undefined &&
    distroVersion === undefined &&
    release !== undefined &&
    isRelease(release)
  )
    problems.push({
      file: i.globals.file,
      key: "kolla_base_distro",
      message: `kolla-ansible ${release} has no default image tag for "${distro}"; set openstack_tag (or --set kolla.stable=TAG)`,
    });
  const tag =
    str("openstack_tag") ??
    `${release ?? "?"}-${distro}-${distroVersion ?? "?"}${str("openstack_tag_suffix") ?? ""}`;
  if (str("openstack_tag") === undefined)
    notes.push(`kolla.stable: ${tag}, kolla-ansible ${release ?? "?"}'s default tag for ${distro}`);
  if (!given.has("kolla.target"))
    notes.push(
      `kolla.target is the stable tag (a re-pull of the same tag); set the images to upgrade to with --set kolla.target=TAG`,
    );

  // ---- services: kolla-ansible's defaults, then each enable_<service>
  const services = SERVICES.filter((s) => {
    const v = g[`enable_${s}`];
    return v === undefined ? CATALOGUE[s].kollaDefault : truthy(v);
  });
  const unknown = Object.keys(g)
    .filter((k) => /^enable_/.test(k) && truthy(g[k]))
    .map((k) => k.slice("enable_".length))
    .filter((s) => !(SERVICES as readonly string[]).includes(s) && s !== "openstack_core");
  if (unknown.length > 0)
    notes.push(`enabled in globals.yml, not upgraded by kroll (no pack): ${unknown.join(", ")}`);

  // ---- network
  const vip = str("kolla_internal_vip_address");
  if (vip === undefined && !given.has("network.internal_vip"))
    problems.push({
      file: i.globals.file,
      key: "kolla_internal_vip_address",
      message:
        "not set; kroll sends its load through the VIP (set it there, or --set network.internal_vip=ADDRESS)",
    });
  if (
    services.includes("neutron") &&
    str("neutron_external_interface") === undefined &&
    !given.has("network.neutron_external_interface") &&
    nodes.some(
      (n) =>
        n.roles.some((r) => r === "network" || r === "compute") &&
        !("interfaces" in n && n.interfaces.neutron_external),
    )
  )
    problems.push({
      file: i.globals.file,
      key: "neutron_external_interface",
      message:
        "not set (nor on every network and compute host in the inventory); neutron needs it (set it there, or --set network.neutron_external_interface=eth1)",
    });
  const haproxy = g.enable_haproxy === undefined ? true : truthy(g.enable_haproxy);
  const network: Record<string, unknown> = {
    internal_vip: vip ?? "0.0.0.0",
    interface: str("network_interface") ?? "eth0",
    ...(str("kolla_external_vip_address")
      ? { external_vip: str("kolla_external_vip_address") }
      : {}),
    ...(str("api_interface") && str("api_interface") !== "{{ network_interface }}"
      ? { api_interface: str("api_interface") }
      : {}),
    ...(str("neutron_external_interface")
      ? { neutron_external_interface: str("neutron_external_interface") }
      : {}),
    enable_haproxy: haproxy,
    enable_keepalived: g.enable_keepalived === undefined ? haproxy : truthy(g.enable_keepalived),
    ...(g.keepalived_virtual_router_id !== undefined
      ? { keepalived_router_id: Number(g.keepalived_virtual_router_id) }
      : {}),
  };
  if (services.includes("keystone"))
    notes.push(
      "keystone is on: kroll's load and checks send no token yet, so every API it calls must accept unauthenticated requests (kolla.auth: noauth) until kroll authenticates",
    );
  if (truthy(g.kolla_enable_tls_internal) || truthy(g.kolla_enable_tls_external))
    notes.push("TLS is on in globals.yml: kroll's scenario needs network.tls set by hand");

  // ---- globals kroll does not map: kept as they are
  const kept = Object.fromEntries(
    Object.entries(g).filter(([k]) => !MAPPED.has(k) && !/^enable_/.test(k)),
  );
  if (problems.length > 0) throw new ImportError(problems);
  const empty = Object.entries(passwords).filter(([, v]) => v === null || v === "").length;
  if (empty > 0)
    notes.push(
      `${i.passwords.file}: ${empty} keys without a value (kroll generates them when it writes the kolla inputs)`,
    );
  return {
    scenario: {
      name: i.name,
      description: `imported by kroll from ${i.inventory.file}, ${i.globals.file} and ${i.passwords.file}`,
      cluster: { nodes },
      kolla: {
        release: release ?? "2025.1",
        base_distro: distro,
        registry: str("docker_registry") ?? "quay.io",
        ...(truthy(g.docker_registry_insecure) ? { registry_insecure: true } : {}),
        namespace: str("docker_namespace") ?? "openstack.kolla",
        stable: tag,
        target: tag,
        auth: services.includes("keystone") ? "keystone" : "noauth",
        ...(i.configDir !== undefined ? { config_dirs: [i.configDir] } : {}),
        ...(Object.keys(kept).length > 0 ? { globals: kept } : {}),
      },
      network,
      services,
    },
    notes,
    passwords,
  };
}
