import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { InvalidInputError, type InputProblem } from '../errors.js';
import { SCHEMA_VERSION, type RunResult } from '../result/types.js';
import { LIMITS } from '../syntax/limits.js';
import { formatSize } from '../syntax/units.js';
import { checkHistograms, fillMissingP95 } from './result-histograms.js';
import { runResultSchema } from './result-schema.js';

type FieldType = 'string' | 'boolean' | 'number' | 'object' | 'array';

function typeOf(value: unknown): FieldType | 'null' | 'undefined' | 'other' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'string' || t === 'boolean' || t === 'number' || t === 'object' || t === 'undefined' ? t : 'other';
}

/** `architectures[0].requests.ok` from zod's path. */
function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) out += typeof segment === 'number' ? `[${segment}]` : out === '' ? String(segment) : `.${String(segment)}`;
  return out;
}

/** One zod issue in the words result-file problems use: `missing (expected number)`, `expected boolean, found string`. */
function issueMessage(issue: z.core.$ZodIssue): string {
  const found = (input: unknown): string => (typeOf(input) === 'other' ? typeof input : typeOf(input));
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? `missing (expected ${issue.expected})` : `expected ${issue.expected}, found ${found(issue.input)}`;
    case 'too_small':
      return `expected ${issue.origin === 'number' ? 'a number ' : ''}${issue.inclusive ? (issue.origin === 'number' ? 'of at least' : 'at least') : 'above'} ${String(issue.minimum)}, found ${JSON.stringify(issue.input)}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, found ${JSON.stringify(issue.input)}`;
    case 'invalid_key':
      return `unexpected key ${JSON.stringify(issue.input)}`;
    default:
      return issue.message;
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
  const parsed = runResultSchema.safeParse(value, { reportInput: true });
  let problems: InputProblem[] = [];
  if (!parsed.success) {
    // Top-level fields first, then the rest in file order: the likeliest cause comes first.
    const issues = [...parsed.error.issues].sort((a, b) => Number(a.path.length > 1) - Number(b.path.length > 1));
    problems = issues.map((issue) => ({ file: source, path: pathText(issue.path), message: issueMessage(issue) }));
  } else {
    const result = value as RunResult;
    result.architectures.forEach((arch, i) => {
      for (const p of checkHistograms(arch, `architectures[${i}].`)) problems.push({ file: source, ...p });
    });
  }
  if (problems.length > LIMITS.problemsShown) {
    const more = problems.length - LIMITS.problemsShown;
    problems = [...problems.slice(0, LIMITS.problemsShown), { file: source, path: '', message: `… and ${more} more problems` }];
  }
  if (problems.length > 0) throw new InvalidInputError(problems);
  const result = value as RunResult;
  for (const arch of result.architectures) fillMissingP95(arch);
  return result;
}

/**
 * Reads and checks a result file written by `statebench run`: JSON syntax, a schema version
 * this build knows, and the required fields. Every failure is an {@link InvalidInputError}
 * naming the file, so the CLI exits 2 with one clear message.
 */
export async function readResultFile(path: string): Promise<RunResult> {
  let text: string;
  try {
    const info = await stat(path);
    if (info.isFile() && info.size > LIMITS.resultFileBytes) {
      throw new InvalidInputError([{ file: path, path: '', message: `is ${formatSize(info.size)}: a result file is at most ${formatSize(LIMITS.resultFileBytes)}` }]);
    }
    if (!info.isFile() && !info.isDirectory()) throw new InvalidInputError([{ file: path, path: '', message: 'cannot read result file: not a regular file' }]);
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof InvalidInputError) throw err;
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
