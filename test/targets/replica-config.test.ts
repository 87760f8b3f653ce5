import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { REPLICA_ENV, ReplicaConfigError, replicaConfig } from '../../targets/replica-config.js';
import { SECRET_ENV, STORE_URL_ENV } from '../../targets/protocol.js';
import { serverScript } from '../../src/topology/replica-process.js';
import { call } from '../helpers/http.js';

const DOCKERFILE = readFileSync(fileURLToPath(new URL('../../Dockerfile', import.meta.url)), 'utf8');

describe('the replica configuration', () => {
  it('takes --config when statebench forks it', () => {
    const config = replicaConfig(['node', 'server.js', '--config', '{"name":"replica-1","store":"redis","port":0}'], { [REPLICA_ENV.store]: 'memory' });
    expect(config).toEqual({ name: 'replica-1', store: 'redis', port: 0, sessionTtlS: 1800 });
  });

  it('takes the environment in a container, with defaults for a pod', () => {
    const config = replicaConfig(['node', 'server.js'], { [REPLICA_ENV.store]: 'redis-atomic', HOSTNAME: 'shop-7d9f-abcde' });
    expect(config).toEqual({ name: 'shop-7d9f-abcde', store: 'redis-atomic', port: 8080, sessionTtlS: 1800, host: '0.0.0.0' });
    const named = replicaConfig([], { [REPLICA_ENV.store]: 'memory', [REPLICA_ENV.name]: 'web-1', [REPLICA_ENV.port]: '9000', [REPLICA_ENV.host]: '127.0.0.1', [REPLICA_ENV.sessionTtl]: '60' });
    expect(named).toEqual({ name: 'web-1', store: 'memory', port: 9000, sessionTtlS: 60, host: '127.0.0.1' });
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      replicaConfig([], { [REPLICA_ENV.port]: '80000', [REPLICA_ENV.sessionTtl]: 'soon' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ReplicaConfigError);
    const message = (error as Error).message;
    expect(message).toContain('STATEBENCH_STORE is required');
    expect(message).toContain('STATEBENCH_PORT: expected a whole number from 0 to 65535, got `80000`');
    expect(message).toContain('STATEBENCH_SESSION_TTL_S: expected a whole number');
    expect(() => replicaConfig([], { [REPLICA_ENV.store]: '../etc/passwd' })).toThrow(/STATEBENCH_STORE: expected a store module name/);
  });
});

describe('the Dockerfile', () => {
  const stages = [...DOCKERFILE.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((m) => ({ from: m[1], name: m[2] }));
  const stageText = (name: string): string => {
    const start = DOCKERFILE.search(new RegExp(`^FROM .* AS ${name}$`, 'm'));
    const next = DOCKERFILE.slice(start + 1).search(/^FROM /m);
    return next < 0 ? DOCKERFILE.slice(start) : DOCKERFILE.slice(start, start + 1 + next);
  };

  it('is multi-stage, the shop last (the default target), installing only run-time dependencies', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(stages.at(-1)?.name).toBe('shop');
    expect(DOCKERFILE).toMatch(/npm ci --omit=dev/);
    expect(stageText('runtime')).toMatch(/COPY --from=deps \/app\/node_modules/);
    expect(stageText('runtime')).not.toMatch(/npm ci(?! --omit=dev)/);
  });

  it('runs the shop as a numeric non-root user', () => {
    for (const name of ['runtime', 'shop', 'generator']) {
      const users = [...stageText(name).matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
      if (name !== 'generator') expect(users.length).toBeGreaterThan(0);
      for (const user of users) expect(Number(user.split(':')[0])).toBeGreaterThan(0);
    }
    expect(stageText('shop')).toMatch(/CMD \["node", "dist\/targets\/server\.js"\]/);
  });

  it('sets only variables the replica reads', () => {
    const known = new Set<string>([...Object.values(REPLICA_ENV), STORE_URL_ENV, SECRET_ENV]);
    const set = [...DOCKERFILE.matchAll(/\b(STATEBENCH_[A-Z_]+)=/g)].map((m) => m[1]);
    expect(set.length).toBeGreaterThan(0);
    expect(set.filter((v) => !known.has(v))).toEqual([]);
  });
});

describe('the shop started from its environment, as in a container', () => {
  const children: ReturnType<typeof spawn>[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
  });

  const start = (env: Record<string, string>) => {
    const child = spawn(process.execPath, [serverScript()], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    return child;
  };

  it('listens where the environment says and answers as its name', async () => {
    const child = start({ [REPLICA_ENV.store]: 'memory', [REPLICA_ENV.port]: '0', [REPLICA_ENV.host]: '127.0.0.1', [REPLICA_ENV.name]: 'shop-pod-a' });
    const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
    const origin = /^listening (http:\/\/127\.0\.0\.1:\d+)$/.exec(line)?.[1];
    expect(origin, line).toBeDefined();
    const health = await call(origin!, 'GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.replica).toBe('shop-pod-a');
  });

  it('refuses a bad environment with the variable named, exit 1', async () => {
    const child = start({ [REPLICA_ENV.port]: 'http' });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('STATEBENCH_STORE is required');
    expect(stderr).toContain('STATEBENCH_PORT: expected a whole number');
  });
});
