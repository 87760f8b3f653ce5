import { EXIT, interruptedExitCode } from '../errors.js';
import { isDisturbed } from '../metrics/measurement-quality.js';
import { renderSweepMarkdown } from '../report/sweep-markdown.js';
import { renderSweepTerminal } from '../report/sweep-terminal.js';
import { ResultFile } from '../run/result-file.js';
import { savePartialOnCrash, tellWhereSaved } from './saved-result.js';
import type { Scenario } from '../scenario/types.js';
import { formatDuration } from '../syntax/units.js';
import { runSweep, type SweepListener } from '../sweep/run-sweep.js';
import type { SweepResult } from '../sweep/sweep-result.js';
import { useColor, type CliIO } from './io.js';
import { progressListener } from './progress.js';
import { planOutputs, takesStdout, writeOutputs, type OutputFlags, type OutputFormat, type Renderers } from './outputs.js';

/** The options of `run` a sweep reads (`run`'s own, passed on as they are). */
export interface SweepCommandOptions extends OutputFlags {
  out?: string;
  force?: boolean;
  quiet?: boolean;
  color?: boolean;
  redisUrl?: string;
  repeat?: number;
  strict?: boolean;
}

/** Outputs a sweep cannot write, with why. */
export const SWEEP_REFUSED: Partial<Record<OutputFormat, string>> = {
  junit: 'a sweep writes no JUnit report: its thresholds are judged at every point, and `--markdown` or the exit code say which failed',
  csv: 'a sweep is many runs, not one per-second timeline: `statebench report FILE --point N --csv PATH` writes one point\'s',
};

/** How `run` and `report` render a sweep in each output format it offers. */
export function sweepRenderers(result: SweepResult): Renderers {
  return {
    json: () => `${JSON.stringify(result, null, 2)}\n`,
    markdown: () => renderSweepMarkdown(result),
    html: async () => (await import('../report/html/sweep-html.js')).renderSweepHtml(result),
  };
}

/** Whole seconds, as the estimate is: `1m40s`. */
const roughly = (ms: number): string => formatDuration(Math.max(1000, Math.round(ms / 1000) * 1000));

/**
 * `statebench run` of a scenario with a sweep (`sweep:` or `--sweep`): says how long it will
 * take, runs every architecture at every point with progress, saves the result after every
 * point, reports; returns the exit code.
 */
export async function runSweepCommand(file: string | undefined, scenario: Scenario, options: SweepCommandOptions, io: CliIO): Promise<number> {
  const sink = await ResultFile.reserve({ requested: options.out, scenarioName: scenario.name, startedAt: new Date().toISOString(), force: options.force });
  try {
    const outputs = await planOutputs(options, { refused: SWEEP_REFUSED, resultPath: sink.path });
    if (options.force && options.out !== undefined) io.stderr.write(`notice: --force: ${sink.path} will be replaced\n`);
    const result = await runAndSave(file, scenario, options, io, sink, takesStdout(outputs));
    const outcome = await sink.finish(result);
    const sideFailures = await writeOutputs(outputs, sweepRenderers(result), io);
    const stdoutTaken = takesStdout(outputs);
    if (!stdoutTaken) io.stdout.write(renderSweepTerminal(result, { color: useColor(io, 'stdout', options.color), width: io.stdout.columns }));
    if (!tellWhereSaved(outcome, result, outputs, stdoutTaken, io) || sideFailures > 0) return EXIT.outputNotWritten;
    return sweepExitCode(result, { signal: io.signal.reason, strict: options.strict || result.scenario.strict });
  } finally {
    await sink.release();
  }
}

async function runAndSave(file: string | undefined, scenario: Scenario, options: SweepCommandOptions, io: CliIO, sink: ResultFile, stdoutTaken: boolean): Promise<SweepResult> {
  const quiet = options.quiet || stdoutTaken;
  const listener: SweepListener = quiet ? { notice: (m) => io.stderr.write(`notice: ${m}\n`) } : sweepProgress(io, options);
  let partial: SweepResult | undefined;
  const total = scenario.sweep!.points.length;
  const forget = savePartialOnCrash(sink, () => partial, io);
  return runSweep(scenario, {
    scenarioFile: file,
    redisUrl: options.redisUrl,
    repeat: options.repeat,
    signal: io.signal,
    listener,
    onResult: (r) => {
      partial = r;
      void sink.save(r, total);
    },
  }).finally(forget);
}

/** The plan before anything starts, a line per point with what is left, and each architecture's live progress. */
function sweepProgress(io: CliIO, options: SweepCommandOptions): SweepListener {
  const color = useColor(io, 'stderr', options.color);
  const runs = progressListener(io.stderr, { tty: Boolean(io.stderr.isTTY), color });
  const w = (s: string): void => void io.stderr.write(`${s}\n`);
  return {
    ...runs,
    sweepStart: ({ points, runs: count, estimatedMs }) =>
      w(`sweep: ${points} point${points === 1 ? '' : 's'}, ${count} architecture run${count === 1 ? '' : 's'}, about ${roughly(estimatedMs)} (an estimate: each run's warm-up, window and grace, and a few seconds to start its topology)`),
    pointStart: (index, total, label, remainingMs) => w(`● point ${index + 1}/${total}: ${label} · about ${roughly(remainingMs)} left`),
    pointDone: (index, point) => {
      const failing = point.run.architectures.filter((a) => a.unmeasured !== undefined || a.error !== undefined).map((a) => a.architecture);
      w(`● point ${index + 1} done${failing.length === 0 ? '' : `: ${failing.join(', ')} did not measure`}`);
    },
  };
}

/**
 * 128 + the signal's number when interrupted; 1 when an architecture could not run at a point
 * (its topology never started); 99 when a threshold failed at any point; 98 with `strict` when
 * the machine disturbed a point. An architecture failing at a value (the cookie refusing a large
 * session with 413) is what a sweep measures, not a failed run.
 */
export function sweepExitCode(result: SweepResult, opts: { signal?: unknown; strict?: boolean } = {}): number {
  if (!result.complete && result.incompleteReason === 'interrupted') return interruptedExitCode(opts.signal);
  if (result.points.some((p) => p.run.architectures.some((a) => a.error !== undefined && a.requests.sent === 0))) return EXIT.runFailed;
  if (result.points.some((p) => p.run.thresholds.some((t) => !t.passed))) return EXIT.thresholdsFailed;
  if (opts.strict && result.points.some((p) => isDisturbed(p.run))) return EXIT.disturbed;
  return EXIT.ok;
}
