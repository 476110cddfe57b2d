/** Composition root of `kroll status`: node × container table from Docker on every node. */
import { EXIT } from "../../core/errors.js";
import { LABELS } from "../../deploy/render.js";
import { readScenario } from "../../scenario/read.js";
import type { CommandContext } from "../context.js";
import { table } from "../output.js";
import { openSession } from "./cluster-session.js";

interface Values {
  json?: boolean;
  "accept-new-host-keys"?: boolean;
}

export async function run(ctx: CommandContext<Values>): Promise<number> {
  const s = (await readScenario(ctx.positionals[0] ?? "", ctx.cwd, ctx.sets)).scenario;
  const session = await openSession(s, ctx.logger, ctx.values["accept-new-host-keys"] === true);
  try {
    const rows = (
      await Promise.all(
        s.cluster.nodes.map(async (n) =>
          (
            await (session.dockers.get(n.name)?.list({ [LABELS.scenario]: s.name }) ??
              Promise.resolve([]))
          ).sort((a, b) => (a.name < b.name ? -1 : 1)),
        ),
      )
    ).flat();
    const view = rows.map((c) => ({
      node: c.node,
      container: c.name,
      service: c.labels[LABELS.service] ?? "",
      image: c.image,
      tag: c.image.split(":").pop() ?? "",
      state: c.status,
      health: c.health,
      restarts: c.restartCount,
    }));
    if (ctx.values.json) {
      ctx.out.json({ scenario: s.name, containers: view });
      return EXIT.ok;
    }
    ctx.out.line(
      table([
        ["node", "container", "tag", "state", "health", "restarts"],
        ...view.map((v) => [v.node, v.container, v.tag, v.state, v.health, String(v.restarts)]),
      ]),
    );
    const bad = view.filter(
      (v) => v.state !== "running" || (v.health !== "healthy" && v.health !== "none"),
    );
    ctx.out.line(
      bad.length === 0
        ? `${view.length} containers, all running and healthy`
        : `${bad.length} of ${view.length} containers not running and healthy`,
    );
    return EXIT.ok;
  } finally {
    session.close();
  }
}
