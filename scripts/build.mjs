// `npm run build` (and `prepare`, at `npm ci`): compiles src/ into dist/ and stamps the build, so
// bin/kroll.js can tell a build from sources edited after it.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";

rmSync(new URL("../dist/", import.meta.url), { recursive: true, force: true });
const tsc = spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
writeFileSync(new URL("../dist/.built", import.meta.url), `${new Date().toISOString()}\n`);
// The lock file node_modules was installed from (sha256), so that a job's ensure-kroll can leave
// an installed checkout alone instead of emptying node_modules with another `npm ci`.
const modules = new URL("../node_modules/", import.meta.url);
const lock = new URL("../package-lock.json", import.meta.url);
if (existsSync(modules) && existsSync(lock))
  writeFileSync(
    new URL(".kroll-installed", modules),
    `${createHash("sha256").update(readFileSync(lock)).digest("hex")}\n`,
  );
