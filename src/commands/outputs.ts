import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError, type InputProblem } from '../errors.js';
import { errnoWords } from '../run/result-file.js';
import { writeFileDurably } from '../run/write-result.js';
import type { CliIO } from './io.js';

/**
 * The output flags `run`, `report`, `compare` (and `capacity`) share, with one rule: a flag
 * with a path writes that file; without one (or with `-`) it writes to stdout. Only one output
 * can have stdout; when none asks for it, the command prints its terminal table there (`run`
 * always; `report` and `compare` only when no output was asked for at all).
 */
export type OutputFormat = 'json' | 'markdown' | 'html' | 'junit' | 'csv';

/** The options as commander hands them over. */
export interface OutputFlags {
  /** `--json`: stdout. */
  json?: boolean;
  /** `--markdown [path]` */
  markdown?: string | boolean;
  /** `--html [path]` */
  html?: string | boolean;
  /** `--junit <path>` (`-`: stdout) */
  junit?: string;
  /** `--csv <path>` (`-`: stdout): the per-second timeline */
  csv?: string;
}

/** One output a command will write: to `path`, or to stdout when it has none. */
export interface PlannedOutput {
  format: OutputFormat;
  flag: `--${OutputFormat}`;
  path?: string;
}

const ORDER: readonly OutputFormat[] = ['json', 'markdown', 'html', 'junit', 'csv'];
/** For the example path in a message. */
const EXTENSION: Record<OutputFormat, string> = { json: 'json', markdown: 'md', html: 'html', junit: 'xml', csv: 'csv' };

export interface PlanOptions {
  /** Formats this command cannot write, with why (a capacity search has no per-second timeline). */
  refused?: Partial<Record<OutputFormat, string>>;
  /** The result file the command writes (`run --out`): no output may take its place. */
  resultPath?: string;
}

/**
 * Every output asked for, checked before anything starts (a run must not be lost to a report
 * path that could never be written): formats the command cannot write, two outputs on stdout,
 * two on one file or on the result file, and each path (not empty, not a directory, its
 * directory created and writable). Every problem at once, each naming its flag (exit 2).
 */
export async function planOutputs(flags: OutputFlags, opts: PlanOptions = {}): Promise<PlannedOutput[]> {
  const planned: PlannedOutput[] = [];
  const problems: InputProblem[] = [];
  for (const format of ORDER) {
    const value = flags[format];
    if (value === undefined || value === false) continue;
    const flag = `--${format}` as const;
    const refused = opts.refused?.[format];
    if (refused !== undefined) {
      problems.push({ file: flag, path: '', message: refused });
      continue;
    }
    planned.push(value === true || value === '-' ? { format, flag } : { format, flag, path: value });
  }
  const onStdout = planned.filter((p) => p.path === undefined);
  if (onStdout.length > 1) {
    const [first, ...rest] = onStdout.map((p) => p.flag);
    problems.push({ file: first, path: '', message: `and ${rest.join(' and ')} would ${rest.length === 1 ? 'both' : 'all'} write to stdout: give all but one a file path (\`${rest[0]} out.${EXTENSION[onStdout[1].format]}\`)` });
  }
  const seen = new Map<string, string>();
  if (opts.resultPath !== undefined) seen.set(path.resolve(opts.resultPath), 'the result file');
  for (const p of planned) {
    if (p.path === undefined) continue;
    const resolved = path.resolve(p.path);
    const other = seen.get(resolved);
    if (other !== undefined) {
      problems.push({ file: p.flag, path: '', message: `${p.path} is also ${other.startsWith('--') ? `where ${other} writes` : other}: give it a path of its own` });
      continue;
    }
    seen.set(resolved, p.flag);
    const problem = await pathProblem(p.path);
    if (problem !== undefined) problems.push({ file: p.flag, path: '', message: `${p.path === '' ? "''" : p.path}: ${problem}` });
  }
  if (problems.length > 0) throw new InvalidInputError(problems);
  return planned;
}

/** What keeps a report from being written at `file`, its directory created when missing; undefined when nothing. */
async function pathProblem(file: string): Promise<string | undefined> {
  if (file.trim() === '') return 'the path is empty';
  const resolved = path.resolve(file);
  if ((await stat(resolved).catch(() => undefined))?.isDirectory()) return 'is a directory: give a file path';
  const dir = path.dirname(resolved);
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    return `cannot create its directory ${dir}: ${errnoWords(err)}`;
  }
  try {
    await access(dir, constants.W_OK);
  } catch (err) {
    return `cannot write in ${dir}: ${errnoWords(err)}`;
  }
  return undefined;
}

/** Whether one of the outputs writes to stdout (the terminal table then stays off it). */
export function takesStdout(planned: readonly PlannedOutput[]): boolean {
  return planned.some((p) => p.path === undefined);
}

/** How a command renders each format it offers; a renderer is only called when its output was asked for. */
export type Renderers = Partial<Record<OutputFormat, () => string | Promise<string>>>;

/**
 * Writes the files (saying each on stderr: `markdown: summary.md`), then the stdout output. A
 * file that fails is said and counted, never thrown: what was measured is saved already, and the
 * other outputs still deserve writing. Returns the number that failed (exit 3 when any).
 */
export async function writeOutputs(planned: readonly PlannedOutput[], render: Renderers, io: CliIO): Promise<number> {
  let failures = 0;
  for (const p of planned) {
    if (p.path === undefined) continue;
    try {
      await writeFileDurably(p.path, await renderer(render, p)());
      io.stderr.write(`${p.format}: ${p.path}\n`);
    } catch (err) {
      failures++;
      io.stderr.write(`statebench: could not write the ${p.flag} output to ${p.path}: ${errnoWords(err)}\n`);
    }
  }
  for (const p of planned) if (p.path === undefined) io.stdout.write(await renderer(render, p)());
  return failures;
}

function renderer(render: Renderers, p: PlannedOutput): () => string | Promise<string> {
  const fn = render[p.format];
  // planOutputs refuses what a command does not offer; reaching this is a bug in the command.
  if (fn === undefined) throw new Error(`no renderer for ${p.flag}`);
  return fn;
}
