/**
 * Composition root of `kroll import`: an operator's kolla-ansible files read into a scenario
 * (src/inventory/import.ts). Their files are only read; kroll writes the scenario (-o, never over
 * an existing file) and, beside its own kolla inputs for that scenario, their passwords.yml
 * (mode 0600, so a later deploy or upgrade keeps their secrets). `--set` applies over the
 * result, and the result is checked as `kroll validate` would.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { parseDocument, stringify } from "yaml";
import { ConfigError, EXIT, UsageError } from "../../core/errors.js";
import { fromAnsibleList, fromIni } from "../../inventory/ansible-view.js";
import type { InventoryView } from "../../inventory/ansible-view.js";
import { ImportError, importKolla } from "../../inventory/import.js";
import type { ImportFile } from "../../inventory/import.js";
import { renderPasswords } from "../../inventory/passwords.js";
import { writeFilesAtomically } from "../../inventory/write.js";
import { parseScenarioText } from "../../scenario/read.js";
import { applySettings } from "../../scenario/settings.js";
import type { CommandContext } from "../context.js";

interface Values {
  inventory?: string;
  globals?: string;
  passwords?: string;
  "config-dir"?: string;
  out?: string;
  name?: string;
  json?: boolean;
  "vault-password-file"?: string;
}

/** An Ansible tool's output, or why it failed; `missing` when it is not installed. */
function ansible(
  tool: "ansible-inventory" | "ansible-vault",
  args: readonly string[],
  cwd: string,
): Promise<{ ok: true; stdout: string } | { ok: false; missing: boolean; why: string }> {
  return new Promise((done) => {
    execFile(
      tool,
      [...args],
      {
        cwd,
        timeout: 120_000,
        maxBuffer: 64 << 20,
        // An inventory Ansible cannot parse is an error, not an empty inventory with a warning.
        env: { ...process.env, ANSIBLE_INVENTORY_UNPARSED_FAILED: "True", ANSIBLE_NOCOLOR: "1" },
      },
      (err, stdout, stderr) => {
        if (err === null) return done({ ok: true, stdout });
        const missing = (err as { code?: unknown }).code === "ENOENT";
        const why =
          stderr
            .split("\n")
            .map((l) => l.trim())
            .filter((l) => l !== "" && !/^\[WARNING\]/.test(l))
            .slice(0, 3)
            .join(" ") || err.message;
        done({ ok: false, missing, why });
      },
    );
  });
}

const VAULT = /^\$ANSIBLE_VAULT;/;

