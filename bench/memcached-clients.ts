/**
 * Which Node Memcached client the replicas use: memcache-client (ASCII protocol, `gets`/`cas`,
 * what statebench ships) against memjs (binary protocol, no CAS call). Starts statebench's own
 * memcached and times the session pattern, a `get` then a `set` of a ~1 KiB session, one pair at
 * a time and 16 at once (the concurrency of one replica under load), with the client's CPU per
 * pair (this process: steadier than time on a shared machine). Rounds alternate the clients.
 *
 * `npm run build && node dist/bench/memcached-clients.js [pairs-per-run] [rounds]`. Figures go to
 * stdout, progress to stderr.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import memcache from 'memcache-client';
import memjs from 'memjs';
import { MemcachedServer } from '../src/stores/memcached-server.js';

const PAIRS = Number(process.argv[2] ?? 5000);
const ROUNDS = Number(process.argv[3] ?? 5);
const AT_ONCE = 16;
const SESSION = JSON.stringify({ user: 'u', items: Array.from({ length: 4 }, (_, i) => ({ sku: `S${i}`, qty: 1, payload: 'x'.repeat(200) })), version: 1 });

/** The session pattern both clients run: load, then save with a TTL. */
interface Client {
  name: string;
  pair(key: string): Promise<void>;
  close(): void;
}

function memcacheClient(server: string): Client {
  const client = new memcache.MemcacheClient({ server, ignoreNotStored: true });
  return {
    name: 'memcache-client 1.0 (ASCII)',
    async pair(key) {
      await client.get<string>(key);
      await client.set(key, SESSION, { lifetime: 600 });
    },
    close: () => client.shutdown(),
  };
}

function memjsClient(server: string): Client {
  const client = memjs.Client.create(server, { retries: 0, logger: { log: () => {} } });
  return {
    name: 'memjs 1.3 (binary)',
    async pair(key) {
      await client.get(key);
      await client.set(key, SESSION, { expires: 600 });
    },
    close: () => client.close(),
  };
}

interface Figures {
  serialUs: number;
  parallelPairsPerS: number;
  clientCpuUsPerPair: number;
}

async function round(client: Client): Promise<Figures> {
  const keys = Array.from({ length: 64 }, (_, i) => `bench:${i}`);
  for (const key of keys) await client.pair(key); // connections open, keys exist
  const cpu0 = process.cpuUsage();
  let t0 = performance.now();
  for (let i = 0; i < PAIRS; i++) await client.pair(keys[i % keys.length]);
  const serialUs = ((performance.now() - t0) * 1000) / PAIRS;
  t0 = performance.now();
  await Promise.all(
    Array.from({ length: AT_ONCE }, async (_, w) => {
      for (let i = w; i < PAIRS; i += AT_ONCE) await client.pair(keys[i % keys.length]);
    }),
  );
  const parallelPairsPerS = PAIRS / ((performance.now() - t0) / 1000);
  const cpu = process.cpuUsage(cpu0);
  return { serialUs, parallelPairsPerS, clientCpuUsPerPair: (cpu.user + cpu.system) / (2 * PAIRS) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'statebench-bench-mc-'));
  const server = await MemcachedServer.start({ dir, persistence: false, sessionTtlS: 600 });
  const address = `${server.address.host}:${server.address.port}`;
  const clients = [memcacheClient(address), memjsClient(address)];
  const figures = new Map<string, Figures[]>(clients.map((c) => [c.name, []]));
  const loads: number[] = [];
  try {
    for (let r = 0; r < ROUNDS; r++) {
      loads.push(loadavg()[0]);
      // Alternate which client goes first, so neither always meets the warmer machine.
      for (const client of r % 2 === 0 ? clients : [...clients].reverse()) {
        const f = await round(client);
        figures.get(client.name)!.push(f);
        process.stderr.write(`round ${r + 1}/${ROUNDS} ${client.name}: ${f.serialUs.toFixed(0)} µs/pair, ${f.parallelPairsPerS.toFixed(0)} pairs/s with ${AT_ONCE}, ${f.clientCpuUsPerPair.toFixed(1)} µs CPU/pair\n`);
      }
    }
  } finally {
    for (const c of clients) c.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const range = (xs: number[], digits: number): string => `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;
  const lines = [
    `Memcached clients, get + set of a ~1 KiB session; median (range) of ${ROUNDS} rounds of ${PAIRS} pairs; memcached ${server.version ?? '?'}; load average ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}`,
    `${'client'.padEnd(30)} ${'µs per pair, serial'.padStart(22)} ${`pairs/s, ${AT_ONCE} at once`.padStart(24)} ${'client CPU µs/pair'.padStart(22)}`,
  ];
  for (const [name, fs] of figures) {
    lines.push(
      `${name.padEnd(30)} ${range(fs.map((f) => f.serialUs), 0).padStart(22)} ${range(fs.map((f) => f.parallelPairsPerS), 0).padStart(24)} ${range(fs.map((f) => f.clientCpuUsPerPair), 1).padStart(22)}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = 1;
});
