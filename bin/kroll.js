#!/usr/bin/env node
// Launcher. An installed kroll runs the JavaScript compiled into dist/ at `npm ci` (the
// `prepare` script), which starts in about 0.2 s. In a checkout whose sources changed since that
// build, it runs the TypeScript sources through tsx's loader instead (a development
// dependency), so an edit is never shadowed by a stale build. `src/cli/main.ts` owns the exit
// code.
import { readdirSync, statSync } from "node:fs";

const stamp = new URL("../dist/.built", import.meta.url);

/** The newest modification time under src/ (a few hundred files: a few milliseconds). */
function newest(dir) {
  let t = 0;
  let entries = [];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0; // no sources beside the build: an install from a package
  }
  for (const e of entries) {
    const p = new URL(e.name + (e.isDirectory() ? "/" : ""), dir);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

let built = 0;
try {
  built = statSync(stamp).mtimeMs;
} catch {
  built = 0;
}
let entry = "../dist/cli/main.js";
if (built === 0 || newest(new URL("../src/", import.meta.url)) > built) {
  try {
    const { register } = await import("tsx/esm/api");
    register();
  } catch {
    process.stderr.write(
      "error: kroll is not built (dist/ is missing or older than src/) and tsx is not installed: run `npm ci` (or `npm run build`)\n",
    );
    process.exit(3);
  }
  entry = "../src/cli/main.ts";
}
const { main } = await import(entry);
await main(process.argv.slice(2));
