import path from 'node:path';
import { shippedScenarios } from '../scenario/shipped-scenarios.js';
import type { CliIO } from './io.js';

/**
 * `statebench list`: the shipped scenarios, one line each (name and the first sentence of its
 * description), cut to a terminal's width; `--json` for scripts.
 */
export async function listCommand(options: { json?: boolean }, io: CliIO): Promise<number> {
  const scenarios = shippedScenarios();
  if (options.json) {
    io.stdout.write(`${JSON.stringify(scenarios, null, 2)}\n`);
    return 0;
  }
  // Cut to a terminal's width; piped, every line whole.
  const width = io.stdout.columns ?? Number.POSITIVE_INFINITY;
  const nameWidth = Math.max(...scenarios.map((s) => s.name.length));
  for (const s of scenarios) {
    const line = `${s.name.padEnd(nameWidth)}  ${s.summary}`;
    io.stdout.write(`${line.length > width ? `${line.slice(0, width - 1)}…` : line}\n`);
  }
  const dir = scenarios[0] === undefined ? 'scenarios' : path.dirname(scenarios[0].file);
  const shown = path.relative(process.cwd(), dir);
  io.stdout.write(
    `\nRun one: statebench run NAME (capacity: statebench capacity). Each is a file in ${shown !== '' && !shown.startsWith('..') ? shown : dir}/, a starting point for your own.\n`,
  );
  return 0;
}
