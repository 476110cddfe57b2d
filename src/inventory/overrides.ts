/**
 * PURE. The /etc/kolla/config override tree kroll hands to kolla-ansible (and uses itself in
 * `kroll deploy`): layers stacked in order — the repo's kolla-overrides/, then each of the
 * scenario's `kolla.config_dirs`, then its inline `kolla.config` — where INI files (.conf,
 * .ini) merge option by option and any other file is replaced whole by a later layer.
 *
 * At deploy time kolla merges that tree over its templates in this order (later wins), which
 * `explainOption` walks to say which file set an option for one component on one host:
 *   global.conf → <svc>.conf → <svc>/<component>.conf → <svc>/<host>/<svc>.conf
 *   (a pack with `perHostComponentConf` also reads <service>/<host>/<component>.conf last).
 */
import { packOf } from "../services/catalogue.js";
import type { ServiceName } from "../services/catalogue.js";
import { serviceOf } from "../services/catalogue.js";
import { iniFromObject, mergeIni, parseIni, renderIni, IniSyntaxError } from "../kolla/ini.js";
import type { Ini } from "../kolla/ini.js";

export interface OverrideLayer {
  /** Shown in provenance, e.g. "kolla-overrides" or "scenarios/lab/kolla-config". */
  readonly name: string;
  readonly files: ReadonlyMap<string, string>;
}

export type ConfigEntry =
  | { readonly kind: "ini"; readonly ini: Ini }
  | { readonly kind: "file"; readonly content: string; readonly source: string };

export type ConfigTree = ReadonlyMap<string, ConfigEntry>;

export interface FileWrite {
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

export function isIniPath(path: string): boolean {
  return /\.(conf|ini)$/.test(path);
}

export interface BuiltTree {
  readonly tree: ConfigTree;
  /** Syntax errors in layer files, as issues against `file:line`. */
  readonly problems: { file: string; line: number; message: string }[];
}

export function buildConfigTree(
  layers: readonly OverrideLayer[],
  inline: Readonly<
    Record<string, Readonly<Record<string, Readonly<Record<string, string | number | boolean>>>>>
  >,
  inlineSource: string,
): BuiltTree {
  const tree = new Map<string, ConfigEntry>();
  const problems: BuiltTree["problems"] = [];
  const put = (path: string, entry: ConfigEntry): void => {
    const prev = tree.get(path);
    if (entry.kind === "ini" && prev?.kind === "ini")
      tree.set(path, { kind: "ini", ini: mergeIni(prev.ini, entry.ini) });
    else tree.set(path, entry);
  };
  for (const layer of layers) {
    for (const [path, content] of [...layer.files].sort(([a], [b]) => cmp(a, b))) {
      const source = `${layer.name}/${path}`;
      if (!isIniPath(path)) {
        put(path, { kind: "file", content, source });
        continue;
      }
      try {
        put(path, { kind: "ini", ini: parseIni(content, source) });
      } catch (e: unknown) {
        if (!(e instanceof IniSyntaxError)) throw e;
        problems.push({ file: source, line: e.line, message: e.message });
      }
    }
  }
  for (const [path, sections] of Object.entries(inline)) {
    put(path, { kind: "ini", ini: iniFromObject(sections, `${inlineSource}."${path}"`) });
  }
  return { tree, problems };
}

/** The tree as files under `config/`, sorted by path, INI re-rendered in a stable form. */
export function configFiles(tree: ConfigTree): FileWrite[] {
  return [...tree]
    .sort(([a], [b]) => cmp(a, b))
    .map(([path, entry]) => ({
      path: `config/${path}`,
      content: entry.kind === "ini" ? renderIni(entry.ini) : entry.content,
      mode: 0o640,
    }));
}

export interface ExplainStep {
  /** Path under /etc/kolla/config. */
  readonly file: string;
  /** The value this file sets, if it sets the option. */
  readonly value?: string;
  /** The layer that put the option in this file. */
  readonly source?: string;
}
export interface Explanation {
  readonly component: string;
  readonly host: string;
  readonly section: string;
  readonly option: string;
  readonly chain: readonly ExplainStep[];
  /** Index into chain of the file whose value kolla uses; undefined: kolla's template default. */
  readonly winner: number | undefined;
}

/** The files kolla reads for one component on one host, lowest precedence first. */
export function kollaChain(service: ServiceName, component: string, host: string): string[] {
  const chain = [
    "global.conf",
    `${service}.conf`,
    `${service}/${component}.conf`,
    `${service}/${host}/${service}.conf`,
  ];
  if (packOf(service).perHostComponentConf === true)
    chain.push(`${service}/${host}/${component}.conf`);
  return chain;
}

export function explainOption(
  tree: ConfigTree,
  component: string,
  host: string,
  section: string,
  option: string,
): Explanation | undefined {
  const service = serviceOf(component);
  if (service === undefined) return undefined;
  const chain: ExplainStep[] = kollaChain(service, component, host).map((file) => {
    const entry = tree.get(file);
    const opt = entry?.kind === "ini" ? entry.ini.get(section)?.get(option) : undefined;
    return opt ? { file, value: opt.value, source: opt.source } : { file };
  });
  let winner: number | undefined;
  chain.forEach((step, i) => {
    if (step.value !== undefined) winner = i;
  });
  return { component, host, section, option, chain, winner };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
