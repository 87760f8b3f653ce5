import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listBuiltinScenarios, parseScenario } from './load-scenario.js';
import { packageRoot } from './package-root.js';

/** A scenario shipped in statebench's `scenarios/` directory. */
export interface ShippedScenario {
  /** What `statebench run NAME` takes. */
  name: string;
  /** Its file, absolute. */
  file: string;
  /** Its `description:`, whitespace folded. */
  description: string;
  /** The description's first sentence: one line for `statebench list`. */
  summary: string;
  architectures: string[];
  /** Measured window per architecture, ms (warm-up not included). */
  durationMs: number;
}

/**
 * Every shipped scenario, by name, read and validated as `run` would read it (a shipped file that
 * does not validate throws: a test keeps them valid).
 */
export function shippedScenarios(): ShippedScenario[] {
  return listBuiltinScenarios().map((name) => {
    const file = join(packageRoot(), 'scenarios', `${name}.yaml`);
    const scenario = parseScenario(readFileSync(file, 'utf8'), `scenarios/${name}.yaml`);
    const description = (scenario.description ?? '').replace(/\s+/g, ' ').trim();
    return { name, file, description, summary: firstSentence(description), architectures: scenario.architectures, durationMs: scenario.durationMs };
  });
}

/** Up to the first `.`, `?` or `!` followed by a space (not `0.2 core`, not `e.g. this`). */
function firstSentence(text: string): string {
  const end = /[.?!](?=\s+[A-Z0-9"`(])/.exec(text);
  return end === null ? text : text.slice(0, end.index + 1);
}
