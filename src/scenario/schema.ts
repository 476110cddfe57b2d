/**
 * PURE. The scenario file: one zod schema, one type. Everything later stages need is declared
 * here so they extend it rather than rewrite it. Cross-field rules (a VIP equal to a node
 * address, a role layout that leaves a group empty, ...) live in rules.ts.
 *
 * Conventions: snake_case keys as in kolla-ansible's globals.yml; durations as strings
 * ("500ms", "90s", "5m", "1h30m") that parse to milliseconds; paths relative to the scenario
 * file. `strictObject` everywhere, so a misspelt key is an error, not a silent default.
 */
import { LAB_PACKS, LOAD_PACKS, RECORDABLE_STUCK } from "../services/catalogue.js";
import type { ProfileBase } from "../services/types.js";
import { isIP } from "node:net";
import { z } from "zod";
import { Duration } from "../core/duration.js";
import { SERVICES } from "../services/catalogue.js";
import { RELEASES } from "../kolla/releases.js";
import { ROLES } from "../kolla/layout.js";

// ---------------------------------------------------------------- scalars

export { Duration };

const NAME_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const NodeName = z.string().regex(NAME_RE, {
  error: "expected a host name: lower-case letters, digits and '-', at most 63 characters",
});

const HOSTNAME_RE =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
export const IpAddress = z
  .string()
  .refine((s) => isIP(s) !== 0, { error: "expected an IPv4 or IPv6 address" });
export const HostAddress = z.string().refine(
  // "10.0.0" is a broken IPv4 address, not a DNS name: a name needs a label with a letter.
  (s) => isIP(s) !== 0 || (HOSTNAME_RE.test(s) && /[A-Za-z]/.test(s)),
  {
    error: "expected an IPv4 or IPv6 address or a DNS name",
  },
);

const Interface = z
  .string()
  .regex(/^[A-Za-z0-9_.:@-]{1,15}$/, { error: "expected a network interface name such as eth0" });

/** An image tag as Docker accepts it. */
export const Tag = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, {
  error: "expected an image tag: letters, digits, '_', '.', '-', at most 128 characters",
});

/** k8s-style: a whole number of hosts, or a percentage of the group ("25%"). */
export const IntOrPercent = z.union(
  [
    // With no surge, 0 hosts down at a time would never make progress: at least 1 (or 1%).
    z
      .number()
      .int()
      .min(1, { error: "expected at least 1: with no surge, 0 at a time never makes progress" }),
    z.string().regex(/^(100|[1-9]\d?)%$/, {
      error: 'expected a percentage from 1% to 100% such as "25%"',
    }),
  ],
  { error: 'expected a whole number of hosts or a percentage such as "25%"' },
);

export const ServiceName = z.enum(SERVICES);
/** A release; `2025.1` unquoted (a YAML number, as `--set kolla.release=2025.1` gives it) is read as "2025.1". */
export const Release = z.preprocess(
  (v) => (typeof v === "number" ? v.toFixed(1) : v),
  z.enum(RELEASES),
);
export const Role = z.enum(ROLES);

// ---------------------------------------------------------------- cluster

export const SshSettings = z.strictObject({
  user: z.string().min(1).default("root"),
  port: z.number().int().min(1).max(65535).default(22),
  /** Path to the private key; absent: keys from ssh-agent ($SSH_AUTH_SOCK). */
  private_key: z.string().min(1).optional(),
  /** known_hosts to check host keys against; absent: ~/.ssh/known_hosts. */
  known_hosts: z.string().min(1).optional(),
});
export type SshSettings = z.infer<typeof SshSettings>;

export const NodeInterfaces = z.strictObject({
  network: Interface.optional(),
  api: Interface.optional(),
  tunnel: Interface.optional(),
  neutron_external: Interface.optional(),
});

export const ClusterNode = z.strictObject({
  name: NodeName,
  address: HostAddress,
  ssh: SshSettings.prefault({}),
  roles: z.array(Role).min(1, { error: "expected at least one role" }),
  /** Per-host interface names (inventory host vars), when hosts differ from `network`. */
  interfaces: NodeInterfaces.optional(),
});
export type ClusterNode = z.infer<typeof ClusterNode>;

