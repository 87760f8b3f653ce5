import { readFile } from 'node:fs/promises';
import { InvalidInputError, type InputProblem } from '../errors.js';
import type { RunResult } from '../result/types.js';
import { SWEEP_SCHEMA_VERSION, type SweepPoint, type SweepResult } from '../sweep/sweep-result.js';
import { checkRunResult } from './read-result.js';

/** True when a parsed result file is a sweep's (`"kind": "sweep"`). */
export function isSweepResult(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'sweep';
}

/**
 * Checks a parsed sweep file: its schema version, its sweep, and every point's run as a run
 * file is checked (so any point can be reported or compared); problems name the point.
 */
export function checkSweepResult(value: unknown, source: string): SweepResult {
  const obj = value as Record<string, unknown>;
  if (obj.schemaVersion !== SWEEP_SCHEMA_VERSION) {
    throw new InvalidInputError([{ file: source, path: 'schemaVersion', message: `sweep schemaVersion ${JSON.stringify(obj.schemaVersion)}; this statebench reads ${SWEEP_SCHEMA_VERSION} only` }]);
  }
  const problems: InputProblem[] = [];
  const sweep = (obj.scenario as { sweep?: { fields?: unknown; points?: unknown } } | undefined)?.sweep;
  if (!Array.isArray(sweep?.fields) || !Array.isArray(sweep?.points)) problems.push({ file: source, path: 'scenario.sweep', message: 'missing (expected the sweep: fields and points)' });
  if (typeof obj.environment !== 'object' || obj.environment === null) problems.push({ file: source, path: 'environment', message: 'missing (expected object)' });
  if (!Array.isArray(obj.points)) problems.push({ file: source, path: 'points', message: 'missing (expected array)' });
  else {
    obj.points.forEach((p: unknown, i) => {
      const point = p as Partial<SweepPoint> | null;
      if (typeof point?.label !== 'string' || !Array.isArray(point.at)) problems.push({ file: source, path: `points[${i}]`, message: 'expected a label and `at`' });
      try {
        checkRunResult(point?.run, `${source} › points[${i}].run`);
      } catch (err) {
        if (!(err instanceof InvalidInputError)) throw err;
        problems.push(...err.problems);
      }
    });
  }
  if (problems.length > 0) throw new InvalidInputError(problems);
  return value as SweepResult;
}

/** The sweep result in `path`, or undefined when the file holds something else (a run, a capacity search). */
export async function readSweepResultIfAny(path: string): Promise<SweepResult | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    // Unreadable or not JSON: the run-result reader says so, with its usual messages.
    return undefined;
  }
  return isSweepResult(parsed) ? checkSweepResult(parsed, path) : undefined;
}

/**
 * The run of one point, chosen by its number (1-based), its value as written (`512B`; every
 * value in a grid: `512B,2ms`) or its label (`session.payload=512B`). Refuses naming the points.
 */
export function sweepPointRun(result: SweepResult, selector: string, source: string): RunResult {
  const wanted = selector.trim();
  const values = (p: SweepPoint): string => result.scenario.sweep.fields.map((f, i) => f.values[p.at[i]]).join(',');
  const n = Number(wanted);
  const found = Number.isInteger(n) && n >= 1 && n <= result.points.length ? result.points[n - 1] : result.points.find((p) => p.label === wanted || values(p) === wanted.replace(/\s+/g, ''));
  if (found !== undefined) return found.run;
  throw new InvalidInputError([
    { file: '--point', path: '', message: `no point \`${selector}\` in ${source}: give its number (1 to ${result.points.length}) or its value: ${result.points.map((p, i) => `${i + 1} ${values(p)}`).join(', ')}` },
  ]);
}