export async function run(ctx: CommandContext<Values>): Promise<number> {
  const v = ctx.values;
  const need = (opt: "inventory" | "globals" | "passwords" | "out"): string => {
    const x = v[opt];
    if (x === undefined)
      throw new UsageError(
        `import needs --${opt}\nusage: kroll import --inventory multinode --globals globals.yml --passwords passwords.yml [--config-dir DIR] -o SCENARIO`,
      );
    return x;
  };
  const fail = (file: string, message: string): ConfigError =>
    new ConfigError([{ file, line: 0, column: 0, path: "", message }]);
  const vaultFile = v["vault-password-file"];
  if (vaultFile !== undefined && !existsSync(resolve(ctx.cwd, vaultFile)))
    throw new UsageError(`--vault-password-file ${vaultFile}: no such file`);
  const vaultArgs =
    vaultFile === undefined ? [] : ["--vault-password-file", resolve(ctx.cwd, vaultFile)];
  const read = async (opt: "inventory" | "globals" | "passwords"): Promise<ImportFile> => {
    const file = need(opt);
    let text: string;
    try {
      text = readFileSync(resolve(ctx.cwd, file), "utf8");
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw fail(
        file,
        code === "ENOENT" ? `no such file (--${opt})` : `cannot read (${code ?? String(e)})`,
      );
    }
    if (!VAULT.test(text)) return { file, text };
    // A vaulted file (passwords.yml, as kolla-ansible's docs suggest): Ansible opens it.
    if (vaultFile === undefined)
      throw fail(file, "encrypted with ansible-vault; pass --vault-password-file FILE");
    const r = await ansible(
      "ansible-vault",
      ["view", ...vaultArgs, resolve(ctx.cwd, file)],
      ctx.cwd,
    );
    if (!r.ok)
      throw fail(
        file,
        r.missing
          ? "encrypted with ansible-vault, which is not installed (Debian: ansible-core)"
          : `ansible-vault could not open it: ${r.why}`,
      );
    return { file, text: r.stdout };
  };
  /**
   * The inventory as Ansible reads it (INI or YAML, group_vars/ and host_vars/ beside it); kroll's
   * INI reader when Ansible is not installed.
   */
  const inventory = async (): Promise<InventoryView> => {
    const file = need("inventory");
    const r = await ansible(
      "ansible-inventory",
      ["-i", resolve(ctx.cwd, file), "--list", ...vaultArgs],
      ctx.cwd,
    );
    if (r.ok) {
      let json: unknown;
      try {
        json = JSON.parse(r.stdout);
      } catch {
        throw fail(file, "ansible-inventory --list printed no JSON");
      }
      return fromAnsibleList(file, json);
    }
    if (!r.missing) throw fail(file, `ansible-inventory could not read it: ${r.why}`);
    const f = await read("inventory");
    const first = f.text.split("\n").find((l) => l.trim() !== "" && !/^\s*[#;]/.test(l)) ?? "";
    if (!first.trim().startsWith("["))
      throw fail(
        file,
        "not an INI inventory, and ansible-inventory (Debian: ansible-core), which reads YAML inventories, is not installed",
      );
    return fromIni(f);
  };
  const out = resolve(ctx.cwd, need("out"));
  if (existsSync(out))
    throw new UsageError(`-o ${v.out ?? ""}: the file exists; kroll import writes a new scenario`);
  const name = v.name ?? "imported";
  const configDir = v["config-dir"];
  if (
    configDir !== undefined &&
    !statSync(resolve(ctx.cwd, configDir), { throwIfNoEntry: false })?.isDirectory()
  )
    throw new UsageError(`--config-dir ${configDir}: not a directory`);
  let imported;
  try {
    imported = importKolla({
      name,
      inventory: await inventory(),
      globals: await read("globals"),
      passwords: await read("passwords"),
      given: Object.fromEntries(ctx.sets.map((x) => [x.path.join("."), x.value])),
      // As the scenario file names it: relative to where it is written.
      ...(configDir !== undefined
        ? { configDir: relative(dirname(out), resolve(ctx.cwd, configDir)) || "." }
        : {}),
    });
  } catch (e) {
    if (e instanceof ImportError)
      throw new ConfigError(
        e.problems.map((p) => ({
          file: p.file,
          line: 0,
          column: 0,
          path: p.key,
          message: p.message,
        })),
      );
    throw e;
  }
  const text = `# yaml-language-server: $schema=${relative(dirname(out), resolve(ctx.home, "scenarios", "scenario.schema.json"))}\n#\n# Written by \`kroll import\`. ${imported.notes.length > 0 ? `What it could not take over:\n${imported.notes.map((n) => `#   - ${n}`).join("\n")}` : ""}\n${stringify(imported.scenario, { lineWidth: 0 })}`;
  // The --set values written into the file, and the file checked as validate checks it (an
  // issue on a set value names its --set), before anything is written.
  const doc = parseDocument(text);
  applySettings(doc, ctx.sets);
  const final = ctx.sets.length > 0 ? doc.toString({ lineWidth: 0 }) : text;
  let loaded;
  try {
    loaded = parseScenarioText(final, relative(ctx.cwd, out), dirname(out), ctx.sets);
  } catch (e) {
    // Nothing was written: the issues name the scenario kroll would have written.
    if (e instanceof ConfigError)
      throw new ConfigError(
        e.issues.map((x) => ({ ...x, file: `${x.file} (not written)`, line: 0, column: 0 })),
      );
    throw e;
  }
  // Their secrets where kroll keeps this scenario's kolla inputs (not their /etc/kolla): never
  // over an earlier scenario's (the default --name is the same for every import).
  const kollaDir = resolve(ctx.cwd, "inventories", loaded.scenario.name, "kolla");
  if (existsSync(kollaDir) && readdirSync(kollaDir).length > 0)
    throw new UsageError(
      `--name ${loaded.scenario.name}: ${relative(ctx.cwd, kollaDir)} already holds a scenario's kolla inputs (its passwords.yml among them); kroll import never writes over them: give --name a name of its own`,
    );
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, final, { flag: "wx" });
  await writeFilesAtomically(kollaDir, [
    { path: "passwords.yml", content: renderPasswords(imported.passwords), mode: 0o600 },
  ]);
  const rel = relative(ctx.cwd, out);
  if (v.json) {
    ctx.out.json({
      scenario: rel,
      name: loaded.scenario.name,
      nodes: loaded.scenario.cluster.nodes.length,
      services: loaded.scenario.services,
      passwords: relative(ctx.cwd, resolve(kollaDir, "passwords.yml")),
      notes: imported.notes,
    });
    return EXIT.ok;
  }
  ctx.out.line(
    `${rel}: scenario "${loaded.scenario.name}", kolla ${loaded.scenario.kolla.release}, ${loaded.scenario.cluster.nodes.length} nodes, services ${loaded.scenario.services.join(", ")}`,
  );
  ctx.out.line(`passwords: ${relative(ctx.cwd, resolve(kollaDir, "passwords.yml"))} (0600)`);
  for (const n of imported.notes) ctx.out.line(`note: ${n}`);
  return EXIT.ok;
}
