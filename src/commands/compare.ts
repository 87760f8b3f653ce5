import { compareResults } from '../compare/compare-results.js';
import { parseMaxRegress } from '../compare/tolerances.js';
import { writeFileDurably } from '../run/write-result.js';
import { prepareSidePath } from './side-path.js';
import { EXIT } from '../errors.js';
import { renderComparisonMarkdown } from '../report/comparison-markdown.js';
import { renderComparison } from '../report/comparison-terminal.js';
import { readResultFile } from '../report/read-result.js';
import { useColor, type CliIO } from './io.js';
import { InvalidInputError } from '../errors.js';
import { readCapacityResultIfAny } from '../report/read-capacity-result.js';
import type { CapacityResult } from '../capacity/capacity-result.js';
import { readSweepResultIfAny } from '../report/read-sweep-result.js';
import type { SweepResult } from '../sweep/sweep-result.js';

export interface CompareCommandOptions {
  maxRegress?: string;
  markdown?: string | boolean;
  json?: boolean;
  color?: boolean;
}

/**
 * `statebench compare BASELINE CURRENT`: 0 when nothing regressed beyond tolerance and noise
 * (inconclusive metrics included), 99 on a regression, lost coverage or a failed threshold of
 * the current run, 2 on bad input or two different experiments.
 */
export async function compareCommand(baselineFile: string, currentFile: string, options: CompareCommandOptions, io: CliIO): Promise<number> {
  const maxRegress = options.maxRegress ? parseMaxRegress(options.maxRegress) : undefined;
  const capacities = await Promise.all([readCapacityResultIfAny(baselineFile), readCapacityResultIfAny(currentFile)]);
  if (capacities[0] !== undefined || capacities[1] !== undefined) return compareCapacityFiles(capacities, [baselineFile, currentFile], maxRegress, options, io);
  const sweeps = await Promise.all([readSweepResultIfAny(baselineFile), readSweepResultIfAny(currentFile)]);
  if (sweeps[0] !== undefined || sweeps[1] !== undefined) return compareSweepFiles(sweeps, [baselineFile, currentFile], maxRegress, options, io);
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
  return cmp.failed ? EXIT.thresholdsFailed : EXIT.ok;
}

/** Both files, when both are of the kind asked for; otherwise a refusal naming the one that is not. */
function twoOfAKind<T>(files: (T | undefined)[], names: string[], message: string): [T, T] {
  const [baseline, current] = files;
  if (baseline === undefined || current === undefined) throw new InvalidInputError([{ file: names[baseline === undefined ? 0 : 1], path: '', message }]);
  return [baseline, current];
}

/** A comparison as asked: JSON, Markdown on stdout, or text; and `--markdown PATH` written. */
async function emit(options: CompareCommandOptions, io: CliIO, cmp: unknown, text: () => string, markdown: () => string): Promise<void> {
  if (options.json) io.stdout.write(`${JSON.stringify(cmp, null, 2)}\n`);
  else if (options.markdown === true) io.stdout.write(markdown());
  else io.stdout.write(text());
  if (typeof options.markdown === 'string') await writeFileDurably(options.markdown, markdown());
}

/** Two sweeps: point by point, each pair as two runs; 99 when any point fails as a run comparison would, or a point went missing. */
async function compareSweepFiles(
  files: (SweepResult | undefined)[],
  names: string[],
  maxRegress: ReturnType<typeof parseMaxRegress> | undefined,
  options: CompareCommandOptions,
  io: CliIO,
): Promise<number> {
  const [baseline, current] = twoOfAKind(files, names, 'is not a sweep, the other is: compare two sweeps, or one point of the sweep (`statebench report SWEEP --point N --json`) with a run');
  if (typeof options.markdown === 'string') await prepareSidePath(options.markdown, '--markdown');
  const { compareSweeps, renderSweepComparison, renderSweepComparisonMarkdown } = await import('../report/sweep-compare.js');
  const cmp = compareSweeps(baseline, current, { maxRegress, baselineSource: names[0], currentSource: names[1] });
  await emit(options, io, cmp, () => renderSweepComparison(cmp, { color: useColor(io, 'stdout', options.color), width: io.stdout.columns }), () => renderSweepComparisonMarkdown(cmp));
  return cmp.failed ? EXIT.thresholdsFailed : EXIT.ok;
}

/** Two capacity searches: sustainable rates side by side; 99 when one fell beyond `throughput=` tolerance and the searches' precision. */
async function compareCapacityFiles(
  files: (CapacityResult | undefined)[],
  names: string[],
  maxRegress: ReturnType<typeof parseMaxRegress> | undefined,
  options: CompareCommandOptions,
  io: CliIO,
): Promise<number> {
  const [baseline, current] = twoOfAKind(files, names, 'is a run result, the other a capacity search: compare two of a kind');
  const { compareCapacity, renderCapacityComparison, renderCapacityComparisonMarkdown } = await import('../report/capacity-compare.js');
  const throughput = maxRegress?.throughput;
  const cmp = compareCapacity(baseline, current, throughput?.kind === 'relative' ? { tolerance: throughput.fraction } : {});
  await emit(options, io, cmp, () => renderCapacityComparison(cmp), () => renderCapacityComparisonMarkdown(cmp));
  return cmp.regressed ? EXIT.thresholdsFailed : EXIT.ok;
}
