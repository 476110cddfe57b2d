// `npm run bench -- <name>`: runs bench/<name>.ts, which measures its baseline in the same run
// and ends with one JSON line of its figures.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";

const name = process.argv[2];
const available = readdirSync(new URL(".", import.meta.url))
  .filter((f) => f.endsWith(".ts"))
  .map((f) => f.replace(/\.ts$/, ""));
if (name === undefined || !existsSync(new URL(`./${name}.ts`, import.meta.url))) {
  process.stderr.write(`usage: npm run bench -- <name>; benchmarks: ${available.join(", ")}\n`);
  process.exit(2);
}
const r = spawnSync(
  process.execPath,
  [
    "--import",
    "tsx/esm",
    new URL(`./${name}.ts`, import.meta.url).pathname,
    ...process.argv.slice(3),
  ],
  { stdio: "inherit" },
);
process.exit(r.status ?? 1);
