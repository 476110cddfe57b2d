import { ConfigError, EXIT, formatIssue } from "../../core/errors.js";
import { readScenario } from "../../scenario/read.js";
import type { CommandContext } from "../context.js";

export async function run(ctx: CommandContext<{ json?: boolean }>): Promise<number> {
  const file = ctx.positionals[0] ?? "";
  try {
    const loaded = await readScenario(file, ctx.cwd, ctx.sets);
    const s = loaded.scenario;
    if (ctx.values.json) {
      ctx.out.json({ file: loaded.file, valid: true, errors: [], warnings: loaded.warnings });
      return EXIT.ok;
    }
    for (const w of loaded.warnings) ctx.out.note(`warning: ${formatIssue(w)}`);
    ctx.out.line(
      `${loaded.file}: valid — scenario "${s.name}", kolla ${s.kolla.release}, ` +
        `${s.cluster.nodes.length} node${s.cluster.nodes.length === 1 ? "" : "s"}, ` +
        `services ${s.services.join(", ")}, ${s.kolla.stable} → ${s.kolla.target}`,
    );
    return EXIT.ok;
  } catch (e: unknown) {
    if (e instanceof ConfigError && ctx.values.json) {
      ctx.out.json({ file, valid: false, errors: e.issues, warnings: [] });
      return EXIT.badInput;
    }
    throw e;
  }
}
