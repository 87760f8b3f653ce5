import { constants, existsSync, readdirSync, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { InvalidInputError, type InputProblem } from '../errors.js';
import { packageRoot } from './package-root.js';
import { validateScenarioData } from './resolve-scenario.js';
import { didYouMean } from './suggest.js';
import type { Scenario } from './types.js';
import { formatPath, type PathProblem } from './zod-problems.js';
import { checkYamlStructure } from './yaml-structure.js';
import { applyOverrides, architecturesChosen, attributeProblem, type ScenarioOverride } from './overrides.js';
import { LIMITS } from '../syntax/limits.js';
import { formatSize } from '../syntax/units.js';

/** How a scenario's text becomes a Scenario. */
export interface ParseOptions {
  /**
   * Changes from flags, `--set` and the environment (src/scenario/overrides.ts), applied to the
   * file's data in order before validation; the resolved scenario records them (`overrides`).
   */
  overrides?: readonly ScenarioOverride[];
  /** The scenario's name when it has no `name:` (default: the file name without extension). */
  defaultName?: string;
  /** `run --sweep field=v1,v2`: replaces the file's `sweep:` (values as YAML scalars); its problems are said against the option. */
  sweep?: Record<string, unknown[]>;
}

/** Problems of flags come after the file's, whose lines they do not have. */
const AFTER_THE_FILE = Number.MAX_SAFE_INTEGER;

/**
 * Parses and validates a scenario file's text. Throws InvalidInputError listing every
 * problem (YAML syntax with line and column, then schema and cross-field problems, in file
 * order, each with its field path and line, then those of the overrides, each named by the flag
 * or variable that set the field); returns the resolved Scenario otherwise.
 * `fileName` is used in messages and, without extension, as the default scenario name.
 */
export function parseScenario(text: string, fileName: string, options: ParseOptions = {}): Scenario {
  if (text.length > LIMITS.scenarioFileBytes) throw new InvalidInputError([{ file: fileName, path: '', message: tooBig(text.length) }]);
  const lineCounter = new LineCounter();
  // The core schema whatever the file's `%YAML` directive says (no 1.1 timestamps, `yes` booleans
  // or `<<` merges), and duplicate keys checked by checkYamlStructure, in linear time.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, version: '1.2', schema: 'core', merge: false });
  const located: { line: number; problem: InputProblem }[] = [];

  const lines = text.split('\n');
  const yamlErrorLines = new Set<number>();
  for (const error of doc.errors) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    // One error per line: the first explains it, the rest are consequences.
    if (yamlErrorLines.has(line)) continue;
    yamlErrorLines.add(line);
    // `sessions-lost: > 0` is the likeliest way to write invalid YAML here: `>` starts a folded block.
    const hint = /:\s*>/.test(lines[line - 1] ?? '') ? '; quote a threshold that starts with `>`, e.g. `"> 0"`' : '';
    located.push({ line, problem: { file: fileName, path: '', message: `invalid YAML at line ${line}, column ${col}: ${error.message.split('\n')[0]}${hint}` } });
  }

  const structure = checkYamlStructure(doc, lineCounter);
  for (const { line, message } of structure) {
    if (message.startsWith('invalid YAML')) {
      if (yamlErrorLines.has(line)) continue;
      yamlErrorLines.add(line);
      located.push({ line, problem: { file: fileName, path: '', message } });
    } else {
      located.push({ line, problem: { file: fileName, path: '', message: line > 0 ? `${message} (line ${line})` : message } });
    }
  }
  // A file past a size limit is not validated further: that is what would take minutes.
  if (structure.some((p) => !p.message.startsWith('invalid YAML') && !p.message.startsWith('the tag'))) throw problemsError(located);

  // yaml recovers from most syntax errors, so the rest of the file is still checked and the
  // user sees everything in one pass.
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    located.push({ line: 0, problem: { file: fileName, path: '', message: `could not read the YAML: ${(error as Error).message}` } });
  }
  // `run --sweep` replaces the file's `sweep:`; its problems are said against the option.
  if (options.sweep !== undefined && typeof data === 'object' && data !== null && !Array.isArray(data)) data = { ...data, sweep: options.sweep };
  if (located.length === 0 || data !== undefined) {
    const overridden = applyOverrides(data, options.overrides ?? []);
    for (const { source, path, message } of overridden.problems) located.push({ line: AFTER_THE_FILE, problem: { file: source, path: formatPath(path), message } });
    const result = validateScenarioData(overridden.data, options.defaultName ?? defaultNameFor(fileName), { architecturesChosen: architecturesChosen(overridden.applied) });
    if (located.length === 0 && result.scenario) return overridden.applied.length === 0 ? result.scenario : { ...result.scenario, overrides: overridden.applied };
    for (const problem of result.problems) {
      if (options.sweep !== undefined && problem.path[0] === 'sweep') {
        const [, field, index] = problem.path;
        const value = typeof index === 'number' ? ` value ${index + 1}` : '';
        located.push({ line: AFTER_THE_FILE, problem: { file: '--sweep', path: field === undefined ? '' : `${String(field)}${value}`, message: problem.message } });
        continue;
      }
      const source = attributeProblem(problem, overridden.changes);
      if (source !== undefined) {
        located.push({ line: AFTER_THE_FILE, problem: { file: source, path: formatPath(problem.path), message: problem.message } });
        continue;
      }
      const line = lineOf(doc, lineCounter, problem);
      // What yaml recovered from a broken line is a guess; its syntax error is the real problem.
      if (line !== undefined && yamlErrorLines.has(line)) continue;
      located.push({
        line: line ?? 0,
        problem: { file: fileName, path: formatPath(problem.path), message: line === undefined ? problem.message : `${problem.message} (line ${line})` },
      });
    }
  }
  throw problemsError(located);
}

