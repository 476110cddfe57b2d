/**
 * PURE. Rules across fields of a parsed scenario, after the schema has accepted its shape.
 * Every finding carries the field path it is about, so `kroll validate` can point at a line.
 * Errors stop a run; warnings are printed and the run goes on.
 */
import { isIP } from "node:net";
import {
  CATALOGUE,
  componentsFor,
  isServiceName,
  packWithRole,
  RELEASE_PINNED,
} from "../services/catalogue.js";
import type { ServiceName } from "../services/catalogue.js";
import { hasGroup, hostsOfGroup, layoutFor, rolesOfGroup } from "../kolla/layout.js";
import { unsupportedUpgrade } from "../kolla/series.js";
import { MANAGED_GLOBALS } from "./managed-globals.js";
import { suggest } from "./issues.js";
import type { RawIssue } from "./issues.js";
import { loadbalancerSwitchIssues, vipFailoverEnabled } from "./derived.js";
import type { Scenario } from "./schema.js";

/**
 * One spelling per address, so the same host written two ways is seen once: IPv6 compressed
 * and lower-case (`fd00:0:0::31` and `FD00::31` are `fd00::31`), names lower-case.
 */
export function canonicalAddress(a: string): string {
  if (isIP(a) === 6) return new URL(`http://[${a}]/`).hostname.slice(1, -1);
  return a.toLowerCase();
}

export interface RuleFindings {
  readonly errors: RawIssue[];
  readonly warnings: RawIssue[];
}

