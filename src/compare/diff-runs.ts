import type { RunResult } from '../result/types.js';
import type { RunDifferences, SettingDifference } from './types.js';

/**
 * Environment fields left out of the diff: the git commit is what a comparison is usually
 * about (two commits, one machine), and each run's commit is shown beside it anyway.
 */
const ENVIRONMENT_IGNORED: ReadonlySet<string> = new Set(['gitCommit']);

/**
 * Scenario fields left out: `overrides` records how a field got its value (a flag, a variable),
 * and the field itself is compared; two runs of one experiment, one set by flags and one by a
 * file, are the same experiment.
 */
const SCENARIO_IGNORED = /^overrides(\.|\[|$)/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPrimitiveList(value: unknown[]): boolean {
  return value.every((v) => v === null || typeof v !== 'object');
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Every leaf that differs between `a` and `b`, by dotted path. Objects are walked key by key
 * (keys absent on one side differ as `undefined`), lists of objects element by element
 * (`faults[1].atMs`), and lists of plain values compared whole (`architectures`), since
 * "sticky, redis → sticky" reads better than an index-by-index diff.
 */
export function diffValues(a: unknown, b: unknown, path = ''): SettingDifference[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !Object.hasOwn(a, k))];
    return keys.flatMap((k) => diffValues(a[k], b[k], path === '' ? k : `${path}.${k}`));
  }
  if (Array.isArray(a) && Array.isArray(b) && !(isPrimitiveList(a) && isPrimitiveList(b))) {
    const n = Math.max(a.length, b.length);
    return Array.from({ length: n }, (_, i) => diffValues(a[i], b[i], `${path}[${i}]`)).flat();
  }
  // JSON drops `undefined` fields, so a missing field and an undefined one are the same setting.
  if (same(a, b)) return [];
  return [{ path, baseline: a, current: b }];
}

/**
 * What differs between two runs: their resolved scenarios (every default filled in, so a
 * default that changed between statebench versions shows too) and their environments.
 */
export function diffRuns(baseline: RunResult, current: RunResult): RunDifferences {
  const environment = diffValues(baseline.environment, current.environment).filter((d) => !ENVIRONMENT_IGNORED.has(d.path));
  const scenario = diffValues(baseline.scenario, current.scenario).filter((d) => !SCENARIO_IGNORED.test(d.path));
  return { scenario, environment };
}
