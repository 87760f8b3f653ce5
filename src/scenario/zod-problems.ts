import { z } from 'zod';
import { quoteInput } from '../syntax/units.js';
import { didYouMean } from './suggest.js';

/** A problem located by its path inside the file's data (before the file name is attached). */
export interface PathProblem {
  path: (string | number)[];
  message: string;
}

/**
 * `load.rate`, `faults[1].at`, `thresholds["sticky.p99"]`: keys that are not plain words are
 * quoted so a dotted threshold key is not mistaken for nesting.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(String(segment))) out += out === '' ? String(segment) : `.${String(segment)}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** How a value the user wrote reads in a message. */
export function describeInput(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'an empty value';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string') return `the text ${quoteInput(input)}`;
  return quoteInput(String(input));
}

const EXPECTED_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: '`true` or `false`',
  object: 'a mapping (`key: value` lines)',
  array: 'a list',
};

/** The keys a strict object at `path` accepts, found by walking the schema; empty if unknown. */
export function knownKeysAt(root: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  let schema: z.core.$ZodType | undefined = unwrap(root);
  for (const segment of path) {
    if (schema instanceof z.ZodObject) schema = schema.shape[String(segment)];
    else if (schema instanceof z.ZodArray) schema = schema.element;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType;
    else return [];
    schema = schema && unwrap(schema);
  }
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) current = current.unwrap();
    else if (current instanceof z.ZodPipe) current = current.in;
    else return current;
  }
}

/** "unknown field `duraton` (did you mean `duration`?)", listing the fields when no guess is close. */
export function unknownFieldMessage(key: string, known: readonly string[]): string {
  const hint = didYouMean(key, known);
  if (hint !== '' || known.length === 0) return `unknown field \`${key}\`${hint}`;
  return `unknown field \`${key}\`; expected one of ${known.map((k) => `\`${k}\``).join(', ')}`;
}

/**
 * Turns zod's issues into plain-words problems, one per field: what was expected and what was
 * found, with a suggestion for likely typos. `root` is the schema that was parsed, used to
 * list the fields an object accepts.
 */
export function zodIssuesToProblems(issues: readonly z.core.$ZodIssue[], root: z.core.$ZodType): PathProblem[] {
  const problems: PathProblem[] = [];
  for (const issue of issues) {
    const path = issue.path as (string | number)[];
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeysAt(root, path);
        for (const key of issue.keys) problems.push({ path: [...path, key], message: unknownFieldMessage(key, known) });
        break;
      }
      case 'invalid_type': {
        const expected = EXPECTED_WORDS[issue.expected] ?? issue.expected;
        problems.push({
          path,
          message: issue.input === undefined ? `is required (${expected})` : `expected ${expected}, got ${describeInput(issue.input)}`,
        });
        break;
      }
      case 'too_small':
      case 'too_big': {
        const limit = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
        const words =
          issue.origin === 'array'
            ? `needs ${issue.code === 'too_small' ? 'at least' : 'at most'} ${limit} ${limit === 1 ? 'entry' : 'entries'}`
            : issue.origin === 'string'
              ? issue.code === 'too_small' && limit === 1
                ? 'must not be empty'
                : `must be ${issue.code === 'too_small' ? 'at least' : 'at most'} ${limit} characters`
              : issue.code === 'too_small'
                ? `must be ${issue.inclusive ? 'at least' : 'more than'} ${limit}`
                : `must be ${issue.inclusive ? 'at most' : 'less than'} ${limit}`;
        problems.push({ path, message: issue.input === undefined ? words : `${words}, got ${describeInput(issue.input)}` });
        break;
      }
      case 'invalid_value': {
        const values = issue.values.map((v) => `\`${String(v)}\``).join(', ');
        const hint = typeof issue.input === 'string' ? didYouMean(issue.input, issue.values.map(String)) : '';
        problems.push({ path, message: `expected one of ${values}, got ${describeInput(issue.input)}${hint}` });
        break;
      }
      default:
        // custom, invalid_format, invalid_union...: every such check in the schema sets its own wording.
        problems.push({ path, message: issue.message });
    }
  }
  return problems;
}
