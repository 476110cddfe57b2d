/**
 * Regenerates src/kolla/layouts/<release>.json from kolla-ansible's upstream sample files
 * (`ansible/inventory/multinode` and `etc/kolla/passwords.yml` of each release).
 *
 *   npm run gen:layouts   # reads ../shared/reference/kolla-ansible-inventories
 *
 * The data files hold facts only: which groups exist, which children each `[x:children]`
 * section lists, in upstream order, and which keys passwords.yml has. A unit test compares
 * them with the samples again, so a refreshed sample cannot drift silently.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseSampleInventory, parseSamplePasswords } from "../src/inventory/sample.js";

const [srcDir, outDir] = process.argv.slice(2);
if (srcDir === undefined || outDir === undefined) {
  process.stderr.write("usage: extract-layouts.ts SAMPLES_DIR OUT_DIR\n");
  process.exit(2);
}
for (const release of readdirSync(srcDir, { withFileTypes: true })) {
  if (!release.isDirectory()) continue;
  const dir = join(srcDir, release.name);
  const inv = parseSampleInventory(readFileSync(join(dir, "multinode"), "utf8"));
  const pw = parseSamplePasswords(readFileSync(join(dir, "passwords.yml"), "utf8"));
  const layout = {
    release: release.name,
    hostGroups: inv.hostGroups.map((g) => g.name),
    childGroups: inv.childGroups.map((g) => [g.name, g.children]),
    passwords: pw,
  };
  writeFileSync(join(outDir, `${release.name}.json`), formatLayout(layout));
  process.stdout.write(
    `${release.name}: ${inv.childGroups.length} child groups, ${pw.keys.length} password keys\n`,
  );
}

/** One group per line, so a refreshed sample shows up as a readable diff. */
function formatLayout(layout: {
  release: string;
  hostGroups: string[];
  childGroups: (string | readonly string[])[][];
  passwords: { keys: readonly string[]; sshKeys: readonly string[] };
}): string {
  const j = (v: unknown): string => JSON.stringify(v);
  return [
    "{",
    `  "release": ${j(layout.release)},`,
    `  "hostGroups": ${j(layout.hostGroups)},`,
    `  "childGroups": [`,
    layout.childGroups.map((g) => `    ${j(g)}`).join(",\n"),
    "  ],",
    `  "passwords": {`,
    `    "sshKeys": ${j(layout.passwords.sshKeys)},`,
    `    "keys": [`,
    layout.passwords.keys.map((k) => `      ${j(k)}`).join(",\n"),
    "    ]",
    "  }",
    "}",
    "",
  ].join("\n");
}
