// `npm run build` (and `prepare`, at `npm ci`): compiles src/ into dist/ and stamps the build, so
// bin/kroll.js can tell a build from sources edited after it.
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";

rmSync(new URL("../dist/", import.meta.url), { recursive: true, force: true });
const tsc = spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
writeFileSync(new URL("../dist/.built", import.meta.url), `${new Date().toISOString()}\n`);