export function checkRules(s: Scenario): RuleFindings {
  const errors: RawIssue[] = [];
  const warnings: RawIssue[] = [];
  const err = (path: RawIssue["path"], message: string): void =>
    void errors.push({ path, message });
  const warn = (path: RawIssue["path"], message: string): void =>
    void warnings.push({ path, message });

  const layout = layoutFor(s.kolla.release);
  const nodes = s.cluster.nodes;

  // The stable release: before the target, at most one release behind (SLURP: two).
  const from = s.kolla.stable_release;
  if (from !== undefined) {
    const why = unsupportedUpgrade(from, s.kolla.release);
    if (why !== undefined)
      err(
        ["kolla", "stable_release"],
        `${from} → ${s.kolla.release} (kolla.release) is not an upgrade OpenStack supports: ${why}`,
      );
  }
  const nodeNames = new Set(nodes.map((n) => n.name));
  const enabled = new Set<string>(s.services);

  // Nodes: unique names and addresses.
  firstSeen(
    nodes.map((n) => n.name),
    (i, j, v) =>
      err(["cluster", "nodes", i, "name"], `duplicate node name "${v}" (also cluster.nodes[${j}])`),
  );
  firstSeen(
    nodes.map((n) => canonicalAddress(n.address)),
    (i, j, v) =>
      err(
        ["cluster", "nodes", i, "address"],
        `duplicate node address ${v} (also cluster.nodes[${j}])`,
      ),
  );
  nodes.forEach((n, i) => {
    firstSeen(n.roles, (k, _j, v) =>
      err(["cluster", "nodes", i, "roles", k], `role "${v}" listed twice`),
    );
  });

  // VIPs must float: never a node's own address.
  for (const key of ["internal_vip", "external_vip"] as const) {
    const vip = s.network[key];
    if (vip === undefined) continue;
    const i = nodes.findIndex((n) => canonicalAddress(n.address) === canonicalAddress(vip));
    if (i >= 0) {
      err(
        ["network", key],
        `VIP ${vip} is the address of node ${nodes[i]?.name} (cluster.nodes[${i}]); a VIP must be an unused address that moves between loadbalancer hosts`,
      );
    }
  }

  // The lab's nodes and VIP live in the subnet kroll creates.
  const lab = s.cluster.lab;
  if (lab) {
    const inside = (addr: string): boolean => ipv4InSubnet(addr, lab.subnet);
    nodes.forEach((n, i) => {
      if (!inside(n.address))
        err(
          ["cluster", "nodes", i, "address"],
          `lab node address ${n.address} is outside the lab subnet ${lab.subnet}`,
        );
    });
    if (!inside(s.network.internal_vip))
      err(
        ["network", "internal_vip"],
        `lab VIP ${s.network.internal_vip} is outside the lab subnet ${lab.subnet}`,
      );
  }

  // Services: unique, dependencies enabled, the loadbalancer's switches consistent.
  firstSeen(s.services, (i, _j, v) => err(["services", i], `service "${v}" listed twice`));
  s.services.forEach((svc, i) => {
    const spec = CATALOGUE[svc];
    for (const dep of spec.requires) {
      if (!enabled.has(dep))
        err(["services", i], `service "${svc}" needs "${dep}", which is not enabled`);
    }
    const identity = packWithRole("identity")?.pack.spec.name;
    if (spec.needsKeystone && s.kolla.auth !== "noauth" && identity && !enabled.has(identity)) {
      err(
        ["services", i],
        `service "${svc}" needs "${identity}" (kolla.auth is ${s.kolla.auth}); enable ${identity} or set kolla.auth: noauth`,
      );
    }
  });
  for (const issue of loadbalancerSwitchIssues(s))
    (issue.level === "error" ? err : warn)(issue.path, issue.message);
  if (s.network.tls.external && s.network.external_vip === undefined) {
    warn(
      ["network", "tls", "external"],
      "external TLS without external_vip: the external endpoint is the internal VIP",
    );
  }

  // Every group an enabled service runs in must get at least one host from the roles.
  s.services.forEach((svc, i) => {
    const emptyByRoles = new Map<string, string[]>();
    for (const comp of componentsFor(svc, s.kolla.release, { optional: vipFailoverEnabled(s) })) {
      if (!hasGroup(layout, comp.group)) continue; // not in this release's layout
      if (hostsOfGroup(layout, comp.group, nodes).length > 0) continue;
      const roles = [...rolesOfGroup(layout, comp.group)].join(" or ");
      emptyByRoles.set(roles, [...(emptyByRoles.get(roles) ?? []), comp.group]);
    }
    for (const [roles, groups] of emptyByRoles) {
      const many = groups.length > 1;
      err(
        ["services", i],
        `service "${svc}" needs hosts in group${many ? "s" : ""} ${groups.map((g) => `"${g}"`).join(", ")}, which take${many ? "" : "s"} ${many ? "their" : "its"} hosts from role ${roles}, but no node has that role`,
      );
    }
  });

  // A host interface a service's agents need: for all hosts, or on each host of its group.
  s.services.forEach((svc, i) => {
    const need = CATALOGUE[svc].hostInterface;
    if (!need || (s.network as Readonly<Record<string, unknown>>)[need.global] !== undefined)
      return;
    const missing = hostsOfGroup(layout, need.group, nodes).filter(
      (h) => nodes.find((n) => n.name === h)?.interfaces?.[need.field] === undefined,
    );
    if (missing.length > 0)
      err(
        ["services", i],
        `service "${svc}" needs network.${need.global} (or interfaces.${need.field} on ${missing.join(", ")})`,
      );
  });

  // Tags.
  if (s.kolla.stable === s.kolla.target) {
    warn(
      ["kolla", "target"],
      `target tag equals stable tag "${s.kolla.stable}": the upgrade will replace containers with the same images`,
    );
  }
  for (const svc of Object.keys(s.kolla.tags)) {
    if (isServiceName(svc) && !enabled.has(svc))
      err(["kolla", "tags", svc], `tags given for service "${svc}", which is not enabled`);
  }
  for (const [host, perService] of Object.entries(s.kolla.host_tags)) {
    if (!nodeNames.has(host))
      err(["kolla", "host_tags", host], `no node named "${host}"${hint(host, nodeNames)}`);
    for (const svc of Object.keys(perService)) {
      if (isServiceName(svc) && !enabled.has(svc))
        err(
          ["kolla", "host_tags", host, svc],
          `tags given for service "${svc}", which is not enabled`,
        );
    }
  }
  for (const key of Object.keys(s.kolla.globals)) {
    if (MANAGED_GLOBALS.has(key)) {
      err(
        ["kolla", "globals", key],
        `"${key}" is set by kroll from the scenario (${MANAGED_GLOBALS.get(key)}); change that field instead`,
      );
    }
  }

  // Upgrade settings.
  const up = s.upgrade;
  (up.order ?? []).forEach((svc, i) => {
    if (!enabled.has(svc)) err(["upgrade", "order", i], `service "${svc}" is not enabled`);
  });
  firstSeen(up.order ?? [], (i, _j, v) =>
    err(["upgrade", "order", i], `service "${v}" listed twice`),
  );
  for (const group of Object.keys(up.max_unavailable_per_group)) {
    if (!hasGroup(layout, group))
      err(
        ["upgrade", "max_unavailable_per_group", group],
        `no group "${group}" in the ${s.kolla.release} inventory${hint(group, allGroups(layout))}`,
      );
  }
  const componentKeys = new Map<string, ServiceName>();
  for (const svc of s.services) {
    for (const comp of componentsFor(svc, s.kolla.release, { optional: vipFailoverEnabled(s) }))
      componentKeys.set(comp.key, svc);
  }
  for (const key of Object.keys(up.stop_grace_per_component)) {
    if (!componentKeys.has(key))
      err(
        ["upgrade", "stop_grace_per_component", key],
        `no component "${key}" among the enabled services${hint(key, componentKeys.keys())}`,
      );
  }
  for (const svc of Object.keys(up.pins)) {
    if (isServiceName(svc) && !enabled.has(svc))
      err(["upgrade", "pins", svc], `pin given for service "${svc}", which is not enabled`);
  }
  up.leave_on_stable.services.forEach((name, i) => {
    if (!enabled.has(name) && !componentKeys.has(name)) {
      err(
        ["upgrade", "leave_on_stable", "services", i],
        `"${name}" is neither an enabled service nor one of its components${hint(name, [...enabled, ...componentKeys.keys()])}`,
      );
    }
  });
  up.leave_on_stable.hosts.forEach((h, i) => {
    if (!nodeNames.has(h))
      err(["upgrade", "leave_on_stable", "hosts", i], `no node named "${h}"${hint(h, nodeNames)}`);
  });

  // Checkpoints must name a step the plan will have.
  firstSeen(
    up.checkpoints.map((c) => c.name),
    (i, j, v) =>
      err(
        ["upgrade", "checkpoints", i, "name"],
        `duplicate checkpoint name "${v}" (also upgrade.checkpoints[${j}])`,
      ),
  );
  up.checkpoints.forEach((cp, i) => {
    const at = ["upgrade", "checkpoints", i];
    const asService = enabled.has(cp.after);
    const svcOfComp = componentKeys.get(cp.after);
    if (!asService && svcOfComp === undefined) {
      err(
        [...at, "after"],
        `checkpoint "${cp.name}" names no step: "${cp.after}" is neither an enabled service nor one of its components${hint(cp.after, [...enabled, ...componentKeys.keys()])}`,
      );
    } else if (cp.node !== undefined) {
      if (!nodeNames.has(cp.node)) {
        err([...at, "node"], `no node named "${cp.node}"${hint(cp.node, nodeNames)}`);
      } else {
        const groups = asService
          ? componentsFor(cp.after as ServiceName, s.kolla.release).map((c) => c.group)
          : [
              CATALOGUE[svcOfComp as ServiceName].components.find((c) => c.key === cp.after)
                ?.group ?? cp.after,
            ];
        const runsThere = groups.some((g) =>
          hostsOfGroup(layout, g, nodes).includes(cp.node as string),
        );
        if (!runsThere)
          err(
            [...at, "node"],
            `checkpoint "${cp.name}" names no step: "${cp.after}" does not run on node ${cp.node}`,
          );
      }
    }
    if (cp.hold === undefined && cp.until === undefined)
      err(at, `checkpoint "${cp.name}" needs "hold" (a duration) or "until"`);
    // A step kept on stable never runs, so a hold after it would never come (or come early).
    const kept = up.leave_on_stable.services;
    const keptStep =
      kept.includes(cp.after) ||
      (svcOfComp !== undefined && kept.includes(svcOfComp)) ||
      (asService &&
        componentsFor(cp.after as ServiceName, s.kolla.release).every((c) => kept.includes(c.key)));
    if (keptStep)
      err(
        [...at, "after"],
        `checkpoint "${cp.name}" holds after "${cp.after}", which upgrade.leave_on_stable keeps on stable: that step never runs`,
      );
    else if (cp.node !== undefined && up.leave_on_stable.hosts.includes(cp.node))
      err(
        [...at, "node"],
        `checkpoint "${cp.name}" holds after a step on ${cp.node}, which upgrade.leave_on_stable keeps on stable: that step never runs there`,
      );
  });

  // Release pins: only where kroll can hold one, and a release to pin to.
  for (const [svc, to] of Object.entries(up.pins)) {
    if (!enabled.has(svc)) continue; // said above: not enabled
    if (!(RELEASE_PINNED as readonly string[]).includes(svc))
      err(
        ["upgrade", "pins", svc],
        `${svc} has no release pin kroll can hold during its upgrade (services with one: ${RELEASE_PINNED.join(", ")}); remove it`,
      );
    else if (!/^([a-z][a-z0-9-]*|\d{4}\.[12]|\d+\.\d+)$/.test(to ?? ""))
      err(
        ["upgrade", "pins", svc],
        `expected a release to pin ${svc} to, a name or version such as "zed", "2023.1" or "21.4", got "${to}"`,
      );
  }

  // Load profiles need their service, and distinct names.
  s.load.profiles.forEach((p, i) => {
    if (p.kind !== "http" && !enabled.has(p.kind)) {
      err(
        ["load", "profiles", i, "kind"],
        `a ${p.kind} load profile needs service "${p.kind}", which is not enabled`,
      );
    }
  });
  firstSeen(
    s.load.profiles.map((p) => p.name),
    (i, j, v) =>
      err(
        ["load", "profiles", i, "name"],
        `duplicate profile name "${v}" (also load.profiles[${j}])`,
      ),
  );

  return { errors, warnings };
}

/** Calls `onDup(index, firstIndex, value)` for every repeat of a value. */
function firstSeen(
  values: readonly string[],
  onDup: (i: number, j: number, v: string) => void,
): void {
  const seen = new Map<string, number>();
  values.forEach((v, i) => {
    const j = seen.get(v);
    if (j === undefined) seen.set(v, i);
    else onDup(i, j, v);
  });
}

function hint(word: string, candidates: Iterable<string>): string {
  const best = suggest(word, [...candidates]);
  return best === undefined ? "" : `; did you mean "${best}"?`;
}

function allGroups(layout: ReturnType<typeof layoutFor>): string[] {
  return [...layout.hostGroups, ...layout.childGroups.keys()];
}

export function ipv4InSubnet(addr: string, cidr: string): boolean {
  if (isIP(addr) !== 4) return false;
  const [base = "", bitsText = "32"] = cidr.split("/");
  const bits = Number(bitsText);
  const toInt = (a: string): number => a.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
  // Bitwise ops are 32-bit signed in JS; stay in doubles: same network = same quotient by the
  // block size (a /24 is a block of 2^8 = 256 addresses).
  const block = 2 ** (32 - bits);
  return Math.floor(toInt(addr) / block) === Math.floor(toInt(base) / block);
}
