import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { ARCHITECTURES } from '../architectures/index.js';
import { quoteInput } from '../syntax/units.js';
import { checkYamlStructure } from './yaml-structure.js';
import { didYouMean } from './suggest.js';
import { scenarioFileSchema } from './schema.js';
import { formatPath, type PathProblem } from './zod-problems.js';
import type { AppliedOverride } from './types.js';

/**
 * Changes to a scenario from outside its file: `run`'s named flags (`--duration 5s`), `--set
 * path=value`, and the environment (`STATEBENCH_RATE`). They are applied to the file's data
 * *before* validation, so a value given on the command line is checked exactly as the same value
 * in the file would be, and every problem under a changed field is reported against the flag or
 * variable that changed it.
 */

/** The named flags, by the word after `--`. Each sets one or more fields. */
export type AdHocFlag = 'duration' | 'warmup' | 'replicas' | 'rate' | 'users' | 'arch' | 'workers' | 'balancer' | 'pairing';

/**
 * One change as given: a named flag with its text (`--duration 5s`), a `path=value` assignment
 * whose value is read as YAML (`--set load.rate=2000/s`), or a field path with a value as is (the
 * library's `set: { 'load.rate': '2000/s' }`). `source` is how problems and the result name it.
 */
export type ScenarioOverride =
  | { source: string; flag: AdHocFlag; value: string }
  | { source: string; set: string }
  | { source: string; path: string; value: unknown };

type Path = (string | number)[];
type Data = Record<string, unknown>;

interface Change {
  path: Path;
  /** undefined: remove the field (back to its default). */
  value: unknown;
}

/** Fields only one load model takes: switching model with `--rate` or `--users` removes the other's. */
const OPEN_ONLY: Path[] = [['load', 'rate'], ['load', 'rampTo'], ['load', 'sessions'], ['load', 'maxBacklog']];
const CLOSED_ONLY: Path[] = [['load', 'users'], ['load', 'rampUp'], ['session', 'thinkTime']];

/** What each named flag changes, given the data so far (`--arch` drops thresholds on architectures it leaves out). */
const FLAGS: Record<AdHocFlag, (text: string, data: Data) => Change[]> = {
  duration: (text) => [{ path: ['duration'], value: readValue(text) }],
  warmup: (text) => [{ path: ['warmup'], value: readValue(text) }],
  replicas: (text) => [{ path: ['replicas'], value: readValue(text) }],
  workers: (text) => [{ path: ['load', 'workers'], value: readValue(text) }],
  pairing: (text) => [{ path: ['pairing'], value: readValue(text) }],
  balancer: (text) => {
    const kinds = [...new Set(splitList(text))];
    return [{ path: ['balancer'], value: kinds.length === 1 ? kinds[0] : kinds }];
  },
  rate: (text) => [
    { path: ['load', 'model'], value: 'open' },
    { path: ['load', 'rate'], value: readValue(text) },
    ...CLOSED_ONLY.map((path) => ({ path, value: undefined })),
  ],
  users: (text) => [
    { path: ['load', 'model'], value: 'closed' },
    { path: ['load', 'users'], value: readValue(text) },
    ...OPEN_ONLY.map((path) => ({ path, value: undefined })),
  ],
  arch: (text, data) => {
    const names = splitList(text);
    // A threshold on an architecture left out on purpose is not a failure: it is dropped (and
    // the record says so) rather than refused as naming an architecture the scenario lacks.
    const thresholds = isRecord(data.thresholds) ? Object.keys(data.thresholds) : [];
    const dropped = thresholds.filter((key) => {
      const prefix = key.includes('.') ? key.slice(0, key.indexOf('.')) : undefined;
      return prefix !== undefined && ARCHITECTURES.has(prefix) && !names.includes(prefix);
    });
    return [{ path: ['architectures'], value: names }, ...dropped.map((key) => ({ path: ['thresholds', key], value: undefined }))];
  },
};

/** The named flags' words, for the environment's names and for help. */
export const AD_HOC_FLAGS = Object.keys(FLAGS) as AdHocFlag[];

/** Environment variables that set the named flags: `STATEBENCH_DURATION`, `STATEBENCH_RATE`, … */
export const ENV_PREFIX = 'STATEBENCH_';
/** `STATEBENCH_SET`: `path=value` assignments, one per line or separated by `;`. */
export const ENV_SET = `${ENV_PREFIX}SET`;
/** Variables of this prefix statebench's own processes use: not scenario overrides, never warned about. */
const ENV_INTERNAL = new Set(['STATEBENCH_NO_PDEATHSIG', 'STATEBENCH_STORE_SECRET', 'STATEBENCH_STORE_URL']);

/**
 * The overrides the environment asks for, in the order they apply (`STATEBENCH_SET` first, then
 * each named flag's variable), and a notice for each `STATEBENCH_` variable that means nothing
 * here (a typo would otherwise be ignored silently).
 */
