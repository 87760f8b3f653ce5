import { z } from 'zod';
import { jsonSchemaOverrides } from '../syntax/fields.js';
import { LIMITS } from '../syntax/limits.js';
import { DURATION_PATTERN, RATE_PATTERN, SIZE_PATTERN, formatDuration, parseDuration, parseRate, parseSize, quoteInput } from '../syntax/units.js';
import type { Scenario, SweepField, SweepPointSpec, SweepSpec, SweepUnit } from './types.js';
import { describeInput, knownKeysAt, unknownFieldMessage, type PathProblem } from './zod-problems.js';

/** Fields a sweep cannot vary, and why (every other field of the file can be swept). */
const NOT_SWEPT: Record<string, string> = {
  name: 'it names the result file',
  description: 'it is only text',
  architectures: 'every architecture runs at every value (they are the columns): list them in `architectures`',
  faults: 'a timeline is not one value: sweep a field of `load`, `session`, `store` or `hosts`',
  thresholds: 'thresholds judge a run, they do not change it',
  capacity: 'a capacity search is `statebench capacity`, not a run',
  strict: 'it changes the exit code, not the experiment',
  sweep: 'a sweep cannot sweep itself',
};

type Validate = (data: unknown, defaultName: string) => { scenario: Scenario; problems: [] } | { scenario: undefined; problems: PathProblem[] };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Every field a sweep can vary, as written in `sweep:`: top-level values (`replicas`,
 * `duration`) and the fields of the mappings (`session.payload`, `store.latency`, `load.rate`).
 */
export function sweepableFields(root: z.core.$ZodType): string[] {
  const fields: string[] = [];
  for (const key of knownKeysAt(root, [])) {
    if (key in NOT_SWEPT) continue;
    const nested = knownKeysAt(root, [key]);
    if (nested.length === 0) fields.push(key);
    else fields.push(...nested.map((n) => `${key}.${n}`));
  }
  return fields;
}

/** What a value written for `field` is a quantity of, read from the field's published pattern. */
export function fieldUnit(root: z.core.$ZodType, field: string): SweepUnit {
  let schema: z.core.$ZodType | undefined = root;
  for (const segment of field.split('.')) {
    schema = schema === undefined ? undefined : unwrapOptional(schema);
    schema = schema instanceof z.ZodObject ? schema.shape[segment] : undefined;
  }
  if (schema === undefined) return 'none';
  const inner = unwrapOptional(schema);
  const published = jsonSchemaOverrides.get(inner) ?? jsonSchemaOverrides.get(schema);
  const text = typeof published === 'object' ? JSON.stringify(published) : '';
  if (text.includes(JSON.stringify(SIZE_PATTERN))) return 'bytes';
  if (text.includes(JSON.stringify(DURATION_PATTERN))) return 'ms';
  if (text.includes(JSON.stringify(RATE_PATTERN))) return 'rps';
  if (inner instanceof z.ZodNumber) return 'count';
  return 'none';
}

function unwrapOptional(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault) current = current.unwrap() as z.core.$ZodType;
  return current;
}

/** A value in its field's unit (bytes, ms, req/s, or the number itself); null when it is not one. */
function numberOf(unit: SweepUnit, value: unknown): number | null {
  const parsed = unit === 'bytes' ? parseSize(value) : unit === 'ms' ? parseDuration(value) : unit === 'rps' ? parseRate(value) : undefined;
  if (parsed !== undefined) return parsed.ok ? parsed.value : null;
  return unit === 'count' && typeof value === 'number' ? value : null;
}