const AptUrl = z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, {
  error: 'expected an http(s) URL of a Debian archive, e.g. "http://deb.debian.org/debian"',
});
const DebianVersion = z.string().regex(/^(\d+:)?[0-9][A-Za-z0-9.+~-]*$/, {
  error: 'expected a Debian version, e.g. "1:21.4.4-0+deb12u1"',
});
const Suite = z.string().regex(/^[a-z][a-z0-9-]{1,30}$/, {
  error: 'expected a Debian suite name, e.g. "forky" or "sid"',
});
/** Keys: the lab's services as their packs name their versions (`lab.source`). */
const LabVersionPins = z.strictObject(
  Object.fromEntries(LAB_PACKS.map((p) => [p.lab.source, DebianVersion.optional()])),
);

export const LabSettings = z.strictObject({
  /**
   * The lab this scenario runs on (default: the scenario's name). Scenarios naming the same lab
   * share its nodes, registry and images: the gate scenarios run on the lab `lab.yaml` builds.
   */
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,30}$/, {
      error: "expected a short lowercase name (letters, digits, '-'), e.g. lab",
    })
    .optional(),
  /** The lab network kroll creates; node addresses must be inside it. */
  subnet: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-8])$/, {
    error: 'expected an IPv4 subnet such as "172.30.92.0/24"',
  }),
  /** Where `kroll lab up` keeps keys, registry storage and generated files (relative to the scenario). */
  state_dir: z.string().min(1).default("../inventories/lab"),
  /**
   * The Debian archive the lab's images are built from (debootstrap and every image); the
   * environment variable KROLL_APT_MIRROR overrides it. Default: Debian's own.
   */
  apt_mirror: AptUrl.optional(),
  /** The security archive (e.g. trixie-security); KROLL_APT_SECURITY_MIRROR overrides it. Default: `<apt_mirror>-security`. */
  apt_security_mirror: AptUrl.optional(),
  /**
   * The Debian suite each tag is built from, base image included: stable is deployed first,
   * proposed is what the upgrade moves to. Default forky → sid (OpenStack 2026.1 → 2026.2).
   * A released suite (bookworm, trixie) takes its -updates and -security too.
   */
  suites: z.strictObject({ stable: Suite.optional(), proposed: Suite.optional() }).optional(),
  /**
   * Exact Debian versions, to reproduce an old run; by default each is resolved from the
   * archive when the images are built: the newest in the tag's suite (`suites`).
   */
  versions: z
    .strictObject({ stable: LabVersionPins.optional(), proposed: LabVersionPins.optional() })
    .optional(),
});

export const Cluster = z.strictObject({
  /** Present for the embedded lab (`kroll lab up` builds the nodes); absent for real servers. */
  lab: LabSettings.optional(),
  nodes: z.array(ClusterNode).min(1, { error: "expected at least one node" }),
});

// ---------------------------------------------------------------- kolla

export const TagPair = z.strictObject({ stable: Tag.optional(), target: Tag.optional() });

