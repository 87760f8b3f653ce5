import { writeFileDurably } from '../run/write-result.js';
import { prepareSidePath } from './side-path.js';
import { EXIT } from '../errors.js';
import { compareResults, parseMaxRegress, renderComparison, renderComparisonMarkdown } from '../report/compare.js';
import { readResultFile } from '../report/read-result.js';
import { useColor, type CliIO } from './io.js';

export interface CompareCommandOptions {
  maxRegress?: string;
  markdown?: string | boolean;
  json?: boolean;
  color?: boolean;
}

/** `statebench compare BASELINE CURRENT`: 0 within tolerance, 99 on a regression or failed threshold, 2 on bad input. */
export async function compareCommand(baselineFile: string, currentFile: string, options: CompareCommandOptions, io: CliIO): Promise<number> {
  const maxRegress = options.maxRegress ? parseMaxRegress(options.maxRegress) : undefined;
  if (typeof options.markdown === 'string') await prepareSidePath(options.markdown, '--markdown');
  const [baseline, current] = await Promise.all([readResultFile(baselineFile), readResultFile(currentFile)]);
  const cmp = compareResults(baseline, current, { maxRegress, baselineSource: baselineFile, currentSource: currentFile });
  if (options.json) {
    io.stdout.write(`${JSON.stringify(cmp, null, 2)}\n`);
  } else if (options.markdown === true) {
    io.stdout.write(renderComparisonMarkdown(cmp));
  } else {
    io.stdout.write(renderComparison(cmp, { color: useColor(io, 'stdout', options.color), width: io.stdout.columns }));
  }
  if (typeof options.markdown === 'string') await writeFileDurably(options.markdown, renderComparisonMarkdown(cmp));
  return cmp.regressed || cmp.failedThresholds.length > 0 ? EXIT.thresholdsFailed : EXIT.ok;
}
