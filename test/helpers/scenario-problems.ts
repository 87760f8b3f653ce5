import { InvalidInputError } from '../../src/errors.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';

/** The problems validating a scenario text finds, as `path: message (line n)`; empty when it is valid. */
export function problemsOf(text: string): string[] {
  try {
    parseScenario(text, 'x.yaml');
  } catch (err) {
    if (err instanceof InvalidInputError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}
