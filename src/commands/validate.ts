import { InvalidInputError } from '../errors.js';
import { loadScenarioFile, resolveBuiltinScenario } from '../scenario/load-scenario.js';
import type { CliIO } from './io.js';
import { plural } from '../syntax/figures.js';

/** `statebench validate FILE...`: checks scenario files without starting anything. */
export async function validateCommand(files: string[], io: CliIO): Promise<number> {
  const problems = [];
  for (const arg of files) {
    const file = resolveBuiltinScenario(arg);
    try {
      const { scenario } = await loadScenarioFile(file);
      io.stdout.write(`${file}: ok (${scenario.architectures.join(', ')}; ${plural(scenario.faults.length, 'fault')})\n`);
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length > 0) throw new InvalidInputError(problems);
  return 0;
}