export function overridesFromEnv(env: NodeJS.ProcessEnv): { overrides: ScenarioOverride[]; notices: string[] } {
  const overrides: ScenarioOverride[] = [];
  const notices: string[] = [];
  const set = env[ENV_SET];
  if (set !== undefined) {
    for (const assignment of set.split(/[;\n]/).map((s) => s.trim()).filter(Boolean)) overrides.push({ source: ENV_SET, set: assignment });
  }
  for (const flag of AD_HOC_FLAGS) {
    const name = `${ENV_PREFIX}${flag.toUpperCase()}`;
    const value = env[name];
    if (value !== undefined && value !== '') overrides.push({ source: name, flag, value });
  }
  const known = new Set([ENV_SET, ...AD_HOC_FLAGS.map((f) => `${ENV_PREFIX}${f.toUpperCase()}`), ...ENV_INTERNAL]);
  for (const name of Object.keys(env).sort()) {
    if (name.startsWith(ENV_PREFIX) && !known.has(name)) {
      const hint = didYouMean(name, [...known].filter((k) => !ENV_INTERNAL.has(k)));
      notices.push(`${name} is not a statebench variable, ignored${hint || `; they are ${[...known].filter((k) => !ENV_INTERNAL.has(k)).join(', ')}`}`);
    }
  }
  return { overrides, notices };
}

/** The result of applying overrides to a scenario file's data. */
export interface OverriddenData {
  data: unknown;
  /** Every field changed, in order, for the resolved scenario's record. */
  applied: AppliedOverride[];
  /** Each change's path, with its source: problems under it are reported against the source. */
  changes: { path: Path; source: string }[];
  /** Overrides that could not even be applied (`--set` without `=`, a path through a value). */
  problems: (PathProblem & { source: string })[];
}

/**
 * Applies overrides in order (a later one wins) to a copy of the file's data. A value is read as
 * YAML, as it would be in the file (`3` a number, `[sticky, redis]` a list, `true` a boolean);
 * text that is not valid YAML is taken as plain text. An empty value or `null` removes the field,
 * so its default applies.
 */
export function applyOverrides(data: unknown, overrides: readonly ScenarioOverride[]): OverriddenData {
  const out: OverriddenData = { data, applied: [], changes: [], problems: [] };
  if (overrides.length === 0) return out;
  if (data !== undefined && data !== null && !isRecord(data)) return out; // not a mapping: validation says so
  const root: Data = data === undefined || data === null ? {} : structuredClone(data);
  out.data = root;
  for (const override of overrides) {
    let changes: Change[];
    if ('flag' in override) changes = FLAGS[override.flag](override.value, root);
    else if ('path' in override) {
      const parsed = parsePath(override.path);
      if ('message' in parsed) {
        out.problems.push({ source: override.source, path: [], message: parsed.message });
        continue;
      }
      changes = [{ path: parsed.path, value: override.value === null ? undefined : override.value }];
    } else {
      const parsed = parseAssignment(override.set);
      if ('message' in parsed) {
        out.problems.push({ source: override.source, path: [], message: parsed.message });
        continue;
      }
      changes = [parsed];
    }
    for (const change of changes) {
      const problem = setIn(root, change, override.source, out);
      if (problem !== undefined) out.problems.push({ source: override.source, path: change.path, message: problem });
    }
  }
  return out;
}

/**
 * Puts each problem under a changed field against the source that changed it (the latest one):
 * `--set › load.rate: …` instead of a line of a file that never said it.
 */
export function attributeProblem(problem: PathProblem, changes: OverriddenData['changes']): string | undefined {
  for (let i = changes.length - 1; i >= 0; i--) {
    const { path, source } = changes[i];
    if (path.length <= problem.path.length && path.every((segment, j) => String(segment) === String(problem.path[j]))) return source;
  }
  return undefined;
}

/** Whether the overrides chose the architectures: settings for the others are then not refused as unused. */
export function architecturesChosen(applied: readonly AppliedOverride[]): boolean {
  return applied.some((a) => a.path === 'architectures');
}

function setIn(root: Data, change: Change, source: string, out: OverriddenData): string | undefined {
  const { path, value } = change;
  let node: unknown = root;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i];
    const container = node as Data | unknown[];
    const problem = indexProblem(container, path.slice(0, i + 1));
    if (problem !== undefined) return value === undefined ? undefined : problem;
    let next = (container as Record<string | number, unknown>)[segment];
    if (next === undefined || next === null) {
      if (value === undefined) return undefined; // removing below nothing: nothing to do
      next = typeof path[i + 1] === 'number' ? [] : {};
      (container as Record<string | number, unknown>)[segment] = next;
    } else if (typeof next !== 'object') {
      if (value === undefined) return undefined; // nothing to remove inside a plain value; validation reports it
      return `\`${formatPath(path.slice(0, i + 1))}\` is ${describeValue(next)}, not a mapping or list: \`${formatPath(path)}\` cannot be set inside it`;
    }
    node = next;
  }
  const last = path[path.length - 1];
  const problem = indexProblem(node as Data | unknown[], path);
  if (problem !== undefined) return value === undefined ? undefined : problem;
  const holder = node as Record<string | number, unknown>;
  const was = holder[last];
  if (value === undefined) {
    if (was === undefined) return undefined;
    if (Array.isArray(holder)) holder.splice(last as number, 1);
    else delete holder[last];
  } else {
    holder[last] = value;
  }
  out.changes.push({ path, source });
  out.applied.push({
    source,
    path: formatPath(path),
    ...(value === undefined ? { removed: true as const } : { value }),
    ...(was === undefined ? {} : { was }),
  });
  return undefined;
}

