import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { TargetStartError } from '../errors.js';
import { sleep } from '../process/health-check.js';
import type { CpuBudget } from '../process/cpu-budget.js';
import { RedisServer, randomRedisPassword } from './redis-server.js';

/** The name Sentinels monitor the primary under; replicas ask for it. */
export const SENTINEL_MASTER_NAME = 'statebench';
/**
 * Sentinel timing, short so a failover fits a short run: the primary counts as down after 1 s
 * without a reply (production setups often use 5–30 s; users feel the difference as errors).
 */
const DOWN_AFTER_MS = 1000;
const FAILOVER_TIMEOUT_MS = 3000;
/** Sentinels find each other through hello messages every 2 s; give that a few rounds. */
const SETTLE_TIMEOUT_MS = 20_000;
const PROMOTION_TIMEOUT_MS = 30_000;
const POLL_MS = 50;

export interface RedisHaOptions {
  /** Working directory for every process (owned and removed by the caller). */
  dir: string;
  /** Redis replicas of the primary (asynchronous replication). */
  replicas: number;
  /** 0: no Sentinels, no automatic failover (a primary with read replicas). */
  sentinels: number;
  persistence?: boolean;
  /** More arguments for every server (`--maxmemory`, `--maxmemory-policy`). */
  serverArgs?: string[];
  /**
   * Replicas reach the primary through this (a latency proxy: replication lag), given the
   * primary's address; resolves with the port to replicate from. Absent: straight to the primary.
   */
  replicationLink?: (primary: { host: string; port: number }) => Promise<number>;
  /** Makes each server's and Sentinel's CPU budget (`hosts.storeCpu`), when there are budgets. */
  cpuBudget?: (name: string) => CpuBudget;
}

/** A Sentinel address as ioredis takes it. */
export interface SentinelAddress {
  host: string;
  port: number;
}

/**
 * A replicated Redis: a primary, `replicas` replicas (`--replicaof`, through `replicationLink`
 * when given) and `sentinels` Sentinels (none: no failover)
 * (`redis-server <conf> --sentinel`), every one a {@link RedisServer} on a free port, so each
 * pid is guarded by the watchdog. Resolves `start()` only once replication is up and every
 * Sentinel knows every replica and every other Sentinel: a failover asked for before that would
 * find no quorum, which is not the outage being measured.
 */
export class RedisHa {
  /** The current primary, then each replica; the killed primary stays listed (not running). */
  private servers: RedisServer[] = [];
  private primaryIndex = 0;
  private sentinelServers: RedisServer[] = [];
  /**
   * One password for every server and Sentinel: clients give it (`requirepass`), replicas give it
   * to their primary (`masterauth`), Sentinels to the servers (`auth-pass`) and to each other
   * (`sentinel-pass`, Redis 6.2+). Only ever in 0600 config files, never on a command line.
   */
  readonly password = randomRedisPassword();

  constructor(private readonly options: RedisHaOptions) {}

  get primary(): RedisServer {
    return this.servers[this.primaryIndex];
  }

  /** The replicas' addresses (every server but the current primary that runs). */
  get replicaAddresses(): SentinelAddress[] {
    return this.servers.filter((s, i) => i !== this.primaryIndex && s.pid !== undefined).map((s) => ({ host: '127.0.0.1', port: s.port }));
  }

  get sentinels(): SentinelAddress[] {
    return this.sentinelServers.map((s) => ({ host: '127.0.0.1', port: s.port }));
  }

  /** Every running process by component name: `store` (the primary), `store-replica-N`, `sentinel-N`. */
  processes(): Map<string, number> {
    const pids = new Map<string, number>();
    let n = 0;
    this.servers.forEach((s, i) => {
      if (s.pid === undefined) return;
      pids.set(i === this.primaryIndex ? 'store' : `store-replica-${++n}`, s.pid);
    });
    this.sentinelServers.forEach((s, i) => {
      if (s.pid !== undefined) pids.set(`sentinel-${i + 1}`, s.pid);
    });
    return pids;
  }

