import { readFile } from 'node:fs/promises';
import { CAPACITY_SCHEMA_VERSION, type CapacityResult } from '../capacity/capacity-result.js';
import { InvalidInputError, type InputProblem } from '../errors.js';

/** True when a parsed result file is a capacity search's (`"kind": "capacity"`). */
export function isCapacityResult(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'capacity';
}

/** Checks a parsed capacity file: its schema version and the fields every report reads. */
export function checkCapacityResult(value: unknown, source: string): CapacityResult {
  const obj = value as Record<string, unknown>;
  if (obj.schemaVersion !== CAPACITY_SCHEMA_VERSION) {
    throw new InvalidInputError([
      { file: source, path: 'schemaVersion', message: `capacity schemaVersion ${JSON.stringify(obj.schemaVersion)}; this statebench reads ${CAPACITY_SCHEMA_VERSION} only` },
    ]);
  }
  const problems: InputProblem[] = (['scenario', 'search', 'environment'] as const)
    .filter((f) => typeof obj[f] !== 'object' || obj[f] === null)
    .map((f) => ({ file: source, path: f, message: 'missing (expected object)' }));
  if (!Array.isArray(obj.architectures)) problems.push({ file: source, path: 'architectures', message: 'missing (expected array)' });
  else {
    obj.architectures.forEach((a: unknown, i) => {
      if (!Array.isArray((a as { points?: unknown })?.points)) problems.push({ file: source, path: `architectures[${i}].points`, message: 'missing (expected array)' });
    });
  }
  if (problems.length > 0) throw new InvalidInputError(problems);
  return value as CapacityResult;
}

/** The capacity result in `path`, or undefined when the file holds a run result instead. */
export async function readCapacityResultIfAny(path: string): Promise<CapacityResult | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    // Unreadable or not JSON: the run-result reader says so, with its usual messages.
    return undefined;
  }
  return isCapacityResult(parsed) ? checkCapacityResult(parsed, path) : undefined;
}