/** Why `path`'s last segment cannot index `container`: a word into a list, a number into a mapping, an index past the end. */
function indexProblem(container: Data | unknown[], path: Path): string | undefined {
  const segment = path[path.length - 1];
  const parent = formatPath(path.slice(0, -1));
  if (Array.isArray(container)) {
    if (typeof segment !== 'number') return `\`${parent}\` is a list: index it with a number, as in \`${parent}[0]\``;
    if (segment > container.length) {
      return `\`${parent}\` has ${container.length} ${container.length === 1 ? 'entry' : 'entries'}: \`[${segment}]\` is beyond them (\`[${container.length}]\` adds one)`;
    }
  } else if (typeof segment === 'number') {
    return `\`${parent}\` is not a list: \`[${segment}]\` cannot index it`;
  }
  return undefined;
}

/** `load.rate=2000/s` → the path and the value read as YAML; a message when it is not that. */
function parseAssignment(text: string): Change | { message: string } {
  const eq = text.indexOf('=');
  const expected = 'expected `path=value` such as `load.rate=2000/s`, `duration=10s` or `thresholds.p99="< 50ms"`';
  if (eq <= 0) return { message: `${expected}; got ${quoteInput(text)}` };
  const path = parsePath(text.slice(0, eq).trim());
  if ('message' in path) return { message: `${path.message} (in ${quoteInput(text)}); ${expected}` };
  const valueText = text.slice(eq + 1);
  const value = valueText.trim() === '' ? null : readValue(valueText);
  return { path: path.path, value: value === null ? undefined : value };
}

/**
 * `load.rate`, `faults[0].at`, `thresholds.sticky.p99`: dots separate fields, `[n]` indexes a
 * list, `["…"]` quotes a key. Under a mapping of free keys (`thresholds`, `capacity.slo`) the rest
 * of the text is one key, so a threshold's own dot needs no quoting.
 */
export function parsePath(text: string): { path: Path } | { message: string } {
  const path: Path = [];
  let schema: z.core.$ZodType | undefined = scenarioFileSchema;
  let rest = text;
  while (rest !== '') {
    if (schema !== undefined && unwrap(schema) instanceof z.ZodRecord && !rest.startsWith('[')) {
      path.push(rest.replace(/^\./, ''));
      return { path };
    }
    let match: RegExpExecArray | null;
    if ((match = /^\[(\d+)\]/.exec(rest))) path.push(Number(match[1]));
    else if ((match = /^\["((?:[^"\\]|\\.)*)"\]/.exec(rest))) path.push(JSON.parse(`"${match[1]}"`) as string);
    else if ((match = (path.length === 0 ? /^([A-Za-z_][\w-]*)/ : /^\.([A-Za-z_][\w-]*)/).exec(rest))) path.push(match[1]);
    else return { message: `cannot read the field path ${quoteInput(text)} at ${quoteInput(rest)}` };
    rest = rest.slice(match[0].length);
    schema = schema === undefined ? undefined : childSchema(schema, path[path.length - 1]);
  }
  if (path.length === 0) return { message: 'the field path is empty' };
  return { path };
}

function childSchema(schema: z.core.$ZodType, segment: string | number): z.core.$ZodType | undefined {
  const s = unwrap(schema);
  if (s instanceof z.ZodObject) return s.shape[String(segment)] as z.core.$ZodType | undefined;
  if (s instanceof z.ZodArray) return s.element as z.core.$ZodType;
  if (s instanceof z.ZodRecord) return s.valueType as z.core.$ZodType;
  return undefined;
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) current = current.unwrap() as z.core.$ZodType;
    else if (current instanceof z.ZodPipe) current = current.in as z.core.$ZodType;
    else return current;
  }
}

/**
 * A value as the file would hold it: YAML 1.2 core (`3` is a number, `[a, b]` a list, `"< 50ms"`
 * text), no tags, no aliases. Text that does not parse as YAML (`a: b: c`) is taken as plain text,
 * which is what someone typing it on a command line meant.
 */
function readValue(text: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, version: '1.2', schema: 'core', merge: false, uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length > 0 || checkYamlStructure(doc, lineCounter).length > 0) return text;
  try {
    return doc.toJS({ maxAliasCount: 0 });
  } catch {
    return text;
  }
}

function splitList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

function isRecord(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  return typeof value === 'string' ? `the text ${quoteInput(value)}` : quoteInput(String(value));
}
