import { spawnSync } from 'node:child_process';
import { TargetStartError } from '../errors.js';
import { RedisCluster } from './redis-cluster.js';
import { redisMemory } from './redis-info.js';
import { RedisServer, redisAvailable, redisVersion } from './redis-server.js';
import type { StoreAction, StoreBackend, StoreInstance, StoreOptionProblem, StoreStartOptions } from './store-backend.js';
import type { StoreOptions } from './store-options.js';

const EXTERNAL =
  'needs a Redis statebench starts itself, but the run uses an existing one (`store.redisUrl` or `--redis-url`), which it will not kill or pause';

/** Why a replicated Redis takes its primary's death only through `store-failover`. */
export const SENTINEL_USE_FAILOVER =
  'with `store.sentinels` the primary is killed by `store-failover`, which also waits for a replica to be promoted';

const replicated = (o: StoreOptions): boolean => o.replicas !== undefined || o.sentinels !== undefined;

/**
 * Redis: a `redis-server` statebench starts on a free port (or a replicated set watched by
 * Sentinels), or an existing server given by URL, which is used but never broken.
 */
export const redis: StoreBackend = {
  name: 'redis',
  settings: ['redisUrl', 'persistence', 'ttl', 'latency', 'jitter', 'replicas', 'sentinels', 'maxmemory', 'cluster'],
  pauseHow: 'SIGSTOP',
  singleThreaded: true,
  version: () => redisVersion(),
  title: 'Redis',

  unavailable(options) {
    if (options.redisUrl !== undefined || redisAvailable()) return undefined;
    return 'redis-server is not on the PATH (install it, or pass --redis-url)';
  },

  refuses(action: StoreAction, options) {
    if (options.redisUrl !== undefined && action !== 'network') return EXTERNAL;
    if (options.cluster !== undefined && action !== 'process') {
      return `a Redis Cluster takes \`store-kill\` and \`store-restart\` (of one master by name, e.g. \`master-2\`); ${action === 'network' ? 'the latency proxy fronts one address, and cluster clients follow every node' : action === 'pause' ? 'pausing a node is not modelled yet' : 'its failover is its own (a replica of a killed master is promoted)'}`;
    }
    const sentinels = (options.sentinels ?? 0) > 0;
    switch (action) {
      case 'process':
        return sentinels ? SENTINEL_USE_FAILOVER : undefined;
      case 'pause':
        return sentinels
          ? 'with `store.sentinels` a paused primary would be failed over and then come back as a second primary; that split brain is not modelled yet (use `store-failover`)'
          : undefined;
      case 'network':
        return sentinels
          ? 'the latency proxy fronts one Redis address, but with `store.sentinels` replicas connect to whichever server is primary; not supported yet'
          : undefined;
      case 'failover':
        return sentinels && (options.replicas ?? 0) >= 1 ? undefined : 'needs a replicated Redis to fail over: add `store: { replicas: 1, sentinels: 3 }`';
    }
  },

  nodeNames: (options) => (options.cluster === undefined ? [] : RedisCluster.masterNames(options.cluster)),

  checkOptions(options) {
    const problems: StoreOptionProblem[] = [];
    if (options.cluster !== undefined) return clusterProblems(options);
    if (!replicated(options)) return problems;
    if (options.sentinels === undefined || options.replicas === undefined) {
      const [field, other] = options.sentinels === undefined ? ['replicas', 'sentinels'] : ['sentinels', 'replicas'];
      problems.push({ inItself: true, field, message: `needs \`${other}\` too: a replicated Redis is a primary, \`replicas\` and \`sentinels\` to promote one, e.g. \`{ replicas: 1, sentinels: 3 }\`` });
    }
    if (options.redisUrl !== undefined) {
      problems.push({ inItself: true, field: 'sentinels', message: 'statebench starts the replicated Redis itself, so `store.redisUrl` cannot be used with it: remove one of them' });
    }
    for (const field of ['latency', 'jitter'] as const) {
      if ((field === 'latency' ? options.latencyMs : options.jitterMs) > 0) {
        problems.push({ inItself: true, field, message: 'is not supported with `store.sentinels` yet: the latency proxy fronts one Redis address, and replicas follow whichever server is primary' });
      }
    }
    return problems;
  },

  async start(start, options) {
    if (options.redisUrl !== undefined) return external(options.redisUrl);
    if (!redisAvailable()) throw new TargetStartError('redis-server is not on the PATH: install Redis, or pass --redis-url');
    if (options.cluster !== undefined) return startCluster(start, options.cluster, options.replicas ?? 0);
    if (options.replicas !== undefined && options.sentinels !== undefined) return startReplicated(start, options.replicas, options.sentinels);
    return startSingle(start);
  },
};

function external(url: string): StoreInstance {
  const parsed = new URL(url);
  return {
    url,
    address: { host: parsed.hostname, port: Number(parsed.port || 6379) },
    version: undefined,
    processes: () => new Map(),
    kill: refused,
    restart: refused,
    pause: refused,
    resume: refused,
    stop: async () => {},
    killSync: () => {},
  };
}

async function refused(): Promise<never> {
  throw new TargetStartError(EXTERNAL);
}