const IniValue = z.union([z.string(), z.number(), z.boolean()]);
/** Inline INI overrides: { "<file under /etc/kolla/config>": { section: { option: value } } }. */
export const InlineConfig = z.record(
  // No "." or ".." segment: the key is a path inside the override tree, never above it.
  z.string().regex(/^(?!(.*\/)?\.\.?(\/|$))[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*\.(conf|ini)$/, {
    error:
      'expected a path under /etc/kolla/config ending in .conf or .ini, with no "." or ".." segment, e.g. "ironic/ironic-conductor.conf"',
  }),
  z.record(z.string(), z.record(z.string(), IniValue)),
);

export const Kolla = z.strictObject({
  /** The release the upgrade moves to (the target images', and the inventory layout's). */
  release: Release,
  /**
   * The release the stable images run: what release pins hold while versions mix. Default: the
   * one before `release` (N → N+1); a SLURP upgrade names it (2025.1 → 2026.1).
   */
  stable_release: Release.optional(),
  base_distro: z.enum(["centos", "debian", "rocky", "ubuntu"]).default("debian"),
  /** `docker_registry`: host[:port] the nodes pull from. Absent: kolla's default (quay.io). */
  registry: z
    .string()
    .regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, {
      error: 'expected host[:port], e.g. "registry.lab:5000"',
    })
    .optional(),
  registry_insecure: z.boolean().default(false),
  namespace: z
    .string()
    .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, {
      error: "expected a registry namespace such as kolla or openstack.kolla",
    })
    .default("kolla"),
  /** The tag deployed first. */
  stable: Tag,
  /** The tag the upgrade moves to. */
  target: Tag,
  /** Per-service tags, when a service's images are tagged differently. */
  tags: z.partialRecord(ServiceName, TagPair).default({}),
  /**
   * Changes under review (`kroll run --change SERVICE=PATH` adds to them): per service, a git
   * checkout of its repository or a patch in git format, relative to this file. Its images are
   * built from stable plus the change, and only the changed services are upgraded.
   */
  changes: z.partialRecord(ServiceName, z.string().min(1)).default({}),
  /** Per-host, per-service tags (inventory host vars): pin one host to its own image. */
  host_tags: z.record(NodeName, z.partialRecord(ServiceName, TagPair)).default({}),
  /** keystone: a normal cloud. noauth: the lab's keystone-free Ironic and Heat. */
  auth: z.enum(["keystone", "noauth"]).default("keystone"),
  config_strategy: z.enum(["COPY_ALWAYS", "COPY_ONCE"]).default("COPY_ALWAYS"),
  /** Extra /etc/kolla/config trees layered over the repo's kolla-overrides/, in order. */
  config_dirs: z.array(z.string().min(1)).default([]),
  /** Inline INI overrides, applied last. */
  config: InlineConfig.default({}),
  /** Extra globals.yml keys, written after kroll's own (a key kroll sets cannot be overridden here). */
  globals: z
    .record(
      z.string().regex(/^[a-z_][a-z0-9_]*$/, { error: "expected a globals.yml key (snake_case)" }),
      z.unknown(),
    )
    .default({}),
});

// ---------------------------------------------------------------- network

export const Network = z.strictObject({
  internal_vip: IpAddress,
  external_vip: IpAddress.optional(),
  interface: Interface.default("eth0"),
  api_interface: Interface.optional(),
  neutron_external_interface: Interface.optional(),
  /** Defaults to whether `haproxy` is in `services`. */
  enable_haproxy: z.boolean().optional(),
  /** Defaults to `enable_haproxy`, as in kolla-ansible. */
  enable_keepalived: z.boolean().optional(),
  keepalived_router_id: z.number().int().min(1).max(255).default(51),
  tls: z
    .strictObject({ internal: z.boolean().default(false), external: z.boolean().default(false) })
    .prefault({}),
});

// ---------------------------------------------------------------- upgrade

export const Checkpoint = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, {
    error: "expected a checkpoint name: lower-case letters, digits, '-' and '_'",
  }),
  /** A step: a service (`ironic`) or a component (`ironic-conductor`). */
  after: z.string().min(1),
  /** Only after that step on this node; absent: after the step on every node. */
  node: NodeName.optional(),
  /** Hold for this long. */
  hold: Duration.optional(),
  /**
   * Or hold until the load has settled (every operation accepted so far ended), and with
   * `checks-passed` then run `checks`: one failing fails the checkpoint, which stops the upgrade
   * there (`upgrade.on_failure`), before the next step widens the damage.
   */
  until: z.enum(["load-settled", "checks-passed"]).optional(),
  /** What `until: checks-passed` runs: no SLO breached so far; no cross-version finding so far. */
  checks: z
    .array(z.enum(["slo", "cross-version"]))
    .min(1)
    .default(["slo", "cross-version"]),
});
export type Checkpoint = z.infer<typeof Checkpoint>;

