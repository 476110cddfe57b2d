/**
 * PURE composition of `kroll inventory`: scenario + override layers + existing passwords →
 * the files to write. The caller supplies the secret source (random in use, fixed in tests).
 */
import { ConfigError } from "../core/errors.js";
import type { LoadedScenario } from "../scenario/read.js";
import { renderGlobals } from "./kolla-globals.js";
import { renderInventory } from "./kolla-inventory.js";
import { layoutFor } from "../kolla/layout.js";
import { buildConfigTree, configFiles } from "./overrides.js";
import type { ConfigTree, FileWrite, OverrideLayer } from "./overrides.js";
import { fillPasswords, renderPasswords } from "./passwords.js";
import type { SecretSource } from "./passwords.js";
import type { Phase } from "./phase.js";

export interface GeneratedInventory {
  readonly files: readonly FileWrite[];
  readonly tree: ConfigTree;
  readonly passwords: {
    readonly values: Readonly<Record<string, unknown>>;
    readonly generated: readonly string[];
    readonly kept: readonly string[];
  };
}

export async function generateInventory(input: {
  loaded: LoadedScenario;
  layers: readonly OverrideLayer[];
  existingPasswords: Readonly<Record<string, unknown>>;
  secrets: SecretSource;
  phase: Phase;
}): Promise<GeneratedInventory> {
  const s = input.loaded.scenario;
  const { tree, problems } = buildConfigTree(
    input.layers,
    s.kolla.config,
    `${input.loaded.file} kolla.config`,
  );
  if (problems.length > 0) {
    throw new ConfigError(
      problems.map((p) => ({
        file: p.file,
        line: p.line,
        column: 1,
        path: "",
        message: p.message,
      })),
    );
  }
  const pw = await fillPasswords(
    layoutFor(s.kolla.release),
    input.existingPasswords,
    input.secrets,
  );
  const files: FileWrite[] = [
    { path: "multinode", content: renderInventory(s, input.phase), mode: 0o644 },
    { path: "globals.yml", content: renderGlobals(s, input.phase), mode: 0o644 },
    { path: "passwords.yml", content: renderPasswords(pw.values), mode: 0o600 },
    ...configFiles(tree),
  ];
  return { files, tree, passwords: { values: pw.values, generated: pw.generated, kept: pw.kept } };
}
