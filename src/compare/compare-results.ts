import { InvalidInputError } from '../errors.js';
import { METRIC_NAMES } from '../metrics/metric-names.js';
import { SCHEMA_VERSION, type ArchitectureResult, type RunResult } from '../result/types.js';
import { architecturesOf, coverageLost } from './coverage.js';
import { diffRuns } from './diff-runs.js';
import { judgeMetric } from './judge-metric.js';
import { resolveTolerances } from './tolerances.js';
import type { ArchitectureComparison, ComparedRun, Comparison, Disturbance, MetricRef, NoiseRule, Tolerance } from './types.js';

/**
 * The noise rule's parameters: a 95% interval per run, from 2,000 resamples (enough for the
 * interval's ends to settle to within a few percent), and at least 5 measured seconds, below
 * which a bootstrap over seconds says more about the resampling than about the run.
 */
export const NOISE_RULE: Readonly<NoiseRule> = { confidence: 0.99, resamples: 2000, minSeconds: 5 };

/** Tolerances and file names for {@link compareResults}. */
export interface CompareOptions {
  /** Merged over the default tolerances; a bare number is a relative fraction. Unknown names are input errors. */
  maxRegress?: Readonly<Record<string, Tolerance | number>>;
  /** Names used in messages and output (default `baseline` / `current`). */
  baselineSource?: string;
  currentSource?: string;
}

function checkSchema(result: RunResult, source: string): void {
  // Callers of the library may hand over objects that never went through readResultFile.
  if (result?.schemaVersion !== SCHEMA_VERSION) {
    const found = result?.schemaVersion === undefined ? 'no schemaVersion' : `schemaVersion ${JSON.stringify(result.schemaVersion)}`;
    throw new InvalidInputError([
      { file: source, path: 'schemaVersion', message: `${found}; this statebench reads schemaVersion ${SCHEMA_VERSION} only` },
    ]);
  }
}

/** Every architecture a run meant to cover: asked for, measured or skipped. */
function intended(result: RunResult): Set<string> {
  return new Set([...result.scenario.architectures, ...architecturesOf(result.architectures), ...result.skipped.map((s) => s.architecture)]);
}

function byArchitecture(entries: readonly ArchitectureResult[], architecture: string): ArchitectureResult[] {
  return entries.filter((e) => e.architecture === architecture).sort((a, b) => a.repetition - b.repetition);
}

function isDisturbed(r: ArchitectureResult): boolean {
  return r.measurementQuality?.disturbed === true;
}

/**
 * The repetitions a side is judged on: the undisturbed ones when there are any (a baseline of
 * three runs, one of which a CPU hog spoiled, still has two good ones), else all of them.
 */
function usable(runs: readonly ArchitectureResult[]): ArchitectureResult[] {
  const quiet = runs.filter((r) => !isDisturbed(r));
  return quiet.length > 0 ? quiet : [...runs];
}

function disturbances(side: Disturbance['side'], runs: readonly ArchitectureResult[]): Disturbance[] {
  const leftOut = runs.some((r) => !isDisturbed(r));
  return runs.flatMap((r) =>
    r.measurementQuality?.disturbed ? [{ side, repetition: r.repetition, reasons: r.measurementQuality.reasons, leftOut }] : [],
  );
}

/** Why nothing about this architecture can be judged, or undefined. */
function doubtOf(disturbed: readonly Disturbance[], complete: boolean): string | undefined {
  const spoiled = disturbed.filter((d) => !d.leftOut);
  if (spoiled.length > 0) {
    const sides = [...new Set(spoiled.map((d) => d.side))];
    const reasons = [...new Set(spoiled.flatMap((d) => d.reasons))];
    return `the ${sides.join(' and ')} run${sides.length > 1 ? 's were' : ' was'} disturbed${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}`;
  }
  if (!complete) return 'a run did not finish: its figures cover part of the window';
  return undefined;
}

function describeRun(r: RunResult, source: string | undefined): ComparedRun {
  return {
    ...(source ? { source } : {}),
    scenario: r.scenario.name,
    startedAt: r.startedAt,
    ...(r.environment.gitCommit ? { gitCommit: r.environment.gitCommit } : {}),
    complete: r.complete,
  };
}