async function startSingle(start: StoreStartOptions): Promise<StoreInstance> {
  const server = new RedisServer({ dir: start.dir, persistence: start.persistence, args: memoryArgs(start), cpu: start.cpuBudget?.('store') });
  try {
    await server.start();
  } catch (err) {
    await server.stop();
    throw err;
  }
  const version = redisVersion();
  return {
    // With its password (by environment only, as every store URL): `redis://:<password>@127.0.0.1:<port>`.
    get url() {
      return server.url;
    },
    secret: server.password,
    get address() {
      return { host: '127.0.0.1', port: server.port };
    },
    version,
    processes: () => (server.pid === undefined ? new Map() : new Map([['store', server.pid]])),
    kill: () => server.kill(),
    restart: () => server.restart(),
    pause: () => server.pause(),
    resume: () => server.resume(),
    memory: () => redisMemory(server.port, server.password),
    stop: () => server.stop().catch(() => {}),
    killSync: () => killPids([server.pid]),
  };
}

async function startReplicated(start: StoreStartOptions, replicas: number, sentinels: number): Promise<StoreInstance> {
  // Loaded here only: ioredis (for the Sentinels) is not worth loading for a single server or `--help`.
  const { RedisHa, SENTINEL_MASTER_NAME } = await import('./redis-ha.js');
  const ha = new RedisHa({ dir: start.dir, persistence: start.persistence, replicas, sentinels, cpuBudget: start.cpuBudget });
  try {
    await ha.start();
  } catch (err) {
    await ha.stop();
    throw err;
  }
  // Replicas ask the Sentinels where the primary is, now and after every failover; one password
  // for the Sentinels and the servers.
  const url = `redis-sentinel://:${encodeURIComponent(ha.password)}@${ha.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}/${SENTINEL_MASTER_NAME}`;
  const version = redisVersion();
  return {
    url,
    secret: ha.password,
    address: undefined,
    version,
    processes: () => ha.processes(),
    kill: () => ha.primary.kill(),
    restart: () => ha.primary.restart(),
    pause: () => ha.primary.pause(),
    resume: () => ha.primary.resume(),
    async failover() {
      const { port, tookMs } = await ha.failover();
      return { promoted: `127.0.0.1:${port}`, tookMs };
    },
    stop: () => ha.stop().catch(() => {}),
    killSync: () => killPids([...ha.processes().values()]),
  };
}

/** `store.cluster` with the settings beside it: replicas are per master, and nothing else replicates or fronts it. */
function clusterProblems(options: StoreOptions): StoreOptionProblem[] {
  const problems: StoreOptionProblem[] = [];
  if (options.sentinels !== undefined) problems.push({ inItself: true, field: 'sentinels', message: 'a Redis Cluster fails over by itself (a replica of a failed master is promoted): remove `sentinels`' });
  if (options.redisUrl !== undefined) problems.push({ inItself: true, field: 'cluster', message: 'statebench starts the cluster itself, so `store.redisUrl` cannot be used with it: remove one of them' });
  for (const field of ['latency', 'jitter'] as const) {
    if ((field === 'latency' ? options.latencyMs : options.jitterMs) > 0) problems.push({ inItself: true, field, message: 'is not supported with `store.cluster`: the latency proxy fronts one address, and cluster clients talk to every node' });
  }
  if (!redisCliAvailable()) problems.push({ inItself: true, field: 'cluster', message: '`redis-cli` is not on the PATH: it forms the cluster (`redis-cli --cluster create`)' });
  return problems;
}

let redisCli: boolean | undefined;
function redisCliAvailable(): boolean {
  redisCli ??= spawnSync('redis-cli', ['--version'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  return redisCli;
}

async function startCluster(start: StoreStartOptions, masters: number, replicasPerMaster: number): Promise<StoreInstance> {
  const cluster = new RedisCluster({ dir: start.dir, masters, replicasPerMaster, persistence: start.persistence, cpuBudget: start.cpuBudget });
  try {
    await cluster.start();
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  // Replicas find every node from the seeds (ioredis' Cluster client); one password for all.
  const url = `redis-cluster://:${encodeURIComponent(cluster.password)}@${cluster.seeds.map((s) => `${s.host}:${s.port}`).join(',')}`;
  return {
    url,
    secret: cluster.password,
    address: undefined,
    version: redisVersion(),
    processes: () => cluster.processes(),
    nodes: () => RedisCluster.masterNames(masters),
    kill: (node) => cluster.kill(node),
    restart: (node) => cluster.restart(node),
    pause: refused,
    resume: refused,
    stop: () => cluster.stop().catch(() => {}),
    killSync: () => killPids([...cluster.processes().values()]),
  };
}

function memoryArgs(start: StoreStartOptions): string[] {
  return start.maxMemoryBytes === undefined ? [] : ['--maxmemory', String(start.maxMemoryBytes)];
}

/** SIGCONT first: a paused process would not die of SIGKILL until continued on some kernels' accounting. */
export function killPids(pids: (number | undefined)[]): void {
  for (const pid of pids) {
    if (pid === undefined) continue;
    try {
      process.kill(pid, 'SIGCONT');
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
