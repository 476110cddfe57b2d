/**
 * Progress of long lab steps: on a TTY one live line (step, elapsed seconds, last output
 * line); otherwise one log line per step.
 */
import { redact } from "../core/redact.js";
import type { Logger } from "../core/logger.js";

export interface Progress {
  step(title: string): void;
  detail(chunk: string): void;
  done(): void;
}

export function createProgress(logger: Logger, tty: boolean): Progress {
  if (!tty) {
    return { step: (t) => logger.info(t), detail: () => undefined, done: () => undefined };
  }
  let title = "";
  let last = "";
  let started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const draw = (): void => {
    const secs = Math.round((Date.now() - started) / 1000);
    const line = `${title} [${secs}s] ${last}`.slice(0, (process.stderr.columns || 100) - 1);
    process.stderr.write(`\r\x1b[2K${redact(line)}`);
  };
  return {
    step(t) {
      if (title)
        process.stderr.write(`\r\x1b[2K${title} [${Math.round((Date.now() - started) / 1000)}s]\n`);
      title = t;
      last = "";
      started = Date.now();
      timer ??= setInterval(draw, 1000);
      draw();
    },
    detail(chunk) {
      const lines = chunk
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l !== "");
      if (lines.length > 0) last = lines[lines.length - 1] ?? "";
    },
    done() {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (title)
        process.stderr.write(`\r\x1b[2K${title} [${Math.round((Date.now() - started) / 1000)}s]\n`);
      title = "";
    },
  };
}
