/**
 * EFFECT (reads two files). The charting library report.html inlines: uPlot (MIT, ~50 KB
 * minified, no dependency), chosen because it draws thousands of points per series on a canvas
 * in milliseconds, zooms by dragging, has log scales and cursor sync across charts, and is small
 * enough to inline so the page stays one self-contained file that needs no network. Absent (a
 * kroll installed without it), the page keeps its static picture.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export interface ChartAssets {
  readonly script: string;
  readonly css: string;
}

let cached: ChartAssets | null | undefined;

export function chartAssets(): ChartAssets | undefined {
  if (cached === undefined) {
    try {
      const req = createRequire(import.meta.url);
      cached = {
        script: readFileSync(req.resolve("uplot/dist/uPlot.iife.min.js"), "utf8"),
        css: readFileSync(req.resolve("uplot/dist/uPlot.min.css"), "utf8"),
      };
    } catch {
      cached = null;
    }
  }
  return cached ?? undefined;
}
