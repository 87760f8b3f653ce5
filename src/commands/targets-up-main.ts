/**
 * A runnable `targets up` without the full CLI, used by the cleanup tests:
 * `node dist/src/commands/targets-up-main.js --arch redis --replicas 3 [--redis-url URL]`.
 */
import { parseArgs } from 'node:util';
import { StatebenchError } from '../errors.js';
import { stopAllTopologies } from '../topology/topology.js';
import type { ArchitectureName } from '../topology/types.js';
import { targetsUp } from './targets.js';

const { values } = parseArgs({
  options: {
    arch: { type: 'string', default: 'redis' },
    replicas: { type: 'string', default: '3' },
    'redis-url': { type: 'string' },
  },
});

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());
process.on('uncaughtException', (err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exitCode = 1;
  void stopAllTopologies().finally(() => process.exit(1));
});

try {
  await targetsUp(
    { arch: values.arch as ArchitectureName, replicas: Number(values.replicas), redisUrl: values['redis-url'] },
    process.stdout,
    controller.signal,
  );
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exitCode = err instanceof StatebenchError ? err.exitCode : 1;
}
