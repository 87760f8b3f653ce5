/**
 * What the store latency proxy itself costs, and how exactly it adds what it is asked to:
 * sequential Redis GETs (one command in flight, like one store call of a request) straight to
 * redis-server, then through the proxy process at 0, 0.5 and 2 ms. Prints p50/p99 of each and
 * the difference from direct. Run: `npx tsc -p . && node dist/bench/store-latency-proxy.js`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { LatencyProxyProcess } from '../src/topology/latency-proxy-process.js';
import { RedisServer } from '../src/stores/redis-server.js';

const COMMANDS = Number(process.env.COMMANDS ?? 3000);
const WARMUP = 300;

async function roundTrips(port: number, password: string): Promise<number[]> {
  const client = new Redis({ host: '127.0.0.1', port, password, lazyConnect: true });
  await client.connect();
  await client.set('bench:key', 'x'.repeat(200));
  const us: number[] = [];
  for (let i = 0; i < WARMUP + COMMANDS; i++) {
    const t = process.hrtime.bigint();
    await client.get('bench:key');
    if (i >= WARMUP) us.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  client.disconnect();
  return us.sort((a, b) => a - b);
}

const pct = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const fmt = (us: number): string => `${(us / 1000).toFixed(3)} ms`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'statebench-bench-'));
  const redis = new RedisServer({ dir });
  let proxy: LatencyProxyProcess | undefined;
  try {
    await redis.start();
    proxy = new LatencyProxyProcess({ host: '127.0.0.1', port: redis.port }, { latencyMs: 0, jitterMs: 0 });
    await proxy.start();
    const direct = await roundTrips(redis.port, redis.password);
    const rows: [string, number[]][] = [['direct', direct]];
    for (const latencyMs of [0, 0.5, 2]) {
      await proxy.set({ latencyMs, jitterMs: 0 });
      rows.push([`proxy +${latencyMs} ms`, await roundTrips(proxy.port, redis.password)]);
    }
    console.log(`${COMMANDS} sequential GETs each (200-byte value), one connection`);
    console.log('setting          p50        p99        p50 − direct');
    for (const [name, us] of rows) {
      console.log(`${name.padEnd(15)}  ${fmt(pct(us, 0.5)).padStart(9)}  ${fmt(pct(us, 0.99)).padStart(9)}  ${fmt(pct(us, 0.5) - pct(direct, 0.5)).padStart(9)}`);
    }
  } finally {
    await proxy?.stop();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