/** How a swept value reads in labels and tables: as written. */
function written(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Every combination of the lists' indices, the first field varying slowest. */
function grid(lengths: number[]): number[][] {
  let out: number[][] = [[]];
  for (const n of lengths) out = out.flatMap((prefix) => Array.from({ length: n }, (_, i) => [...prefix, i]));
  return out;
}

function setAt(data: Record<string, unknown>, path: string[], value: unknown): void {
  let at = data;
  for (const key of path.slice(0, -1)) {
    if (!isRecord(at[key])) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[path[path.length - 1]] = value;
}

/**
 * What `point` changes from `base`, both resolved: each differing leaf's path and its value in
 * `point` (absent: the field is not there). Lists are compared whole.
 */
export function scenarioChanges(base: unknown, point: unknown, path: string[] = []): SweepPointSpec['changes'] {
  if (isRecord(base) && isRecord(point)) {
    const keys = [...new Set([...Object.keys(base), ...Object.keys(point)])];
    return keys.flatMap((k) => scenarioChanges(base[k], point[k], [...path, k]));
  }
  if (JSON.stringify(base) === JSON.stringify(point)) return [];
  return [point === undefined ? { path } : { path, value: structuredClone(point) }];
}

/** The scenario of one point: `base` (without its sweep) with the point's changes. Pure. */
export function applySweepPoint(base: Scenario, point: SweepPointSpec): Scenario {
  const { sweep: _sweep, ...rest } = base;
  const out = structuredClone(rest) as Record<string, unknown>;
  for (const change of point.changes) {
    let at = out;
    for (const key of change.path.slice(0, -1)) {
      if (!isRecord(at[key])) at[key] = {};
      at = at[key] as Record<string, unknown>;
    }
    const last = change.path[change.path.length - 1];
    if ('value' in change) at[last] = structuredClone(change.value);
    else delete at[last];
  }
  return out as unknown as Scenario;
}

/** Warm-up, window and grace of one architecture run of a scenario, ms (its topology's start not counted). */
export function runLengthMs(scenario: Scenario): number {
  return scenario.warmupMs + scenario.durationMs + scenario.load.graceMs;
}

/**
 * Validates a file with `sweep:` and resolves it: the file without the sweep must be valid,
 * every swept field must exist and be sweepable, every list must hold values, and every point
 * (the file with that point's values) must be valid in turn, its problems reported against the
 * value that caused them (`sweep["session.payload"][3]`). Returns the base scenario with its
 * `sweep` (every point's changes), or every problem found.
 */
export function validateSweep(
  data: Record<string, unknown>,
  defaultName: string,
  validate: Validate,
  root: z.core.$ZodType,
): ReturnType<Validate> {
  const { sweep, ...rest } = data;
  const base = validate(rest, defaultName);
  const problems: PathProblem[] = [...base.problems];
  const fields = checkSweepShape(sweep, root, problems);
  if (fields === undefined || base.scenario === undefined || problems.length > 0) return { scenario: undefined, problems };

  const seen = new Set<string>();
  const report = (fieldsShown: typeof fields, at: number[], list: PathProblem[]): void => {
    for (const problem of list) {
      const mapped = pointProblem(fieldsShown, at, problem);
      const key = `${JSON.stringify(mapped.path)}\0${mapped.message}`;
      if (!seen.has(key)) problems.push(mapped);
      seen.add(key);
    }
  };
  // Each value alone first (the file with that one value): a value wrong in itself is said once,
  // not once per combination of a grid.
  const bad = fields.map((f) =>
    f.values.map((value, i) => {
      const pointData = structuredClone(rest);
      setAt(pointData, f.path.split('.'), value);
      const alone = validate(pointData, defaultName);
      if (alone.scenario === undefined) report([f], [i], alone.problems);
      return alone.scenario === undefined;
    }),
  );
  const points: { at: number[]; scenario: Scenario }[] = [];
  for (const at of grid(fields.map((f) => f.values.length))) {
    if (at.some((i, f) => bad[f][i])) continue;
    const pointData = structuredClone(rest);
    fields.forEach((f, i) => setAt(pointData, f.path.split('.'), f.values[at[i]]));
    const point = validate(pointData, defaultName);
    if (point.scenario !== undefined) points.push({ at, scenario: point.scenario });
    else report(fields, at, point.problems);
  }
  if (problems.length > 0) return { scenario: undefined, problems };

  const totalMs = points.reduce((sum, p) => sum + runLengthMs(p.scenario) * p.scenario.architectures.length, 0);
  if (totalMs > LIMITS.durationMs) {
    return {
      scenario: undefined,
      problems: [{ path: ['sweep'], message: `${points.length} points of ${base.scenario.architectures.length} architectures would run for ${formatDuration(totalMs)}: at most ${formatDuration(LIMITS.durationMs)} (the longest statebench runs); fewer values, or a shorter \`duration\`` }],
    };
  }
  const spec: SweepSpec = {
    fields: fields.map((f) => {
      const unit = fieldUnit(root, f.path);
      const numbers = f.values.map((v) => numberOf(unit, v));
      return { path: f.path, values: f.values.map(written), unit: numbers.every((n) => n !== null) ? unit : 'none', numbers: numbers.every((n) => n !== null) ? numbers : f.values.map(() => null) };
    }),
    points: points.map(({ at, scenario }) => ({
      at,
      label: fields.map((f, i) => `${f.path}=${written(f.values[at[i]])}`).join(', '),
      changes: scenarioChanges(base.scenario, scenario),
    })),
  };
  return { scenario: { ...base.scenario, sweep: spec }, problems: [] };
}

/** A point's problem, said against the value (or the combination) that caused it. */
function pointProblem(fields: { path: string; values: unknown[] }[], at: number[], problem: PathProblem): PathProblem {
  const where = problem.path.join('.');
  const own = fields.findIndex((f) => f.path === where);
  const field = own >= 0 ? own : fields.length === 1 ? 0 : -1;
  const value = (i: number): string => quoteInput(written(fields[i].values[at[i]]));
  if (field < 0) {
    const combination = fields.map((f, i) => `\`${f.path}\` ${value(i)}`).join(' and ');
    return { path: ['sweep'], message: `with ${combination}: ${where === '' ? '' : `${where}: `}${problem.message}` };
  }
  const others = fields.map((f, i) => (i === field ? '' : ` (with \`${f.path}\` ${value(i)})`)).join('');
  const context = own >= 0 ? '' : `${where === '' ? '' : `${where} `}`;
  return { path: ['sweep', fields[field].path, at[field]], message: `${value(field)}${others}: ${context}${problem.message}` };
}

/** `sweep:` itself: a mapping of sweepable fields to non-empty lists of distinct values, within the grid bound. */
function checkSweepShape(sweep: unknown, root: z.core.$ZodType, problems: PathProblem[]): { path: string; values: unknown[] }[] | undefined {
  const example = 'such as `session.payload: [64B, 512B, 2KiB]`';
  if (!isRecord(sweep)) {
    problems.push({ path: ['sweep'], message: `expected a mapping of fields to lists of values, ${example}; got ${describeInput(sweep)}` });
    return undefined;
  }
  const entries = Object.entries(sweep);
  if (entries.length === 0) problems.push({ path: ['sweep'], message: `needs at least one field, ${example}` });
  const known = sweepableFields(root);
  const fields: { path: string; values: unknown[] }[] = [];
  for (const [path, values] of entries) {
    const top = path.split('.')[0];
    if (top in NOT_SWEPT) {
      problems.push({ path: ['sweep', path], message: `\`${top}\` cannot be swept: ${NOT_SWEPT[top]}` });
      continue;
    }
    if (!known.includes(path)) {
      const nested = knownKeysAt(root, [path]);
      problems.push({
        path: ['sweep', path],
        message: nested.length > 0 ? `\`${path}\` is a mapping: sweep one of its fields, such as \`${path}.${nested[0]}\`` : unknownFieldMessage(path, known),
      });
      continue;
    }
    if (!Array.isArray(values)) {
      problems.push({ path: ['sweep', path], message: `expected a list of values such as \`[${exampleValues(fieldUnit(root, path))}]\`, got ${describeInput(values)}` });
      continue;
    }
    if (values.length === 0) {
      problems.push({ path: ['sweep', path], message: `an empty list sweeps nothing: give the values to run at, such as \`[${exampleValues(fieldUnit(root, path))}]\`` });
      continue;
    }
    const firstIndex = new Map<string, number>();
    values.forEach((v, i) => {
      const key = JSON.stringify(v);
      const first = firstIndex.get(key);
      if (first !== undefined) problems.push({ path: ['sweep', path, i], message: `${quoteInput(written(v))} is listed twice (also at ${first}): each value runs once` });
      else firstIndex.set(key, i);
    });
    fields.push({ path, values });
  }
  const points = fields.reduce((n, f) => n * f.values.length, 1);
  if (fields.length > 0 && points > LIMITS.sweepPoints) {
    problems.push({
      path: ['sweep'],
      message: `${fields.map((f) => f.values.length).join(' × ')} values make ${points} points: at most ${LIMITS.sweepPoints} (each runs every architecture on a fresh topology); split it into several sweeps`,
    });
  }
  return fields;
}

function exampleValues(unit: SweepUnit): string {
  switch (unit) {
    case 'bytes':
      return '64B, 512B, 2KiB';
    case 'ms':
      return '0ms, 0.5ms, 2ms';
    case 'rps':
      return '500/s, 1000/s, 2000/s';
    case 'count':
      return '100, 1000, 10000';
    default:
      return 'a, b';
  }
}
