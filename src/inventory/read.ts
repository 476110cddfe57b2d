/** I/O for `kroll inventory`: override directories and an existing passwords.yml. */
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { parse } from "yaml";
import { ConfigError } from "../core/errors.js";
import type { OverrideLayer } from "./overrides.js";

/** Every regular file under `dir` (recursively), keyed by its path relative to `dir`. */
export async function readOverrideLayer(dir: string, name: string): Promise<OverrideLayer> {
  const files = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch (e: unknown) {
      const code = (e as { code?: string }).code;
      throw new ConfigError([
        {
          file: name,
          line: 0,
          column: 0,
          path: "",
          message:
            code === "ENOENT"
              ? "override directory does not exist"
              : `cannot read override directory (${code ?? String(e)})`,
        },
      ]);
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && !entry.name.startsWith(".") && entry.name !== "README.md") {
        files.set(relative(dir, full), await readFile(full, "utf8"));
      }
    }
  };
  await walk(dir);
  return { name, files };
}

/** The values of an existing passwords.yml, or {} when there is none. */
export async function readExistingPasswords(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e: unknown) {
    if ((e as { code?: string }).code === "ENOENT") return {};
    throw e;
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e: unknown) {
    throw new ConfigError([
      {
        file: path,
        line: 0,
        column: 0,
        path: "",
        message: `existing passwords.yml is not valid YAML: ${(e as Error).message.split("\n")[0] ?? ""}`,
      },
    ]);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc)) {
    throw new ConfigError([
      {
        file: path,
        line: 1,
        column: 1,
        path: "",
        message: "existing passwords.yml is not a mapping of keys to values",
      },
    ]);
  }
  return doc as Record<string, unknown>;
}
