/** I/O composition shared by `kroll inventory` and `kroll lab up`: scenario → files in a directory. */
import { join, relative } from "node:path";
import type { LoadedScenario } from "../scenario/read.js";
import { generateInventory } from "./generate.js";
import type { GeneratedInventory } from "./generate.js";
import type { OverrideLayer } from "./overrides.js";
import type { Phase } from "./phase.js";
import { readExistingPasswords, readOverrideLayer } from "./read.js";
import type { SecretSource } from "./passwords.js";
import { createCryptoSecretSource } from "./secrets.js";
import { writeFilesAtomically } from "./write.js";
import type { WriteOutcome } from "./write.js";

export async function overrideLayers(
  loaded: LoadedScenario,
  home: string,
  cwd: string,
): Promise<OverrideLayer[]> {
  return [
    await readOverrideLayer(join(home, "kolla-overrides"), "kolla-overrides"),
    ...(await Promise.all(
      loaded.scenario.kolla.config_dirs.map((d) => readOverrideLayer(d, relative(cwd, d) || d)),
    )),
  ];
}

export interface KollaInputsRequest {
  loaded: LoadedScenario;
  /** Where the inputs live: its passwords.yml, when there, is kept. */
  outDir: string;
  home: string;
  cwd: string;
  phase: Phase;
  /** Where missing secrets come from: random by default; placeholders for a plan. */
  secrets?: SecretSource;
  /** outDir is an operator's: write only the files it lacks (see write.ts). */
  adopt?: boolean;
}

/** The kolla inputs for a phase, in memory: nothing is written (what `kroll plan` needs). */
export async function generateKollaInputs(input: KollaInputsRequest): Promise<GeneratedInventory> {
  return generateInventory({
    loaded: input.loaded,
    layers: await overrideLayers(input.loaded, input.home, input.cwd),
    existingPasswords: await readExistingPasswords(join(input.outDir, "passwords.yml")),
    secrets: input.secrets ?? createCryptoSecretSource(),
    phase: input.phase,
  });
}

export async function writeKollaInputs(
  input: KollaInputsRequest,
): Promise<GeneratedInventory & { outcome: WriteOutcome }> {
  const gen = await generateKollaInputs(input);
  const outcome = await writeFilesAtomically(input.outDir, gen.files, {
    adopt: input.adopt === true,
  });
  return { ...gen, outcome };
}