  async start(): Promise<void> {
    const password = this.password;
    const budget = (name: string): CpuBudget | undefined => this.options.cpuBudget?.(name);
    const args = this.options.serverArgs ?? [];
    const primary = new RedisServer({ dir: this.options.dir, persistence: this.options.persistence, password, args, cpu: budget('store-server-1') });
    this.servers.push(primary);
    await primary.start();
    const linkPort = this.options.replicationLink === undefined ? primary.port : await this.options.replicationLink({ host: '127.0.0.1', port: primary.port });
    const replicas = Array.from(
      { length: this.options.replicas },
      (_, i) => new RedisServer({ dir: this.options.dir, persistence: this.options.persistence, password, args: [...args, '--replicaof', '127.0.0.1', String(linkPort)], cpu: budget(`store-server-${i + 2}`) }),
    );
    this.servers.push(...replicas);
    await Promise.all(replicas.map((r) => r.start()));

    if (this.options.sentinels === 0) {
      await this.settle();
      return;
    }
    const quorum = Math.floor(this.options.sentinels / 2) + 1;
    this.sentinelServers = Array.from({ length: this.options.sentinels }, (_, i) => {
      const config = join(this.options.dir, `sentinel-${i + 1}.conf`);
      writeFileSync(
        config,
        [
          `requirepass "${password}"`,
          `sentinel monitor ${SENTINEL_MASTER_NAME} 127.0.0.1 ${primary.port} ${quorum}`,
          `sentinel auth-pass ${SENTINEL_MASTER_NAME} ${password}`,
          `sentinel sentinel-pass ${password}`,
          `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} ${DOWN_AFTER_MS}`,
          `sentinel failover-timeout ${SENTINEL_MASTER_NAME} ${FAILOVER_TIMEOUT_MS}`,
          `sentinel parallel-syncs ${SENTINEL_MASTER_NAME} 1`,
          '',
        ].join('\n'),
        { mode: 0o600 },
      );
      return new RedisServer({ dir: this.options.dir, sentinelConfig: config, password, cpu: budget(`sentinel-${i + 1}`) });
    });
    await Promise.all(this.sentinelServers.map((s) => s.start()));
    await this.settle();
  }

  /**
   * SIGKILLs the primary and resolves once the Sentinels have promoted a replica (the address
   * they hand out changed), with the new primary's port and how long the promotion took.
   */
  async failover(): Promise<{ port: number; tookMs: number }> {
    const old = this.primary;
    const oldPort = old.port;
    const startedMs = Date.now();
    await old.kill();
    const deadlineMs = startedMs + PROMOTION_TIMEOUT_MS;
    const client = await this.sentinelClient();
    try {
      while (Date.now() < deadlineMs) {
        const addr = (await client.call('SENTINEL', 'get-master-addr-by-name', SENTINEL_MASTER_NAME).catch(() => null)) as string[] | null;
        const port = Number(addr?.[1]);
        if (addr && port !== oldPort) {
          const index = this.servers.findIndex((s) => s.port === port);
          if (index >= 0) this.primaryIndex = index;
          return { port, tookMs: Date.now() - startedMs };
        }
        await sleep(POLL_MS);
      }
    } finally {
      client.disconnect();
    }
    throw new TargetStartError(`no replica was promoted within ${PROMOTION_TIMEOUT_MS} ms after the primary was killed`);
  }

  /** Stops every process (never throws). */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.sentinelServers, ...this.servers].map((s) => s.stop()));
  }

  /** Waits until replication is up and every Sentinel sees every replica and every other Sentinel. */
  private async settle(): Promise<void> {
    const deadlineMs = Date.now() + SETTLE_TIMEOUT_MS;
    const { Redis } = await import('ioredis');
    const clients = [...this.servers.slice(1), ...this.sentinelServers].map(
      (s) => new Redis({ host: '127.0.0.1', port: s.port, password: this.password, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 50 }),
    );
    for (const c of clients) c.on('error', () => {});
    const replicaClients = clients.slice(0, this.servers.length - 1);
    const sentinelClients = clients.slice(this.servers.length - 1);
    try {
      let last = '';
      while (Date.now() < deadlineMs) {
        const linked = await Promise.all(replicaClients.map(async (c) => /master_link_status:up/.test(await c.info('replication').catch(() => ''))));
        const views = await Promise.all(sentinelClients.map((c) => c.call('SENTINEL', 'master', SENTINEL_MASTER_NAME).catch(() => []) as Promise<string[]>));
        const ready = this.options.sentinels === 0 || views.every((v) => {
          const field = (name: string): number => Number(v[v.indexOf(name) + 1]);
          return field('num-slaves') === this.options.replicas && field('num-other-sentinels') === this.options.sentinels - 1;
        });
        if (linked.every(Boolean) && ready) return;
        last = `replication ${linked.filter(Boolean).length}/${linked.length} up; sentinels ready ${ready}`;
        await sleep(100);
      }
      throw new TargetStartError(`replicated Redis did not settle within ${SETTLE_TIMEOUT_MS} ms (${last})`);
    } finally {
      for (const c of clients) c.disconnect();
    }
  }

  private async sentinelClient(): Promise<Redis> {
    const { Redis } = await import('ioredis');
    const s = this.sentinelServers[0];
    const client = new Redis({ host: '127.0.0.1', port: s.port, password: this.password, maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    client.on('error', () => {});
    return client;
  }
}
