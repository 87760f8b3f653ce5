import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { TargetStartError } from '../errors.js';
import { sleep } from '../process/health-check.js';
import type { CpuBudget } from '../process/cpu-budget.js';
import { RedisServer, randomRedisPassword } from './redis-server.js';

/**
 * How long a master may be silent before the others call it failed (a replica of it is then
 * promoted, when it has one). Short, so a failover fits a short run.
 */
const NODE_TIMEOUT_MS = 2000;
const FORM_TIMEOUT_MS = 30_000;
const SETTLE_TIMEOUT_MS = 20_000;
const POLL_MS = 50;
/** Redis Cluster hashes keys into this many slots, shared out between the masters. */
export const CLUSTER_SLOTS = 16384;

export interface RedisClusterOptions {
  /** Working directory; each node gets a directory of its own in it (its nodes.conf). */
  dir: string;
  masters: number;
  /** Replicas of each master (`redis-cli --cluster-replicas`). */
  replicasPerMaster: number;
  persistence?: boolean;
  cpuBudget?: (name: string) => CpuBudget;
}

/** What `redis-cli --cluster create` made of one node. */
interface ClusterNode {
  server: RedisServer;
  /** `master-2`, `replica-1-of-master-2`. */
  name: string;
}

/**
 * A Redis Cluster on free ports: `masters` masters (and `replicasPerMaster` replicas each), every
 * one a {@link RedisServer} (so each pid is guarded by the watchdog), formed with
 * `redis-cli --cluster create`. Masters are named by the slots they serve, in order (`master-1`
 * holds the lowest). `cluster-require-full-coverage no`: with one master down the others go on
 * serving their slots, which is the partial outage the cluster is for.
 */
export class RedisCluster {
  /** One password for every node (and for the cluster bus between them). */
  readonly password = randomRedisPassword();
  private nodes: ClusterNode[] = [];

  constructor(private readonly options: RedisClusterOptions) {}

  /** The masters' names, in slot order. */
  static masterNames(masters: number): string[] {
    return Array.from({ length: masters }, (_, i) => `master-${i + 1}`);
  }

  /** Addresses of the masters as formed (clients find the rest of the cluster from any of them). */
  get seeds(): { host: string; port: number }[] {
    return this.nodes.filter((n) => n.name.startsWith('master-')).map((n) => ({ host: '127.0.0.1', port: n.server.port }));
  }

  /** Every running process by component name: `store-master-1`, `store-replica-1-of-master-1`, … */
  processes(): Map<string, number> {
    const pids = new Map<string, number>();
    for (const n of this.nodes) if (n.server.pid !== undefined) pids.set(`store-${n.name}`, n.server.pid);
    return pids;
  }

  async start(): Promise<void> {
    const total = this.options.masters * (1 + this.options.replicasPerMaster);
    const servers = Array.from({ length: total }, (_, i) => {
      const dir = join(this.options.dir, `node-${i + 1}`);
      mkdirSync(dir, { recursive: true });
      return new RedisServer({
        dir,
        persistence: this.options.persistence,
        password: this.password,
        args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', String(NODE_TIMEOUT_MS), '--cluster-require-full-coverage', 'no'],
        cpu: this.options.cpuBudget?.(`store-node-${i + 1}`),
      });
    });
    this.nodes = servers.map((server, i) => ({ server, name: `node-${i + 1}` }));
    await Promise.all(servers.map((s) => s.start()));
    await this.form(servers);
    await this.settle();
    await this.name();
  }

  /** SIGKILL one node by name, or every node; resolves once they have exited. */
  async kill(name?: string): Promise<void> {
    await Promise.all(this.pick(name).map((n) => n.server.kill()));
  }

  /**
   * Starts a killed node again on its port, from its own nodes.conf: it rejoins with its slots
   * (empty without persistence). Resolves once every node sees the cluster whole again.
   */
  async restart(name?: string): Promise<void> {
    await Promise.all(this.pick(name).map((n) => n.server.restart()));
    await this.settle();
  }