/**
 * Every problem, in file order (stable: problems on one line keep the order they were found
 * in), the first LIMITS.problemsShown of them and a count of the rest.
 */
function problemsError(located: { line: number; problem: InputProblem }[]): InvalidInputError {
  located.sort((a, b) => a.line - b.line);
  const problems = located.map((l) => l.problem);
  if (problems.length <= LIMITS.problemsShown) return new InvalidInputError(problems);
  const shown = problems.slice(0, LIMITS.problemsShown);
  shown.push({ file: problems[0].file, path: '', message: `… and ${problems.length - shown.length} more problems` });
  return new InvalidInputError(shown);
}

function tooBig(bytes: number): string {
  return `is ${formatSize(bytes)}: a scenario file is at most ${formatSize(LIMITS.scenarioFileBytes)} (the shipped ones are under 2KiB)`;
}

/** The line of the deepest node along the problem's path that exists in the document. */
function lineOf(doc: Document, lineCounter: LineCounter, problem: PathProblem): number | undefined {
  for (let length = problem.path.length; length >= 0; length--) {
    const node = length === 0 ? doc.contents : doc.getIn(problem.path.slice(0, length), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

/** `scenarios/kill-one-replica.yaml` → `kill-one-replica`, made safe for a result file name. */
function defaultNameFor(fileName: string): string {
  const stem = basename(fileName, extname(fileName)).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return stem === '' ? 'scenario' : stem;
}

/** A path as the user reads it: relative to the working directory when inside it. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/**
 * Reads, validates and resolves a scenario file. `file` is the absolute path read.
 * A missing or unreadable file is an InvalidInputError too (exit code 2).
 */
export async function loadScenarioFile(path: string, options: ParseOptions = {}): Promise<{ scenario: Scenario; file: string }> {
  const file = resolve(path);
  const shown = displayPath(file);
  return { scenario: parseScenario(await readBounded(file, shown), shown, options), file };
}

/** What messages call a run with no scenario file: its fields are the defaults and the flags. */
export const DEFAULTS_SOURCE = '(defaults)';
/** What messages call a scenario read from standard input. */
export const STDIN_SOURCE = '<stdin>';

/**
 * A scenario with no file: every default (src/scenario/defaults.ts) and the overrides, named
 * `ad-hoc` unless `--set name=…` says otherwise. Throws InvalidInputError as a file would.
 */
export function scenarioFromDefaults(options: ParseOptions = {}): Scenario {
  return parseScenario('{}', DEFAULTS_SOURCE, { defaultName: 'ad-hoc', ...options });
}

/** Options of {@link loadScenario}. */
export interface LoadScenarioOptions {
  /**
   * Fields to change before validation, by path (`duration`, `load.rate`, `faults[0].at`,
   * `thresholds.sticky.p99`), with values as a scenario file holds them (`'2s'`, `'500/s'`, `3`,
   * `['sticky', 'redis']`); `null` removes a field so its default applies. Like `run --set`.
   */
  set?: Record<string, unknown>;
  /** Only these architectures, validating the scenario for them alone (like `run --arch`). */
  arch?: readonly string[];
}

/**
 * A scenario as `statebench run` resolves it: `source` is a scenario file or a shipped
 * scenario's name (`kill-one-replica`), or left out for the defaults (`loadScenario({ set })`);
 * `set` and `arch` change it
 * before validation. Throws InvalidInputError listing every problem, each naming its field (and
 * `set` or `arch` for the fields they changed); the resolved scenario records what they changed
 * (`overrides`).
 */
export async function loadScenario(source?: string | LoadScenarioOptions, options: LoadScenarioOptions = {}): Promise<Scenario> {
  if (typeof source === 'object') return loadScenario(undefined, source);
  const overrides: ScenarioOverride[] = [
    ...Object.entries(options.set ?? {}).map(([path, value]) => ({ source: 'set', path, value })),
    ...(options.arch === undefined ? [] : [{ source: 'arch', flag: 'arch' as const, value: options.arch.join(',') }]),
  ];
  if (source === undefined) return scenarioFromDefaults({ overrides });
  return (await loadScenarioFile(resolveBuiltinScenario(source), { overrides })).scenario;
}

/**
 * Reads a whole scenario from a stream (`statebench run -`), refusing more than
 * LIMITS.scenarioFileBytes, and a terminal (it would wait for a scenario typed by hand).
 */
export async function readScenarioStream(stream: NodeJS.ReadableStream & { isTTY?: boolean }): Promise<string> {
  if (stream.isTTY) {
    throw new InvalidInputError([{ file: STDIN_SOURCE, path: '', message: 'standard input is a terminal: pipe a scenario in, as in `statebench run - < my.yaml`' }]);
  }
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    length += buffer.length;
    if (length > LIMITS.scenarioFileBytes) throw new InvalidInputError([{ file: STDIN_SOURCE, path: '', message: tooBig(length) }]);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The file's text, refusing before reading what is not a regular file (a FIFO or `/dev/zero`
 * would be read forever) or is larger than LIMITS.scenarioFileBytes.
 */
async function readBounded(file: string, shown: string): Promise<string> {
  const refuse = (message: string): never => {
    throw new InvalidInputError([{ file: shown, path: '', message }]);
  };
  let handle: FileHandle | undefined;
  try {
    // Non-blocking: opening a FIFO would otherwise wait for a writer forever.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const info = await handle.stat();
    if (info.isDirectory()) refuse('is a directory, expected a scenario file');
    if (!info.isFile()) refuse('is not a regular file, expected a scenario file');
    if (info.size > LIMITS.scenarioFileBytes) refuse(tooBig(info.size));
    // Read one byte past the limit: a file that grew since stat is caught too.
    const buffer = Buffer.alloc(LIMITS.scenarioFileBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > LIMITS.scenarioFileBytes) refuse(tooBig(length));
    }
    return buffer.subarray(0, length).toString('utf8');
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    return refuse(code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, expected a scenario file' : `cannot read: ${(error as Error).message}`);
  } finally {
    await handle?.close();
  }
}

/** The scenarios shipped with statebench, by name (`kill-one-replica`, `ci-smoke`, ...). */
export function listBuiltinScenarios(): string[] {
  const dir = join(packageRoot(), 'scenarios');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/**
 * The file to load for what a user typed: an existing file path as is, otherwise the name of
 * a shipped scenario (`kill-one-replica` → <package>/scenarios/kill-one-replica.yaml).
 * Something that looks like a path (a slash or a .yaml/.yml extension) is returned resolved
 * even if missing, so loadScenarioFile reports "file not found" against it.
 */
export function resolveBuiltinScenario(nameOrPath: string): string {
  if (existsSync(nameOrPath) && statSync(nameOrPath).isFile()) return resolve(nameOrPath);
  if (/[\\/]/.test(nameOrPath) || /\.ya?ml$/i.test(nameOrPath)) return resolve(nameOrPath);
  const builtin = join(packageRoot(), 'scenarios', `${nameOrPath}.yaml`);
  if (existsSync(builtin)) return builtin;
  const builtins = listBuiltinScenarios();
  throw new InvalidInputError([
    {
      file: nameOrPath,
      path: '',
      message: `no such file, and no built-in scenario of that name${didYouMean(nameOrPath, builtins)}; built-in scenarios: ${builtins.join(', ')}`,
    },
  ]);
}
