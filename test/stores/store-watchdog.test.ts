import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { HAS_MEMCACHED } from '../helpers/memcached.js';
import { HAS_POSTGRES } from '../helpers/postgres.js';
import { isAlive, survivors, waitFor } from '../helpers/processes.js';

const DIST = fileURLToPath(new URL('../../dist/src/', import.meta.url));

/**
 * A statebench that is SIGKILLed runs no cleanup: the watchdog must end its stores, including a
 * paused PostgreSQL, whose stopped backends could never notice their postmaster's death.
 */
const SCRIPT = `
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guardDir } from '${DIST}process/reaper.js';
const which = process.argv[1];
const dir = mkdtempSync(join(tmpdir(), 'statebench-test-wd-'));
guardDir(dir);
const { MemcachedServer } = await import('${DIST}stores/memcached-server.js');
const { PostgresServer } = await import('${DIST}stores/postgres-server.js');
const server = which === 'memcached'
  ? await MemcachedServer.start({ dir, persistence: false, sessionTtlS: 60 })
  : await PostgresServer.start({ dir, persistence: false, sessionTtlS: 60 });
await server.pause();
process.stdout.write(JSON.stringify({ dir, pids: [...server.processes().values()] }) + '\\n');
setInterval(() => {}, 1000);
`;

const children: number[] = [];
afterEach(() => {
  for (const pid of children.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

describe.skipIf(!existsSync(`${DIST}stores/postgres-server.js`))('a SIGKILLed statebench leaves no store behind', () => {
  for (const [which, available] of [['memcached', HAS_MEMCACHED], ['postgres', HAS_POSTGRES]] as const) {
    it.skipIf(!available)(`${which}, paused`, async () => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT, which], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child.pid!);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const started = await new Promise<{ dir: string; pids: number[] }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`did not start:\n${out}`)), 30_000);
        child.stdout.on('data', () => {
          const line = out.split('\n').find((l) => l.startsWith('{'));
          if (line !== undefined) {
            clearTimeout(timer);
            resolve(JSON.parse(line) as { dir: string; pids: number[] });
          }
        });
        child.once('exit', () => reject(new Error(`exited:\n${out}`)));
      });
      expect(started.pids.length).toBeGreaterThan(which === 'postgres' ? 3 : 0);
      expect(started.pids.every(isAlive)).toBe(true);
      child.kill('SIGKILL');
      expect(await survivors(started.pids, 5000)).toEqual([]);
      // The watchdog removes the directory right after its kills: give it a moment.
      expect(await waitFor(() => !existsSync(started.dir), 5000)).toBe(true);
    });
  }
});