export const Upgrade = z.strictObject({
  /** rolling: kroll's per-node recipes. kolla-ansible: the baseline, all hosts at once. */
  strategy: z.enum(["rolling", "kolla-ansible"]).default("rolling"),
  /** Service order; default kolla's site.yml order. Services not listed follow in that order. */
  order: z.array(ServiceName).optional(),
  max_unavailable: IntOrPercent.default(1),
  /** Per inventory group, e.g. { compute: "25%" }. */
  max_unavailable_per_group: z.record(z.string(), IntOrPercent).default({}),
  drain: z.boolean().default(true),
  /**
   * Rolling: before an RPC server on shared topic queues stops (heat-engine), cancel its
   * consumers at the broker; before an ironic-conductor stops, take it out of the hash ring in
   * the database: so no call reaches either while it shuts down.
   */
  rpc_drain: z.boolean().default(true),
  drain_timeout: Duration.prefault("60s"),
  healthy_timeout: Duration.prefault("3m"),
  /** docker stop grace: SIGTERM → SIGKILL. kolla's docker_graceful_timeout is 60 s. */
  stop_grace: Duration.prefault("60s"),
  /** Per component, e.g. { heat-engine: "5m" }: longer than the longest resource action. */
  stop_grace_per_component: z.record(z.string(), Duration).default({}),
  /** RPC/release pins held during the upgrade, e.g. { ironic: "zed", nova: "auto" }. */
  pins: z.partialRecord(ServiceName, z.string().min(1)).default({}),
  checkpoints: z.array(Checkpoint).default([]),
  /**
   * How long, at most, kroll holds each mixed-version window of a service with a load (after a
   * schema upgrade, after each node's replacement, while pinned) until every kind of request
   * its load sends has been answered there by every version present. A window still not
   * covered then fails the run's check for it ("window not covered"). 0: no hold (the check
   * still runs).
   */
  window_hold: Duration.prefault("90s"),
  /** Partial targets: leave these on the stable tag (mixed-version states). */
  leave_on_stable: z
    .strictObject({
      services: z.array(z.string().min(1)).default([]),
      hosts: z.array(NodeName).default([]),
    })
    .prefault({}),
  on_failure: z.enum(["rollback", "stop"]).default("rollback"),
});

// ---------------------------------------------------------------- load

const Rate = z.number().positive({ error: "expected a rate in requests per second, above 0" });
export const HttpProfile = z.strictObject({
  kind: z.literal("http"),
  name: z.string().min(1),
  url: z.url({ error: "expected an http:// or https:// URL" }),
  method: z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]).default("GET"),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
  expect: z.array(z.number().int().min(100).max(599)).min(1).default([200]),
  rate: Rate.default(10),
  concurrency: z.number().int().min(1).max(1024).default(16),
});
export type HttpProfile = z.infer<typeof HttpProfile>;

/**
 * A pack's load profile (src/services/<service>/load.ts): `kind` is the service, and the fields
 * every profile has come first; the pack's own fields are checked by the pack's schema.
 */
export type PackProfile = ProfileBase & { readonly [field: string]: unknown };

/** Each pack with a load: its profile's schema, the common fields plus the pack's own. */
export const PACK_PROFILES: readonly z.ZodObject[] = LOAD_PACKS.map(({ spec, load }) =>
  z.strictObject({
    kind: z.literal(spec.name),
    name: z.string().min(1).default(spec.name),
    /** Reads per second. */
    rate: Rate.default(10),
    concurrency: z.number().int().min(1).max(1024).default(16),
    ...load.fields,
  }),
);
const LOAD_KINDS = [...LOAD_PACKS.map((p) => p.spec.name), "http"];

// The union is built from the registry, so its static type is given here: a pack's profile is
// read back by the pack with the very fields that parsed it (services/types.ts, defineLoad).
export const LoadProfile = z.discriminatedUnion("kind", [HttpProfile, ...PACK_PROFILES], {
  error: `expected kind to be one of ${LOAD_KINDS.map((k) => `"${k}"`).join(", ")}`,
}) as unknown as z.ZodType<HttpProfile | PackProfile, unknown>;
export type LoadProfile = HttpProfile | PackProfile;

