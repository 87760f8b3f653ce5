import { ARCHITECTURES } from '../architectures/index.js';
import type { FaultSpecBase } from '../faults/fault.js';
import { FAULTS } from '../faults/index.js';
import { EXTERNAL_COMMANDS } from '../topology/external-spec.js';
import { placeholdersOf } from '../topology/shell-command.js';
import type { Scenario } from './types.js';
import { unknownFieldMessage, type PathProblem } from './zod-problems.js';

const COMMAND_KEYS = Object.keys(EXTERNAL_COMMANDS);
/** What users are shown as a command to start from, per key. */
const EXAMPLES: Record<string, string> = {
  kill: 'kubectl delete pod {replica} --grace-period=0 --force',
  restart: 'docker start {replica}',
  pause: 'docker pause {replica}',
  resume: 'docker unpause {replica}',
  'store-kill': 'kubectl delete pod -l app=statebench-redis --grace-period=0 --force',
  'store-restart': 'kubectl rollout status deployment/statebench-redis',
  'store-pause': 'docker pause redis',
  'store-resume': 'docker unpause redis',
};

/**
 * `topology.external` against the rest of the scenario, before anything starts: an entry for
 * every architecture that runs (and none for one that does not), a store of the architecture's
 * kind, commands under known keys with placeholders they can fill, a command for every fault of
 * the timeline (a fault without one is refused here, not found failing mid-run), and nothing that
 * only a topology statebench starts can honour (`replicas`, `hosts`, `store` settings, HAProxy).
 * `faults` in file order (the paths index into the file's list); `data` is the raw file.
 */
export function checkTopology(scenario: Scenario, faults: readonly FaultSpecBase[], data: Record<string, unknown>): PathProblem[] {
  const external = scenario.topology?.external;
  if (external === undefined) return [];
  const problems: PathProblem[] = [];
  const base = ['topology', 'external'];

  for (const name of scenario.architectures) {
    if (external[name] === undefined) problems.push({ path: base, message: `\`${name}\` has no entry: each architecture of \`architectures:\` needs its replicas here` });
  }
  for (const [name, targets] of Object.entries(external)) {
    const path = [...base, name];
    const architecture = ARCHITECTURES.get(name)!;
    if (!scenario.architectures.includes(name)) {
      problems.push({ path, message: `\`${name}\` is not in \`architectures:\` (${scenario.architectures.join(', ')}): add it there, or remove this entry` });
      continue;
    }
    if (targets.store !== undefined && architecture.store === undefined) {
      problems.push({ path: [...path, 'store'], message: `\`${name}\` keeps sessions ${architecture.stateLives}: it has no store to describe` });
    } else if (targets.store !== undefined && targets.store.kind !== architecture.store!.name) {
      problems.push({ path: [...path, 'store', 'kind'], message: `\`${name}\` keeps sessions in ${architecture.store!.title}: expected \`${architecture.store!.name}\`, got \`${targets.store.kind}\`` });
    }
    if (targets.store !== undefined && /\/\/[^/@]*:[^/@]*@/.test(targets.store.url)) {
      problems.push({ path: [...path, 'store', 'url'], message: 'must not carry a password: the scenario is saved in every result (replicas get theirs by environment)' });
    }
    for (const [key, command] of Object.entries(targets.commands)) {
      const allowed = EXTERNAL_COMMANDS[key];
      if (allowed === undefined) {
        problems.push({ path: [...path, 'commands', key], message: unknownFieldMessage(key, COMMAND_KEYS) });
        continue;
      }
      for (const placeholder of placeholdersOf(command)) {
        if (!allowed.includes(placeholder)) {
          problems.push({ path: [...path, 'commands', key], message: `\`{${placeholder}}\` is not known to a \`${key}\` command; it may use ${allowed.map((p) => `\`{${p}}\``).join(', ')}` });
        } else if (placeholder === 'pid') {
          targets.replicas.forEach((r, i) => {
            if (r.pid === undefined) problems.push({ path: [...path, 'replicas', i], message: `has no \`pid\`, which \`{pid}\` in \`commands.${key}\` needs: write \`{ url: ${r.url}, pid: <its process id> }\`` });
          });
        } else if (placeholder.startsWith('store_') && targets.store === undefined) {
          problems.push({ path: [...path, 'commands', key], message: `\`{${placeholder}}\` needs \`store:\` (its kind and url) beside the commands` });
        }
      }
    }
  }

  faults.forEach((spec, index) => {
    const fault = FAULTS.get(spec.kind);
    if (fault === undefined) return;
    const path = ['faults', index, spec.kind];
    if (fault.commands === undefined) {
      problems.push({
        path,
        message: `cannot run on an external topology: statebench did not start those replicas, so it can only break them through commands (${COMMAND_KEYS.map((k) => `\`${k}\``).join(', ')})`,
      });
      return;
    }
    for (const name of scenario.architectures) {
      const targets = external[name];
      if (targets === undefined) continue;
      const architecture = ARCHITECTURES.get(name)!;
      // A store fault leaves an architecture without a store alone (the timeline says so).
      if (fault.storeAction !== undefined && architecture.store === undefined) continue;
      if (fault.storeAction !== undefined && targets.store === undefined) {
        problems.push({ path, message: `acts on \`${name}\`'s store: describe it in \`topology.external.${name}.store\` (its kind and url)` });
      }
      for (const key of fault.commands(spec as never)) {
        if (targets.commands[key] !== undefined) continue;
        problems.push({ path, message: `needs a \`${key}\` command in \`topology.external.${name}.commands\`, such as \`${key}: ${EXAMPLES[key] ?? '…'}\`` });
      }
    }
  });

  if (data.replicas !== undefined) problems.push({ path: ['replicas'], message: 'with `topology.external` the replicas are the ones listed there: remove `replicas`' });
  if (data.hosts !== undefined) problems.push({ path: ['hosts'], message: 'CPU budgets apply to processes statebench starts; with `topology.external` it starts none: remove `hosts`' });
  if ((scenario.balancers ?? []).some((b) => b !== 'router')) {
    problems.push({ path: ['balancer'], message: 'HAProxy is started by statebench in front of replicas it starts; with `topology.external` requests go through the in-process router: remove `balancer`' });
  }
  const store = data.store;
  if (typeof store === 'object' && store !== null) {
    for (const key of Object.keys(store)) {
      problems.push({ path: ['store', key], message: 'configures a store statebench starts; with `topology.external` the store is yours: describe it under `topology.external.<architecture>.store`' });
    }
  }
  return problems;
}
