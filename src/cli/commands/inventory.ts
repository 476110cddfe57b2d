/** Composition root of `kroll inventory`. */
import { relative, resolve } from "node:path";
import { EXIT, formatIssue, UsageError } from "../../core/errors.js";
import { hostsOfGroup, layoutFor } from "../../kolla/layout.js";
import { overrideLayers, writeKollaInputs } from "../../inventory/emit.js";
import { buildConfigTree, explainOption } from "../../inventory/overrides.js";
import { EXAMPLE_COMPONENT, serviceOf } from "../../services/catalogue.js";
import { PHASES } from "../../inventory/phase.js";
import type { Phase } from "../../inventory/phase.js";
import { CATALOGUE } from "../../services/catalogue.js";
import { readScenario } from "../../scenario/read.js";
import type { CommandContext } from "../context.js";
import { table } from "../output.js";

interface Values {
  out?: string;
  phase?: string;
  explain?: string;
  host?: string;
  adopt?: boolean;
}

export async function run(ctx: CommandContext<Values>): Promise<number> {
  const { values } = ctx;
  const phase = (values.phase ?? "stable") as Phase;
  if (!PHASES.includes(phase))
    throw new UsageError(`--phase takes stable or target, got "${values.phase}"`);
  if (values.explain === undefined && values.out === undefined) {
    throw new UsageError(
      "inventory needs -o DIR (or --explain)\nusage: kroll inventory SCENARIO -o DIR",
    );
  }
  if (values.host !== undefined && values.explain === undefined)
    throw new UsageError("--host goes with --explain");

  const loaded = await readScenario(ctx.positionals[0] ?? "", ctx.cwd, ctx.sets);
  for (const w of loaded.warnings) ctx.out.note(`warning: ${formatIssue(w)}`);
  const s = loaded.scenario;
  const layers = await overrideLayers(loaded, ctx.home, ctx.cwd);
  if (values.explain !== undefined) {
    const built = buildConfigTree(layers, s.kolla.config, `${loaded.file} kolla.config`);
    return explain(ctx, built.tree, s, values.explain, values.host);
  }

  const outDir = resolve(ctx.cwd, values.out as string);
  const gen = await writeKollaInputs({
    loaded,
    outDir,
    home: ctx.home,
    cwd: ctx.cwd,
    phase,
    adopt: values.adopt === true,
  });
  const shown = relative(ctx.cwd, outDir) || ".";
  ctx.out.line(`wrote kolla-ansible inputs for ${s.kolla.release} (${phase} phase) to ${shown}/`);
  ctx.out.line(
    table([
      [
        "  multinode",
        `${s.cluster.nodes.length} hosts, ${layoutFor(s.kolla.release).childGroups.size} child groups`,
      ],
      ["  globals.yml", `openstack_tag ${phase === "stable" ? s.kolla.stable : s.kolla.target}`],
      [
        "  passwords.yml",
        `${gen.passwords.generated.length} generated, ${gen.passwords.kept.length} kept (mode 0600)`,
      ],
      [
        "  config/",
        `${gen.files.filter((f) => f.path.startsWith("config/")).length} override files`,
      ],
    ]),
  );
  if (gen.outcome.kept.length > 0)
    ctx.out.line(
      `  kept the operator's ${gen.outcome.kept.length} file(s) as they are: ${gen.outcome.kept.join(", ")}`,
    );
  for (const f of gen.outcome.leftChanged)
    ctx.out.note(`note: ${f} was kroll's and is no longer generated, but was changed since: left`);
  return EXIT.ok;
}

function explain(
  ctx: CommandContext<Values>,
  tree: Parameters<typeof explainOption>[0],
  s: Awaited<ReturnType<typeof readScenario>>["scenario"],
  spec: string,
  hostArg: string | undefined,
): number {
  const m = /^([a-z0-9-]+):([^.]+)\.(.+)$/.exec(spec);
  if (!m)
    throw new UsageError(
      `--explain takes COMPONENT:SECTION.OPTION, e.g. ${EXAMPLE_COMPONENT}:DEFAULT.debug; got "${spec}"`,
    );
  const [, component = "", section = "", option = ""] = m;
  const service = serviceOf(component);
  if (service === undefined) throw new UsageError(`--explain: no component "${component}"`);
  const comp =
    CATALOGUE[service].components.find((c) => c.key === component) ??
    CATALOGUE[service].components[0];
  const runsOn = comp ? hostsOfGroup(layoutFor(s.kolla.release), comp.group, s.cluster.nodes) : [];
  const host = hostArg ?? runsOn[0] ?? s.cluster.nodes[0]?.name ?? "";
  if (hostArg !== undefined && !s.cluster.nodes.some((n) => n.name === hostArg)) {
    throw new UsageError(`--host: no node named "${hostArg}"`);
  }
  const ex = explainOption(tree, component, host, section, option);
  if (!ex) throw new UsageError(`--explain: no component "${component}"`);
  ctx.out.line(
    `[${section}] ${option} for ${component} on ${host}, in kolla's merge order (later wins):`,
  );
  ctx.out.line(
    table(
      ex.chain.map((step, i) => [
        `  /etc/kolla/config/${step.file}`,
        step.value === undefined ? "-" : `${option} = ${step.value}`,
        step.source === undefined
          ? ""
          : `from ${step.source}${i === ex.winner ? "   <- wins" : ""}`,
      ]),
    ),
  );
  ctx.out.line(
    ex.winner === undefined
      ? `No override sets it: kolla's template value for ${component} applies.`
      : `Effective: ${option} = ${ex.chain[ex.winner]?.value ?? ""}`,
  );
  if (!runsOn.includes(host))
    ctx.out.note(`note: ${component} does not run on ${host} in this scenario`);
  return EXIT.ok;
}
