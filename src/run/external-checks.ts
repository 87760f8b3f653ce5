import { ARCHITECTURES } from '../architectures/index.js';
import { InvalidInputError, type InputProblem } from '../errors.js';
import { FAULTS } from '../faults/index.js';
import type { Scenario } from '../scenario/types.js';
import { ExternalTopologyError, discoverReplicas } from '../topology/external-topology.js';

/**
 * The commands this run would execute for the scenario's faults on external topologies, as
 * `topology.external.<architecture>.commands.<key>` paths with the command text; empty when it
 * runs none.
 */
export function commandsToRun(scenario: Scenario): { path: string; command: string }[] {
  const external = scenario.topology?.external;
  if (external === undefined) return [];
  const found = new Map<string, string>();
  for (const spec of scenario.faults) {
    const fault = FAULTS.get(spec.kind);
    for (const key of fault?.commands?.(spec as never) ?? []) {
      for (const name of scenario.architectures) {
        const command = external[name]?.commands[key];
        if (command === undefined) continue;
        if (fault?.storeAction !== undefined && ARCHITECTURES.get(name)?.store === undefined) continue;
        found.set(`topology.external.${name}.commands.${key}`, command);
      }
    }
  }
  return [...found].map(([path, command]) => ({ path, command }));
}

/**
 * Refuses, before anything starts, a run that would execute a scenario's shell commands
 * without `--allow-exec`: a scenario file is data, and running it must not run programs unless
 * the person running it said so.
 */
export function checkExecAllowed(scenario: Scenario, allowExec: boolean, scenarioFile: string): void {
  if (allowExec) return;
  const commands = commandsToRun(scenario);
  if (commands.length === 0) return;
  throw new InvalidInputError(
    commands.map(({ path, command }) => ({
      file: scenarioFile,
      path,
      message: `would run \`${command}\` for a fault; statebench runs commands from a scenario only with --allow-exec`,
    })),
  );
}

/**
 * Every external topology of the scenario, reached before anything starts: each replica URL
 * resolves and answers `/healthz` with its name, and every replica a fault names is one of them.
 * Throws InvalidInputError (exit 2) naming the file and each entry.
 */
export async function checkExternalTargets(scenario: Scenario, scenarioFile: string): Promise<void> {
  const external = scenario.topology?.external;
  if (external === undefined) return;
  const problems: InputProblem[] = [];
  for (const name of scenario.architectures) {
    const targets = external[name];
    if (targets === undefined) continue;
    try {
      const replicas = await discoverReplicas(targets.replicas);
      const names = replicas.map((r) => r.name);
      scenario.faults.forEach((spec, index) => {
        const target = (spec as { target?: unknown }).target;
        if (!FAULTS.get(spec.kind)?.targetsReplica || typeof target !== 'string' || target === 'random' || names.includes(target)) return;
        problems.push({ file: scenarioFile, path: `faults[${index}].${spec.kind}`, message: `\`${target}\` is not a replica of \`${name}\`'s external topology, whose replicas answer as ${names.map((n) => `\`${n}\``).join(', ')} (or use \`random\`)` });
      });
    } catch (err) {
      if (!(err instanceof ExternalTopologyError)) throw err;
      for (const p of err.problems) problems.push({ file: scenarioFile, path: `topology.external.${name}.${p.path}`, message: p.message });
    }
  }
  if (problems.length > 0) throw new InvalidInputError(problems);
}
