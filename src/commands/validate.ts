import { InvalidInputError, type InputProblem } from '../errors.js';
import { STDIN_SOURCE } from '../scenario/load-scenario.js';
import type { CliIO } from './io.js';
import { resolveScenarioSource } from './scenario-source.js';
import { plural } from '../syntax/figures.js';

export interface ValidateCommandOptions {
  /** Check each file as `run --arch` would run it: only these architectures. */
  arch?: string;
}

/**
 * `statebench validate FILE...`: checks scenario files (`-` reads one from stdin) without
 * starting anything, as `run` would with the same `--arch` and `STATEBENCH_*` variables.
 */
export async function validateCommand(files: string[], io: CliIO, options: ValidateCommandOptions = {}): Promise<number> {
  if (files.filter((f) => f === '-').length > 1) {
    throw new InvalidInputError([{ file: STDIN_SOURCE, path: '', message: '`-` is given twice: standard input holds one scenario' }]);
  }
  const problems: InputProblem[] = [];
  for (const [i, arg] of files.entries()) {
    try {
      const { scenario, file } = await resolveScenarioSource(arg, { arch: options.arch }, io, undefined, [], i > 0);
      const sweep = scenario.sweep === undefined ? '' : `; a sweep of ${scenario.sweep.fields.map((f) => f.path).join(' × ')}: ${plural(scenario.sweep.points.length, 'point')}`;
      io.stdout.write(`${file ?? STDIN_SOURCE}: ok (${scenario.architectures.join(', ')}; ${plural(scenario.faults.length, 'fault')}${sweep})\n`);
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length > 0) throw new InvalidInputError(problems);
  return 0;
}
