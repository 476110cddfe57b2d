/**
 * PURE. INI files as oslo.config and kolla's merge_configs read them: `[section]` headers,
 * `key = value` (or `key: value`) options, `#`/`;` comment lines, continuation lines that
 * start with white space. Merging is option by option, later wins, and every option keeps
 * the name of the layer that set it, so `kroll inventory --explain` can say who won.
 */
export interface IniOption {
  /** The value oslo.config reads for an ordinary option: the last line's. */
  readonly value: string;
  /**
   * Every value, when one file sets the key on several lines (`alias = a`, `alias = b`): kolla's
   * merge keeps them all for an oslo multi-valued option, and a later file replaces the lot.
   */
  readonly values?: readonly string[];
  /** Which layer set it (a file path or "scenario X kolla.config"). */
  readonly source: string;
}
export type IniSection = Map<string, IniOption>;
/** Sections in first-seen order; `DEFAULT` like any other name. */
export type Ini = Map<string, IniSection>;

export class IniSyntaxError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(message);
    this.line = line;
  }
}

export function parseIni(text: string, source: string): Ini {
  const ini: Ini = new Map();
  let section: IniSection | undefined;
  let lastKey: string | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, idx) => {
    const lineNo = idx + 1;
    if (/^\s*([#;].*)?$/.test(raw)) {
      lastKey = undefined;
      return;
    }
    if (/^\s/.test(raw) && section && lastKey !== undefined) {
      const prev = section.get(lastKey);
      const all = [...valuesOf(prev)];
      all[all.length - 1] = `${all.at(-1) ?? ""}\n${raw.trim()}`;
      section.set(lastKey, option(all, source));
      return;
    }
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(raw);
    if (header) {
      const name = (header[1] ?? "").trim();
      section = ini.get(name) ?? new Map();
      ini.set(name, section);
      lastKey = undefined;
      return;
    }
    const opt = /^\s*([^=:\s][^=:]*?)\s*[=:]\s?(.*)$/.exec(raw);
    if (!opt)
      throw new IniSyntaxError(lineNo, `line ${lineNo}: expected "[section]" or "key = value"`);
    if (!section)
      throw new IniSyntaxError(lineNo, `line ${lineNo}: option "${opt[1]}" before any [section]`);
    lastKey = opt[1] ?? "";
    // The same key again in this file adds a value (the section map is this file's alone).
    const prev = section.get(lastKey);
    const value = (opt[2] ?? "").trimEnd();
    section.set(lastKey, option(prev ? [...valuesOf(prev), value] : [value], source));
  });
  return ini;
}

function option(values: readonly string[], source: string): IniOption {
  return values.length > 1
    ? { value: values.at(-1) ?? "", values, source }
    : { value: values[0] ?? "", source };
}

/** Every value of an option, in the order its file gave them. */
export function valuesOf(o: IniOption | undefined): readonly string[] {
  return o === undefined ? [] : (o.values ?? [o.value]);
}

/** `over` on top of `base`; neither input is changed. */
export function mergeIni(base: Ini, over: Ini): Ini {
  const out: Ini = new Map();
  for (const [name, sec] of base) out.set(name, new Map(sec));
  for (const [name, sec] of over) {
    const target = out.get(name) ?? new Map<string, IniOption>();
    for (const [k, v] of sec) target.set(k, v);
    out.set(name, target);
  }
  return out;
}

export function iniFromObject(
  obj: Readonly<Record<string, Readonly<Record<string, string | number | boolean>>>>,
  source: string,
): Ini {
  const ini: Ini = new Map();
  for (const [name, opts] of Object.entries(obj)) {
    const sec: IniSection = new Map();
    for (const [k, v] of Object.entries(opts)) sec.set(k, { value: renderValue(v), source });
    ini.set(name, sec);
  }
  return ini;
}

/** oslo.config spells booleans True/False. */
function renderValue(v: string | number | boolean): string {
  if (typeof v === "boolean") return v ? "True" : "False";
  return String(v);
}

export function renderIni(ini: Ini): string {
  const out: string[] = [];
  for (const [name, sec] of ini) {
    if (out.length > 0) out.push("");
    out.push(`[${name}]`);
    for (const [k, opt] of sec) {
      for (const v of valuesOf(opt)) {
        const [first = "", ...rest] = v.split("\n");
        out.push(first === "" ? `${k} =` : `${k} = ${first}`);
        for (const cont of rest) out.push(`    ${cont}`);
      }
    }
  }
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}

/**
 * Sets one option in INI text (or removes it, with null), leaving every other byte as it was:
 * a pin written and removed again gives back the original file. The option goes at the end of
 * its section (the section is appended when missing). `previous` is the value it had.
 */
export function editIniOption(
  text: string,
  section: string,
  key: string,
  value: string | null,
): { text: string; previous: string | null } {
  const lines = text.split("\n");
  let current = "";
  let sectionEnd = -1;
  let found = -1;
  let previous: string | null = null;
  const header = /^\s*\[([^\]]+)\]\s*$/;
  const option = /^\s*([^=#;\s][^=]*?)\s*=\s*(.*?)\s*$/;
  lines.forEach((line, i) => {
    const h = header.exec(line);
    if (h) {
      current = h[1] ?? "";
      return;
    }
    if (current !== section) return;
    if (line.trim() !== "") sectionEnd = i;
    const m = option.exec(line);
    if (m && m[1] === key && found < 0) {
      found = i;
      previous = m[2] ?? "";
    }
  });
  if (sectionEnd < 0) sectionEnd = lines.findIndex((l) => header.exec(l)?.[1] === section);
  const rendered = `${key} = ${value ?? ""}`;
  if (found >= 0) {
    if (value === null) lines.splice(found, 1);
    else lines[found] = rendered;
  } else if (value !== null) {
    if (sectionEnd >= 0) lines.splice(sectionEnd + 1, 0, rendered);
    else {
      const tail =
        lines.length > 0 && lines[lines.length - 1] === "" ? lines.length - 1 : lines.length;
      lines.splice(
        tail,
        0,
        ...(tail > 0 && lines[tail - 1] !== "" ? [""] : []),
        `[${section}]`,
        rendered,
      );
    }
  }
  return { text: lines.join("\n"), previous };
}