/**
 * Compares a current result with a baseline: what differs between their scenarios and
 * environments, which baseline architectures the current run lost, and for every architecture
 * in both, every metric's verdict under the noise rule (see {@link judgeMetric}). The
 * comparison fails (`failed`, exit 99) on a regression, on lost coverage, or on a threshold the
 * current run failed. Variants of one experiment (a changed scenario, same name or a shared
 * architecture) are compared, their differences listed.
 *
 * @throws InvalidInputError for two different experiments (different names and no architecture
 *   in common), an unknown schema version, or an unknown metric in `maxRegress`.
 */
export function compareResults(baseline: RunResult, current: RunResult, opts: CompareOptions = {}): Comparison {
  const baselineSource = opts.baselineSource ?? 'baseline';
  const currentSource = opts.currentSource ?? 'current';
  checkSchema(baseline, baselineSource);
  checkSchema(current, currentSource);
  const tolerances = resolveTolerances(opts.maxRegress);

  const baselineArchitectures = intended(baseline);
  const shared = [...intended(current)].filter((a) => baselineArchitectures.has(a));
  if (baseline.scenario.name !== current.scenario.name && shared.length === 0) {
    throw new InvalidInputError(
      [
        {
          file: currentSource,
          path: 'scenario.name',
          message:
            `a different experiment: \`${current.scenario.name}\` (${[...intended(current)].join(', ')}) shares neither its name nor an ` +
            `architecture with the baseline's \`${baseline.scenario.name}\` (${[...baselineArchitectures].join(', ')})`,
        },
      ],
      `cannot compare two different experiments: ${baselineSource} ran \`${baseline.scenario.name}\` ` +
        `(${[...baselineArchitectures].join(', ')}), ${currentSource} ran \`${current.scenario.name}\` ` +
        `(${[...intended(current)].join(', ')})`,
    );
  }

  const lost = coverageLost(baseline, current);
  const lostNames = new Set(lost.map((l) => l.architecture));
  const metricNames = METRIC_NAMES.filter((m) => tolerances[m] !== undefined);
  const architectures: ArchitectureComparison[] = [];
  for (const architecture of architecturesOf(baseline.architectures)) {
    if (lostNames.has(architecture)) continue;
    const b = byArchitecture(baseline.architectures, architecture);
    const c = byArchitecture(current.architectures, architecture);
    const complete = b.every((r) => r.complete) && c.every((r) => r.complete);
    const disturbed = [...disturbances('baseline', b), ...disturbances('current', c)];
    const doubt = doubtOf(disturbed, complete);
    const metrics = metricNames.map((m) => judgeMetric(m, tolerances[m] as Tolerance, usable(b), usable(c), doubt, NOISE_RULE, { baseline: b, current: c }));
    architectures.push({
      architecture,
      baselineRuns: b.length,
      currentRuns: c.length,
      complete,
      disturbed,
      metrics,
      regressed: metrics.some((m) => m.verdict === 'regression'),
    });
  }

  const refs = (keep: (m: ArchitectureComparison['metrics'][number]) => boolean): MetricRef[] =>
    architectures.flatMap((a) => a.metrics.filter(keep).map((m) => ({ architecture: a.architecture, metric: m.metric })));
  const regressions = refs((m) => m.verdict === 'regression');
  const failedThresholds = current.thresholds.filter((t) => !t.passed);
  const baselineNames = new Set(architecturesOf(baseline.architectures));
  return {
    baseline: describeRun(baseline, opts.baselineSource),
    current: describeRun(current, opts.currentSource),
    differences: diffRuns(baseline, current),
    architectures,
    coverageLost: lost,
    onlyInCurrent: architecturesOf(current.architectures).filter((a) => !baselineNames.has(a)),
    failedThresholds,
    tolerances,
    rule: { ...NOISE_RULE },
    regressions,
    improvements: refs((m) => m.verdict === 'improvement'),
    inconclusive: refs((m) => m.verdict === 'inconclusive'),
    withinNoiseBeyondTolerance: refs(
      (m) => m.verdict === 'within-noise' && m.beyondTolerance && (m.higherIsWorse ? (m.change ?? 0) > 0 : (m.change ?? 0) < 0),
    ),
    failed: regressions.length > 0 || lost.length > 0 || failedThresholds.length > 0,
  };
}
