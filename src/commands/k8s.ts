import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { InvalidInputError } from '../errors.js';
import { kubernetesManifests, renderManifests, type KubernetesOptions } from '../k8s/kubernetes-manifests.js';
import { loadScenarioFile, resolveBuiltinScenario } from '../scenario/load-scenario.js';
import { checkRedisUrlOption } from './redis-url-option.js';
import { parseStartAt } from './start-at-option.js';
import type { CliIO } from './io.js';

/** The command's options are the manifests' (src/k8s/kubernetes-manifests.ts). */
export type K8sCommandOptions = KubernetesOptions;

/** `statebench k8s [scenario]`: prints the manifests of one experiment on stdout (src/k8s/kubernetes-manifests.ts). */
export async function k8sCommand(scenarioArg: string | undefined, options: K8sCommandOptions, io: CliIO): Promise<number> {
  if (options.redisUrl !== undefined) checkRedisUrlOption(options.redisUrl);
  if (options.startAt !== undefined) parseStartAt(options.startAt);
  if (options.namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(options.namespace)) {
    throw new InvalidInputError([{ file: '--namespace', path: '', message: `expected a Kubernetes namespace name (lower-case letters, digits, \`-\`), got \`${options.namespace}\`` }]);
  }
  const path = resolveBuiltinScenario(scenarioArg ?? 'cluster-kill-pod');
  const { scenario, file } = await loadScenarioFile(path);
  const data = parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  const manifests = kubernetesManifests(scenario, data, path, { ...options });
  const header = [
    `# statebench ${scenario.name}: ${options.shards} generator${options.shards === 1 ? '' : 's'} against ${scenario.architectures.join(', ')} (docs/beyond-one-machine.md)`,
    '#   kubectl apply -f this.yaml',
    '#   kubectl wait --for=condition=complete job/statebench-merge --timeout=1h',
    '#   kubectl logs job/statebench-merge > merged.json && statebench report merged.json',
    '',
  ].join('\n');
  io.stdout.write(renderManifests(manifests, header));
  return 0;
}