export const Load = z.strictObject({
  enabled: z.boolean().default(true),
  ramp: Duration.prefault("10s"),
  /**
   * After the upgrade: keep the whole load running this long before the drain, so the new
   * cluster is measured under load too (and an unpin is seen to take effect).
   */
  after: Duration.prefault("0s"),
  /** After the upgrade: keep following accepted operations this long before calling them stuck. */
  drain: Duration.prefault("2m"),
  /** Hard bounds: the load stops by itself at whichever comes first. */
  max_duration: Duration.prefault("1h"),
  max_requests: z.number().int().min(1).max(10_000_000).default(1_000_000),
  probe_interval: Duration.prefault("100ms"),
  profiles: z.array(LoadProfile).default([]),
});

// ---------------------------------------------------------------- verdict and report

/**
 * Each pack's stuck state a scenario may record rather than fail (`slo.<sloKey>: fail|record`,
 * e.g. Heat's `heat_stuck_stacks`), built from the packs as the load profiles are. Their keys
 * are the packs' to name, so they are not in Slo's static type: `stuckChoice` reads them.
 */
const STUCK_SLOS = Object.fromEntries(
  RECORDABLE_STUCK.map((r) => [
    r.sloKey,
    z
      .enum(["fail", "record"])
      .default("fail")
      .describe(`${r.what} stuck by a ${r.worker} replacement: fail the run, or record them`),
  ]),
) as Record<never, never>;

export const Slo = z.strictObject({
  max_failed_requests: z.number().int().min(0).default(0),
  /** Longest unavailability allowed through the VIP, per backend. */
  max_disruption: Duration.prefault("0s"),
  max_stuck_operations: z.number().int().min(0).default(0),
  max_failed_operations: z.number().int().min(0).default(0),
  p99_latency: Duration.optional(),
  ...STUCK_SLOS,
  /** Use the allowed disruption learnt from earlier runs (`kroll history`) instead of max_disruption. */
  disruption_from_history: z.boolean().default(false),
  /** On a breach during the upgrade: stop (and roll back), or record and continue. */
  on_breach: z.enum(["stop", "continue"]).default("stop"),
});

/** A pack's recordable stuck state's choice in a parsed `slo` (`fail` when the key is not set). */
export function stuckChoice(slo: z.infer<typeof Slo>, sloKey: string): "fail" | "record" {
  return (slo as Readonly<Record<string, unknown>>)[sloKey] === "record" ? "record" : "fail";
}

/** subunit: `results.subunit`, subunit v2 (what OpenStack's jobs render as testr_results.html). */
export const REPORT_FORMATS = ["json", "junit", "subunit", "html", "events"] as const;
export const Report = z.strictObject({
  dir: z.string().min(1).default("runs"),
  formats: z
    .array(z.enum(REPORT_FORMATS))
    .min(1)
    .default([...REPORT_FORMATS]),
});

// ---------------------------------------------------------------- the file

/**
 * An upstream defect of the release pair under test, recognised by its signature, so that the
 * gate reports it as known instead of failing on it: off unless listed, every match named in
 * the report.
 */
export const KnownFailure = z.strictObject({
  /** A regular expression matched against a failed request's error, a finding's log line, or a failed operation's "<kind> <verb>: <state> <reason>". */
  pattern: z.string().refine(
    (p) => {
      try {
        new RegExp(p);
        return true;
      } catch {
        return false;
      }
    },
    { error: "expected a regular expression (JavaScript syntax)" },
  ),
  /** Where the defect is tracked upstream (a bug or review URL). */
  bug: z.url({ error: "expected the URL of the upstream bug or review" }),
  /** What it is, in a line. */
  what: z.string().min(1),
});
export type KnownFailure = z.infer<typeof KnownFailure>;

export const Scenario = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, {
    error: "expected a scenario name: lower-case letters, digits, '.', '_' and '-'",
  }),
  description: z.string().optional(),
  cluster: Cluster,
  kolla: Kolla,
  network: Network,
  services: z.array(ServiceName).min(1, { error: "expected at least one service" }),
  upgrade: Upgrade.prefault({}),
  load: Load.prefault({}),
  slo: Slo.prefault({}),
  report: Report.prefault({}),
  /** Known upstream defects, by signature: reported as known, not failed on (default none). */
  known_failures: z.array(KnownFailure).default([]),
});
export type Scenario = z.infer<typeof Scenario>;
export type ScenarioInput = z.input<typeof Scenario>;
