/**
 * What PostgreSQL's durability settings cost a session save. Starts statebench's own cluster
 * twice (persistence off: fsync, synchronous_commit and full_page_writes off; on: the defaults)
 * and times the postgres store module's save (one upsert of a ~1 KiB session) one at a time
 * and from POOL_SIZE savers at once, reporting the median of several runs, plus the server's
 * CPU per save (steadier than time on a shared machine).
 *
 * `npm run build && node dist/bench/store-durability.js [saves-per-run] [runs]`. Figures go to
 * stdout, progress to stderr.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresServer } from '../src/stores/postgres-server.js';
import type { Session } from '../targets/session.js';
import { POOL_SIZE, open, type PostgresStore } from '../targets/stores/postgres.js';

const SAVES = Number(process.argv[2] ?? 2000);
const RUNS = Number(process.argv[3] ?? 5);

interface Figures {
  serialUs: number;
  parallelSavesPerS: number;
  serverCpuUsPerSave: number;
}

function cpuMs(pids: Iterable<number>): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1].split(' ');
      total += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      // Gone.
    }
  }
  return total;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function measure(persistence: boolean, log: (line: string) => void): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'statebench-bench-pg-'));
  const server = await PostgresServer.start({ dir, persistence, sessionTtlS: 600 });
  const store: PostgresStore = await open({ url: server.url, sessionTtlS: 600 });
  try {
    const session: Session = { user: 'u', items: Array.from({ length: 4 }, (_, i) => ({ sku: `S${i}`, qty: 1, payload: 'x'.repeat(200) })), version: 1, createdAtMs: 0 };
    const tokens = await Promise.all(Array.from({ length: 64 }, () => store.save(undefined, session)));
    const serial: number[] = [];
    const parallel: number[] = [];
    const cpu: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const pids = [...server.processes().values()];
      const cpu0 = cpuMs(pids);
      let t0 = performance.now();
      for (let i = 0; i < SAVES; i++) await store.save(tokens[i % tokens.length], session);
      serial.push(((performance.now() - t0) * 1000) / SAVES);
      t0 = performance.now();
      await Promise.all(
        Array.from({ length: POOL_SIZE }, async (_, w) => {
          for (let i = w; i < SAVES; i += POOL_SIZE) await store.save(tokens[i % tokens.length], session);
        }),
      );
      parallel.push(SAVES / ((performance.now() - t0) / 1000));
      // Both phases' saves, on every backend the pool used.
      cpu.push(((cpuMs(server.processes().values()) - cpu0) * 1000) / (2 * SAVES));
      log(`persistence ${persistence}: run ${run + 1}/${RUNS}: ${serial.at(-1)!.toFixed(0)} µs/save serial, ${parallel.at(-1)!.toFixed(0)} saves/s with ${POOL_SIZE}`);
    }
    return { serialUs: median(serial), parallelSavesPerS: median(parallel), serverCpuUsPerSave: median(cpu) };
  } finally {
    await store.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const before = loadavg()[0];
  const volatile = await measure(false, log);
  const durable = await measure(true, log);
  const after = loadavg()[0];
  const row = (name: string, f: Figures): string =>
    `${name.padEnd(44)} ${f.serialUs.toFixed(0).padStart(8)} µs ${f.parallelSavesPerS.toFixed(0).padStart(8)} /s ${f.serverCpuUsPerSave.toFixed(0).padStart(8)} µs`;
  process.stdout.write(
    [
      `PostgreSQL session save (upsert of a ~1 KiB session), median of ${RUNS} runs of ${SAVES} saves; load average ${before.toFixed(2)} → ${after.toFixed(2)}`,
      `${'settings'.padEnd(44)} ${'serial'.padStart(11)} ${`${POOL_SIZE} at once`.padStart(11)} ${'server CPU'.padStart(11)}`,
      row('persistence off (fsync, sync commit, FPW off)', volatile),
      row('persistence on (PostgreSQL defaults)', durable),
    ].join('\n') + '\n',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = 1;
});
