import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** uPlot's browser build and stylesheet, to inline into a report that must open offline. */
export interface UplotAssets {
  /** The IIFE build: defines the global `uPlot`. */
  js: string;
  css: string;
}

let cached: UplotAssets | undefined;

/**
 * Reads uPlot from node_modules, resolved from this module's own location so that it is found
 * the same way from src/ under vitest and from dist/src/ once compiled. Read once per process:
 * the files do not change while it runs.
 */
export function uplotAssets(): UplotAssets {
  if (!cached) {
    const require = createRequire(import.meta.url);
    cached = {
      js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
      css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    };
  }
  return cached;
}
