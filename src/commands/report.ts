import { readResultFile } from '../report/read-result.js';
import { renderTerminalReport } from '../report/terminal-table.js';
import { renderMarkdown } from '../report/markdown.js';
import { useColor, type CliIO } from './io.js';
import { writeFileDurably } from '../run/write-result.js';
import { prepareSidePath, sidePath } from './side-path.js';
import { readCapacityResultIfAny } from '../report/read-capacity-result.js';
import type { CapacityResult } from '../capacity/capacity-result.js';

export interface ReportCommandOptions {
  markdown?: string | boolean;
  html?: string | boolean;
  json?: boolean;
  color?: boolean;
  /** Add the per-endpoint table to the terminal report. */
  endpoints?: boolean;
}

/** `statebench report FILE.json`: rebuilds reports from a saved result, without re-running load. */
export async function reportCommand(file: string, options: ReportCommandOptions, io: CliIO): Promise<number> {
  const capacity = await readCapacityResultIfAny(file);
  if (capacity !== undefined) return capacityReport(capacity, file, options, io);
  const result = await readResultFile(file);
  const md = sidePath(options.markdown, file, '.md');
  const html = sidePath(options.html, file, '.html');
  // Both checked (their directories created) before either is written.
  if (md) await prepareSidePath(md, '--markdown');
  if (html) await prepareSidePath(html, '--html');
  if (md) {
    await writeFileDurably(md, renderMarkdown(result));
    io.stderr.write(`markdown: ${md}\n`);
  }
  if (html) {
    const { renderHtml } = await import('../report/html.js');
    await writeFileDurably(html, renderHtml(result));
    io.stderr.write(`html: ${html}\n`);
  }
  if (options.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else io.stdout.write(renderTerminalReport(result, { color: useColor(io, 'stdout', options.color), width: io.stdout.columns, endpoints: options.endpoints }));
  return 0;
}

/** The same options on a capacity search's file: its table, Markdown and HTML, rebuilt from the saved probes. */
async function capacityReport(result: CapacityResult, file: string, options: ReportCommandOptions, io: CliIO): Promise<number> {
  const { writeCapacitySideReports } = await import('./capacity.js');
  await writeCapacitySideReports(result, options, file, io);
  if (options.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    const { renderCapacityTerminal } = await import('../report/capacity-terminal.js');
    io.stdout.write(renderCapacityTerminal(result, { color: useColor(io, 'stdout', options.color), width: io.stdout.columns }));
  }
  return 0;
}
