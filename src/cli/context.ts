import type { Setting } from "../scenario/settings.js";
import type { Logger } from "../core/logger.js";
import type { Output } from "./output.js";

/** What every command gets from main.ts: its parsed arguments and the process's ports. */
export interface CommandContext<Values> {
  readonly values: Values;
  readonly positionals: readonly string[];
  readonly cwd: string;
  readonly logger: Logger;
  readonly out: Output;
  /** Where kroll is installed (the repo root): default kolla-overrides/ and lab recipes live here. */
  readonly home: string;
  /** `--set key.path=value`: applied over every scenario the command reads. */
  readonly sets: readonly Setting[];
}
