import { readFile } from 'node:fs/promises';
import { InvalidInputError, type InputProblem } from '../errors.js';
import { SCHEMA_VERSION, type RunResult } from '../result/types.js';

type FieldType = 'string' | 'boolean' | 'number' | 'object' | 'array';

/** Top-level fields every reader relies on; optional ones (`scenarioFile`, `incompleteReason`) are not listed. */
const REQUIRED_FIELDS: readonly [string, FieldType][] = [
  ['tool', 'object'],
  ['complete', 'boolean'],
  ['startedAt', 'string'],
  ['finishedAt', 'string'],
  ['scenario', 'object'],
  ['environment', 'object'],
  ['architectures', 'array'],
  ['thresholds', 'array'],
  ['skipped', 'array'],
];

/** Fields of each architecture entry that the reports index without a guard. */
const REQUIRED_ARCHITECTURE_FIELDS: readonly [string, FieldType][] = [
  ['architecture', 'string'],
  ['repetition', 'number'],
  ['complete', 'boolean'],
  ['measuredMs', 'number'],
  ['requests', 'object'],
  ['throughputRps', 'number'],
  ['latencyUs', 'object'],
  ['sessions', 'object'],
  ['updatesLost', 'number'],
  ['store', 'object'],
  ['faultWindows', 'array'],
  ['faults', 'array'],
  ['cpu', 'array'],
];

function typeOf(value: unknown): FieldType | 'null' | 'undefined' | 'other' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'string' || t === 'boolean' || t === 'number' || t === 'object' || t === 'undefined' ? t : 'other';
}

function checkFields(
  value: Record<string, unknown>,
  fields: readonly [string, FieldType][],
  file: string,
  prefix: string,
  problems: InputProblem[],
): void {
  for (const [field, expected] of fields) {
    const actual = typeOf(value[field]);
    if (actual === expected) continue;
    problems.push({
      file,
      path: `${prefix}${field}`,
      message: actual === 'undefined' ? `missing (expected ${expected})` : `expected ${expected}, found ${actual}`,
    });
  }
}

/**
 * Checks that a parsed value is a result file this statebench can read, and returns it typed.
 * Refuses unknown schema versions outright (a newer file may mean something else by the same
 * field) and reports every missing or mistyped required field at once. `source` names the
 * file in messages.
 */
export function checkRunResult(value: unknown, source: string): RunResult {
  if (typeOf(value) !== 'object') {
    throw new InvalidInputError([{ file: source, path: '', message: 'not a statebench result (expected a JSON object)' }]);
  }
  const obj = value as Record<string, unknown>;
  if (obj.schemaVersion !== SCHEMA_VERSION) {
    const found = obj.schemaVersion === undefined ? 'no schemaVersion' : `schemaVersion ${JSON.stringify(obj.schemaVersion)}`;
    throw new InvalidInputError([
      {
        file: source,
        path: 'schemaVersion',
        message:
          `${found}; this statebench reads schemaVersion ${SCHEMA_VERSION} only ` +
          '(re-run the scenario, or use the statebench version that wrote the file)',
      },
    ]);
  }
  const problems: InputProblem[] = [];
  checkFields(obj, REQUIRED_FIELDS, source, '', problems);
  if (typeOf(obj.scenario) === 'object' && typeof (obj.scenario as Record<string, unknown>).name !== 'string') {
    problems.push({ file: source, path: 'scenario.name', message: 'missing (expected string)' });
  }
  if (Array.isArray(obj.architectures)) {
    obj.architectures.forEach((entry: unknown, i) => {
      if (typeOf(entry) !== 'object') {
        problems.push({ file: source, path: `architectures[${i}]`, message: `expected object, found ${typeOf(entry)}` });
        return;
      }
      checkFields(entry as Record<string, unknown>, REQUIRED_ARCHITECTURE_FIELDS, source, `architectures[${i}].`, problems);
    });
  }
  if (problems.length > 0) throw new InvalidInputError(problems);
  return value as RunResult;
}

/**
 * Reads and checks a result file written by `statebench run`: JSON syntax, a schema version
 * this build knows, and the required fields. Every failure is an {@link InvalidInputError}
 * naming the file, so the CLI exits 2 with one clear message.
 */
export async function readResultFile(path: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new InvalidInputError([{ file: path, path: '', message: `cannot read result file: ${reason}` }]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new InvalidInputError([{ file: path, path: '', message: `not valid JSON: ${(err as Error).message}` }]);
  }
  return checkRunResult(parsed, path);
}
