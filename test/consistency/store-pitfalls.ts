import type { ArchitectureResult } from '../../src/result/types.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';

/** Runs a scenario given as YAML and returns each run's result by its label (`redis+readFrom=replica`). */
export async function runByLabel(yaml: string): Promise<Map<string, ArchitectureResult>> {
  const result = await runScenario(parseScenario(yaml, 'pitfall.yaml'));
  for (const a of result.architectures) {
    if (!a.complete) throw new Error(`${a.architecture} did not complete: ${a.error}`);
  }
  return new Map(result.architectures.map((a) => [a.architecture, a]));
}
