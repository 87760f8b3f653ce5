import { compareResults } from '../compare/compare-results.js';
import { parseMaxRegress } from '../compare/tolerances.js';
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
import { planOutputs, writeOutputs, type OutputFlags, type PlannedOutput } from './outputs.js';
import { renderComparisonJUnit } from '../report/comparison-junit.js';
import { renderComparisonHtml } from '../report/comparison-html.js';
import { renderTimelineCsv } from '../report/timeline-csv.js';

export interface CompareCommandOptions extends OutputFlags {
  maxRegress?: string;
  color?: boolean;
}

/**
 * `statebench compare BASELINE CURRENT`: 0 when nothing regressed beyond tolerance and noise
 * (inconclusive metrics included), 99 on a regression, lost coverage or a failed threshold of
 * the current run, 2 on bad input or two different experiments, 3 when an output could not be
 * written. The terminal comparison when no output is asked for; otherwise exactly the outputs
 * asked for.
 */
export async function compareCommand(baselineFile: string, currentFile: string, options: CompareCommandOptions, io: CliIO): Promise<number> {
  const maxRegress = options.maxRegress ? parseMaxRegress(options.maxRegress) : undefined;
  const capacities = await Promise.all([readCapacityResultIfAny(baselineFile), readCapacityResultIfAny(currentFile)]);
  if (capacities[0] !== undefined || capacities[1] !== undefined) return compareCapacityFiles(capacities, [baselineFile, currentFile], maxRegress, options, io);
  const sweeps = await Promise.all([readSweepResultIfAny(baselineFile), readSweepResultIfAny(currentFile)]);
  if (sweeps[0] !== undefined || sweeps[1] !== undefined) return compareSweepFiles(sweeps, [baselineFile, currentFile], maxRegress, options, io);
  const outputs = await planOutputs(options);
  const [baseline, current] = await Promise.all([readResultFile(baselineFile), readResultFile(currentFile)]);
  const cmp = compareResults(baseline, current, { maxRegress, baselineSource: baselineFile, currentSource: currentFile });
  const verdict = cmp.failed ? EXIT.thresholdsFailed : EXIT.ok;
  if (outputs.length === 0) {
    io.stdout.write(renderComparison(cmp, { color: useColor(io, 'stdout', options.color), width: io.stdout.columns }));
    return verdict;
  }
  const failures = await writeOutputs(
    outputs,
    {
      json: () => `${JSON.stringify(cmp, null, 2)}\n`,
      markdown: () => renderComparisonMarkdown(cmp),
      html: () => renderComparisonHtml(cmp),
      junit: () => renderComparisonJUnit(cmp),
      csv: () =>
        renderTimelineCsv([
          { label: 'baseline', result: baseline },
          { label: 'current', result: current },
        ]),
    },
    io,
  );
  return failures > 0 ? EXIT.outputNotWritten : verdict;
}

/** Both files, when both are of the kind asked for; otherwise a refusal naming the one that is not. */
function twoOfAKind<T>(files: (T | undefined)[], names: string[], message: string): [T, T] {
  const [baseline, current] = files;
  if (baseline === undefined || current === undefined) throw new InvalidInputError([{ file: names[baseline === undefined ? 0 : 1], path: '', message }]);
  return [baseline, current];
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
  const outputs = await planOutputs(options, {
    refused: {
      html: 'two sweeps are compared in the terminal, --markdown or --json; `statebench report FILE --html` draws each one',
      junit: 'a sweep comparison has no per-metric tests; its verdict is the exit code, and --markdown or --json',
      csv: "a sweep is many runs, not one per-second timeline: `statebench report FILE --point N --csv PATH` writes one point's",
    },
  });
  const { compareSweeps, renderSweepComparison, renderSweepComparisonMarkdown } = await import('../report/sweep-compare.js');
  const cmp = compareSweeps(baseline, current, { maxRegress, baselineSource: names[0], currentSource: names[1] });
  const verdict = cmp.failed ? EXIT.thresholdsFailed : EXIT.ok;
  if (outputs.length === 0) {
    io.stdout.write(renderSweepComparison(cmp, { color: useColor(io, 'stdout', options.color), width: io.stdout.columns }));
    return verdict;
  }
  const failures = await writeOutputs(outputs, { json: () => `${JSON.stringify(cmp, null, 2)}\n`, markdown: () => renderSweepComparisonMarkdown(cmp) }, io);
  return failures > 0 ? EXIT.outputNotWritten : verdict;
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
  const outputs: PlannedOutput[] = await planOutputs(options, {
    refused: {
      html: 'two capacity searches are compared in the terminal, --markdown or --json; `statebench report FILE --html` draws each one',
      junit: 'a capacity comparison has no per-metric tests; its verdict is the exit code, and --markdown or --json',
      csv: 'a capacity search is many short probes, not one per-second timeline; the probes are in each file',
    },
  });
  const { compareCapacity, renderCapacityComparison, renderCapacityComparisonMarkdown } = await import('../report/capacity-compare.js');
  const throughput = maxRegress?.throughput;
  const cmp = compareCapacity(baseline, current, throughput?.kind === 'relative' ? { tolerance: throughput.fraction } : {});
  const verdict = cmp.regressed ? EXIT.thresholdsFailed : EXIT.ok;
  if (outputs.length === 0) {
    io.stdout.write(renderCapacityComparison(cmp));
    return verdict;
  }
  const failures = await writeOutputs(outputs, { json: () => `${JSON.stringify(cmp, null, 2)}\n`, markdown: () => renderCapacityComparisonMarkdown(cmp) }, io);
  return failures > 0 ? EXIT.outputNotWritten : verdict;
}
