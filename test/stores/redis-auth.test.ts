import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { watchdogPid } from '../../src/process/reaper.js';
import { pingRedis } from '../../src/stores/redis-server.js';
import { startTopology } from '../../src/topology/topology.js';
import type { Topology } from '../../src/topology/types.js';
import { HAS_REDIS } from '../helpers/redis.js';
import { leftoverChildren } from '../helpers/processes.js';

/**
 * Issue 12: the Redis statebench started had no password (any local user could read and
 * rewrite sessions, or run CONFIG SET), and secrets must never be on a command line, which
 * every local user reads with `ps`.
 */
let topology: Topology | undefined;
afterEach(async () => {
  await topology?.stop();
  topology = undefined;
  expect(await leftoverChildren(watchdogPid())).toEqual([]);
});

/** What `ps` shows of a process: its command line. */
const argv = (pid: number): string => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');

describe.skipIf(!HAS_REDIS)('the Redis statebench starts', () => {
  it('refuses clients without its random password, and no command line holds a secret', async () => {
    topology = await startTopology({ architecture: 'redis', replicas: 2 });
    const url = new URL(topology.store!.url);
    const password = decodeURIComponent(url.password);
    expect(password).toMatch(/^[\w-]{24}$/);
    const port = Number(url.port);
    expect(await pingRedis(port)).toBe(false); // -NOAUTH
    expect(await pingRedis(port, 1000, 'wrong')).toBe(false);
    expect(await pingRedis(port, 1000, password)).toBe(true);

    // Replicas still serve (they got the password by environment).
    const replica = topology.replicas[0];
    const login = await fetch(`${replica.url}/login`, { method: 'POST' });
    expect(login.status).toBe(200);

    for (const pid of topology.processes().values()) {
      expect(argv(pid)).not.toContain(password);
      // The replicas' cookie/store secret neither.
      expect(argv(pid)).not.toMatch(/secret/i);
    }
  });

  it('through the latency proxy too, with the password nowhere on a command line', async () => {
    topology = await startTopology({ architecture: 'redis', replicas: 1, storeLatency: { latencyMs: 1, jitterMs: 0 } });
    const password = decodeURIComponent(new URL(topology.store!.url).password);
    const pids = topology.processes();
    expect(pids.has('store-proxy')).toBe(true);
    const login = await fetch(`${topology.replicas[0].url}/login`, { method: 'POST' });
    expect(login.status).toBe(200);
    for (const pid of pids.values()) expect(argv(pid)).not.toContain(password);
  });
});
