import type { RunResult } from '../result/types.js';
import { renderJUnit } from '../report/junit.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderTimelineCsv } from '../report/timeline-csv.js';
import type { Renderers } from './outputs.js';

/** How `run` and `report` render a run result in each output format. */
export function runRenderers(result: RunResult): Renderers {
  return {
    json: () => `${JSON.stringify(result, null, 2)}\n`,
    markdown: () => renderMarkdown(result),
    // The HTML reporter inlines a chart library: loaded only when asked for.
    html: async () => (await import('../report/html.js')).renderHtml(result),
    junit: () => renderJUnit(result),
    csv: () => renderTimelineCsv(result),
  };
}