  /** Stops every node (never throws). */
  async stop(): Promise<void> {
    await Promise.allSettled(this.nodes.map((n) => n.server.stop()));
  }

  private pick(name: string | undefined): ClusterNode[] {
    if (name === undefined) return this.nodes;
    const node = this.nodes.find((n) => n.name === name);
    if (node === undefined) throw new TargetStartError(`no cluster node named ${name} (have ${this.nodes.map((n) => n.name).join(', ')})`);
    return [node];
  }

  private form(servers: RedisServer[]): Promise<void> {
    const args = ['--cluster', 'create', ...servers.map((s) => `127.0.0.1:${s.port}`), '--cluster-replicas', String(this.options.replicasPerMaster), '--cluster-yes'];
    return new Promise((resolve, reject) => {
      // The password by environment (REDISCLI_AUTH), never on the command line `ps` shows.
      execFile('redis-cli', args, { timeout: FORM_TIMEOUT_MS, env: { ...process.env, REDISCLI_AUTH: this.password } }, (err, stdout, stderr) => {
        if (err) reject(new TargetStartError(`redis-cli --cluster create failed: ${(stderr || stdout || err.message).trim().split('\n').slice(-3).join(' | ')}`));
        else resolve();
      });
    });
  }

  private async clients(): Promise<Redis[]> {
    const { Redis } = await import('ioredis');
    return this.nodes
      .filter((n) => n.server.pid !== undefined)
      .map((n) => {
        const c = new Redis({ host: '127.0.0.1', port: n.server.port, password: this.password, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 50 });
        c.on('error', () => {});
        return c;
      });
  }

  /** Waits until every running node says the cluster is whole (`cluster_state:ok`, all slots assigned, every node known). */
  private async settle(): Promise<void> {
    const clients = await this.clients();
    const total = this.nodes.length;
    try {
      const deadlineMs = Date.now() + SETTLE_TIMEOUT_MS;
      let last = '';
      while (Date.now() < deadlineMs) {
        const infos = await Promise.all(clients.map((c) => (c.call('CLUSTER', 'INFO') as Promise<string>).catch(() => '')));
        const ok = infos.every((i) => /cluster_state:ok/.test(i) && /cluster_slots_ok:16384/.test(i) && new RegExp(`cluster_known_nodes:${total}\\b`).test(i));
        if (ok) return;
        last = infos.map((i) => /cluster_state:(\w+)/.exec(i)?.[1] ?? '?').join(',');
        await sleep(POLL_MS);
      }
      throw new TargetStartError(`the Redis Cluster did not settle within ${SETTLE_TIMEOUT_MS} ms (states: ${last})`);
    } finally {
      for (const c of clients) c.disconnect();
    }
  }

  /** Names the nodes from CLUSTER NODES: masters by their first slot, replicas after their master. */
  private async name(): Promise<void> {
    const [client] = await this.clients();
    try {
      const text = (await client.call('CLUSTER', 'NODES')) as string;
      const rows = text.trim().split('\n').map((line) => line.split(' '));
      const port = (row: string[]) => Number(/:(\d+)@/.exec(row[1])?.[1]);
      const masters = rows.filter((r) => r[2].includes('master')).sort((a, b) => Number(a[8]?.split('-')[0]) - Number(b[8]?.split('-')[0]));
      const names = new Map<number, string>();
      masters.forEach((m, i) => names.set(port(m), `master-${i + 1}`));
      const replicaCounts = new Map<string, number>();
      for (const r of rows.filter((row) => row[2].includes('slave'))) {
        const master = masters.findIndex((m) => m[0] === r[3]);
        const k = (replicaCounts.get(r[3]) ?? 0) + 1;
        replicaCounts.set(r[3], k);
        names.set(port(r), `replica-${k}-of-master-${master + 1}`);
      }
      for (const n of this.nodes) n.name = names.get(n.server.port) ?? n.name;
    } finally {
      client.disconnect();
    }
  }
}
