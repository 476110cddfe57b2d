#!/usr/bin/env node
// Thin launcher: kroll runs its TypeScript sources through tsx's ESM loader, so a fresh
// checkout needs only `npm ci` (no build step). `src/cli/main.ts` owns the exit code.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
await main(process.argv.slice(2));
