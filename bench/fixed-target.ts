import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/process/free-port.js';
import { waitHealthy } from '../src/process/health-check.js';
import { guardDir, releaseDir } from '../src/process/reaper.js';
import { stop, track } from './children.js';

/** A server answering every request with a fixed `200 ok`, faster than any generator. */
export interface FixedTarget {
  url: string;
  pid: number;
  /** What serves it, for the output: `haproxy 2.6.12 (1 thread)` or the node:http fallback. */
  description: string;
  stop(): Promise<void>;
}

/** HAProxy answering by itself from a frontend (no backend), one thread, keep-alive. */
function haproxyConfig(port: number): string {
  return [
    'global',
    '  nbthread 1',
    '  maxconn 4096',
    'defaults',
    '  mode http',
    '  timeout client 30s',
    '  timeout connect 5s',
    '  timeout server 30s',
    '  timeout http-keep-alive 60s',
    'frontend fixed',
    `  bind 127.0.0.1:${port}`,
    '  http-request return status 200 content-type text/plain string ok',
    '',
  ].join('\n');
}

function haproxyVersion(): string | undefined {
  const r = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  return /version (\S+)/i.exec(r.stdout)?.[1] ?? 'unknown';
}

async function startHaproxy(version: string): Promise<FixedTarget | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'statebench-bench-haproxy-'));
  guardDir(dir); // removed by statebench's watchdog if the bench dies before stop()
  const removeDir = (): void => {
    rmSync(dir, { recursive: true, force: true });
    releaseDir(dir);
  };
  const cfg = join(dir, 'haproxy.cfg');
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    writeFileSync(cfg, haproxyConfig(port));
    // -db: stay in the foreground, so the pid we hold is the one serving.
    const child = track(spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] }));
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const url = `http://127.0.0.1:${port}`;
    if (await waitHealthy(url, Date.now() + 3000)) {
      return {
        url,
        pid: child.pid!,
        description: `haproxy ${version} answering by itself (1 thread)`,
        stop: async () => {
          await stop(child);
          removeDir();
        },
      };
    }
    await stop(child);
    if (!/address already in use|cannot bind/i.test(stderr)) {
      process.stderr.write(`haproxy did not start: ${stderr.trim().split('\n').pop() ?? ''}\n`);
      break;
    }
  }
  removeDir();
  return undefined;
}

/** The node:http fallback, in its own process so it does not share the bench's event loop. */
async function startNodeServer(reason: string): Promise<FixedTarget> {
  const script = fileURLToPath(new URL('./fixed-server-child.js', import.meta.url));
  const child: ChildProcess = track(fork(script, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`fixed node:http server exited (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    description: `node:http fixed responder (FALLBACK: ${reason}; slower than the generators, so ratios understate the gap)`,
    stop: () => stop(child),
  };
}

/** HAProxy when installed (`apt-get install -y haproxy`), otherwise the node:http fallback. */
export async function startFixedTarget(): Promise<FixedTarget> {
  if (process.env.BENCH_TARGET === 'node') return startNodeServer('BENCH_TARGET=node');
  const version = haproxyVersion();
  if (version === undefined) return startNodeServer('haproxy not installed; apt-get install -y haproxy');
  return (await startHaproxy(version)) ?? startNodeServer('haproxy failed to start');
}
