import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Environment } from '../result/types.js';
import type { StoreBackend } from '../stores/store-backend.js';

/** The package root, from dist/src/run or src/run alike. */
export const PACKAGE_ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../' : '../../', import.meta.url));

export function statebenchVersion(): string {
  try {
    return (JSON.parse(readFileSync(`${PACKAGE_ROOT}/package.json`, 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/** What a reader of a result file needs to judge the numbers: the machine, the versions. */
export function describeEnvironment(storeBackends: readonly StoreBackend[] = []): Environment {
  const cpus = os.cpus();
  const env: Environment = {
    statebenchVersion: statebenchVersion(),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    arch: process.arch,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpus: os.availableParallelism?.() ?? cpus.length,
    totalMemoryBytes: os.totalmem(),
  };
  const commit = quiet('git', ['rev-parse', '--short=12', 'HEAD']);
  if (commit) env.gitCommit = commit;
  const redis = quiet('redis-server', ['--version'])?.match(/v=(\S+)/)?.[1];
  if (redis) env.redisVersion = redis;
  const versions: Record<string, string> = {};
  for (const backend of storeBackends) {
    const version = backend.version();
    if (version !== undefined) versions[backend.name] = version;
  }
  if (Object.keys(versions).length > 0) env.storeVersions = versions;
  return env;
}

function quiet(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { cwd: PACKAGE_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }).trim();
  } catch {
    return undefined;
  }
}
