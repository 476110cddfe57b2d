// Runs mocha over the specs given, as the suite does (mocha-run.mjs): `node mocha-one.mjs SPEC…`.
import { runMocha } from "./mocha-run.mjs";

process.exit(await runMocha(process.argv.slice(2)));
