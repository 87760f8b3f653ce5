import { escapeHtml, jsonForScript, scriptText, styleText } from './escape-html.js';
import { REPORT_CSS } from './report-css.js';
import { uplotAssets } from './uplot-assets.js';

/** No network, no outside script: the page only runs what it carries. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/**
 * A self-contained report page with uPlot inlined: the title, the body's sections (HTML already
 * escaped), the chart data as JSON under `dataId`, and `draw` (a self-contained function of
 * `(uPlot, data, document)` returning its plots) run on it from its own source text, its plots
 * kept in `window.statebenchCharts`. Pure apart from reading uPlot's files.
 */
export function chartPage(opts: { title: string; sections: string[]; dataId: string; data: unknown; draw: (...args: never[]) => unknown }): string {
  const uplot = uplotAssets();
  const bootstrap =
    '(function () {\n' +
    `  var data = JSON.parse(document.getElementById('${opts.dataId}').textContent);\n` +
    `  var draw = ${opts.draw.toString()};\n` +
    '  window.statebenchCharts = draw(uPlot, data, document);\n' +
    '})();';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(opts.title)}</title>`,
    `<style>${styleText(uplot.css)}</style>`,
    `<style>${styleText(REPORT_CSS)}</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...opts.sections.filter((s) => s !== ''),
    '</main>',
    `<script>${scriptText(uplot.js)}</script>`,
    `<script id="${opts.dataId}" type="application/json">${jsonForScript(opts.data)}</script>`,
    `<script>${scriptText(bootstrap)}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
