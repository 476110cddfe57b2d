/**
 * Composition root of `kroll plan`: observe the cluster (read-only), or assume it is on stable
 * (`--offline`), and print every wave the upgrade would run from there: the same planner, the
 * same actions `kroll upgrade` executes.
 */
import { EXIT } from "../../core/errors.js";
import { describeAction } from "../../upgrade/journal.js";
import { assumedStable, simulate } from "../../upgrade/planner.js";
import type { Observed } from "../../upgrade/types.js";
import type { CommandContext } from "../context.js";
import { table } from "../output.js";
import { openSession } from "./cluster-session.js";
import { opsFor, parseStrategy, prepareUpgrade } from "./upgrade-setup.js";
import { readScenario } from "../../scenario/read.js";
import { changeTag } from "../../change/build.js";
import { readChanges } from "../../change/read.js";
import { withChanges } from "../../change/scenario.js";

interface Values {
  change?: string[];
  json?: boolean;
  offline?: boolean;
  verbose?: boolean;
  strategy?: string;
  "kolla-dir"?: string;
  "accept-new-host-keys"?: boolean;
}

export async function run(ctx: CommandContext<Values>): Promise<number> {
  // Changes under review: the plan moves only their services, to the tag their build will have.
  const read = await readScenario(ctx.positionals[0] ?? "", ctx.cwd, ctx.sets);
  const changes = readChanges(read.scenario, read.dir, ctx.values.change ?? [], ctx.cwd).map(
    (c) => ({ service: c.service, tag: changeTag(c) }),
  );
  const setup = await prepareUpgrade(
    ctx,
    ctx.positionals[0] ?? "",
    parseStrategy(ctx.values.strategy),
    ctx.values["kolla-dir"],
    false,
    false,
    (s) => withChanges(s, changes),
  );
  const d = setup.desired;
  let initial: Observed;
  if (ctx.values.offline) {
    // What `kroll deploy` would have laid out, when kroll deploys these services; else every
    // component kolla-ansible would deploy.
    const stable = assumedStable(d);
    const deployed = setup.deployable;
    initial = deployed
      ? {
          ...stable,
          containers: stable.containers.filter((c) => deployed.has(`${c.node} ${c.name}`)),
        }
      : stable;
  } else {
    const session = await openSession(
      setup.loaded.scenario,
      ctx.logger,
      ctx.values["accept-new-host-keys"] === true,
    );
    try {
      initial = { ...(await opsFor(ctx, setup, session).observe(d)), markers: [] };
    } finally {
      session.close();
    }
  }
  const sim = simulate(d, initial);
  if (ctx.values.json) {
    ctx.out.json({
      scenario: d.scenario,
      strategy: d.strategy,
      source: ctx.values.offline ? "assumed-stable" : "observed",
      waves: sim.waves.map((w, i) => ({ index: i, ...w })),
      notes: sim.notes,
    });
    return EXIT.ok;
  }
  ctx.out.line(
    `plan for scenario "${d.scenario}" (${d.strategy}, from the ${ctx.values.offline ? "stable state the scenario describes" : "cluster as observed now"}): ${sim.waves.length} waves`,
  );
  const rows: string[][] = [["wave", "service", "step", "nodes", "actions"]];
  sim.waves.forEach((w, i) => {
    const nodes = [...new Set(w.tracks.map((t) => t.node).filter((x) => x !== undefined))];
    const kinds = new Map<string, number>();
    for (const a of w.tracks.flatMap((t) => t.actions))
      kinds.set(a.kind, (kinds.get(a.kind) ?? 0) + 1);
    rows.push([
      String(i),
      w.service,
      w.step,
      nodes.join(",") || "-",
      [...kinds].map(([k, n]) => (n > 1 ? `${k}×${n}` : k)).join(" ") || "-",
    ]);
    if (ctx.values.verbose)
      for (const t of w.tracks)
        for (const a of t.actions) rows.push(["", "", "", t.node ?? "", describeAction(a)]);
  });
  ctx.out.line(table(rows));
  for (const n of sim.notes) ctx.out.line(`note: ${n}`);
  return EXIT.ok;
}
