/**
 * The scenario's JSON Schema (input side: what people write), for editors. Regenerate with
 * `npm run gen:schema`; a unit test fails when scenarios/scenario.schema.json drifts.
 */
import { z } from "zod";
import { Scenario } from "./schema.js";

export function scenarioJsonSchemaText(): string {
  const schema = z.toJSONSchema(Scenario, { io: "input", target: "draft-2020-12" });
  return `${JSON.stringify({ ...schema, title: "kroll scenario" }, null, 2)}\n`;
}

// Script entry: `tsx src/scenario/json-schema.ts OUT_FILE`.
if (import.meta.url === `file://${process.argv[1] ?? ""}`) {
  const out = process.argv[2];
  const { writeFileSync } = await import("node:fs");
  if (out === undefined) process.stdout.write(scenarioJsonSchemaText());
  else writeFileSync(out, scenarioJsonSchemaText());
}
