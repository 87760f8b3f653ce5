import { spawnSync } from 'node:child_process';
import { TargetStartError } from '../errors.js';
import { RedisCluster } from './redis-cluster.js';
import { redisMemory } from './redis-info.js';
import { RedisServer, redisAvailable, redisInfo, redisVersion } from './redis-server.js';
import type { StoreAction, StoreBackend, StoreCounterReading, StoreInstance, StoreOptionProblem, StoreStartOptions } from './store-backend.js';
import type { StoreOptions } from './store-options.js';

const EXTERNAL =
  'needs a Redis statebench starts itself, but the run uses an existing one (`store.redisUrl` or `--redis-url`), which it will not kill or pause';

/** Why a replicated Redis takes its primary's death only through `store-failover`. */
export const SENTINEL_USE_FAILOVER =
  'with `store.sentinels` the primary is killed by `store-failover`, which also waits for a replica to be promoted';

const replicated = (o: StoreOptions): boolean => o.replicas !== undefined || o.sentinels !== undefined;
const readsReplica = (o: StoreOptions): boolean => o.readFrom === 'replica';

/** Why the latency proxy cannot front a Redis whose replicas serve reads. */
const READS_AROUND_PROXY =
  'the latency proxy fronts the primary alone, and with `readFrom: replica` reads go to the replicas around it: not supported yet';

/** The query parameter of a Redis URL that lists the replicas to read from (targets/stores/read-replicas.ts reads it). */
export const READ_REPLICAS_PARAM = 'readReplicas';

/**
 * Redis: a `redis-server` statebench starts on a free port (or a replicated set watched by
 * Sentinels), or an existing server given by URL, which is used but never broken.
 */
export const redis: StoreBackend = {
  name: 'redis',
  settings: ['redisUrl', 'persistence', 'ttl', 'latency', 'jitter', 'replicas', 'sentinels', 'maxmemory', 'maxmemoryPolicy', 'rolling', 'readFrom', 'replicationLatency', 'cluster'],
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
          : readsReplica(options)
            ? READS_AROUND_PROXY
            : undefined;
      case 'failover':
        return sentinels && (options.replicas ?? 0) >= 1 ? undefined : 'needs a replicated Redis to fail over: add `store: { replicas: 1, sentinels: 3 }`';
    }
  },

  nodeNames: (options) => (options.cluster === undefined ? [] : RedisCluster.masterNames(options.cluster)),

  checkOptions(options) {
    const problems: StoreOptionProblem[] = [];
    if (options.cluster !== undefined) return clusterProblems(options);
    if (options.maxMemoryPolicy !== undefined && options.maxMemoryBytes === undefined) {
      problems.push({ inItself: true, field: 'maxmemoryPolicy', message: 'needs `maxmemory`: the policy says what Redis does at its memory limit, e.g. `{ maxmemory: 2MiB, maxmemoryPolicy: allkeys-lru }`' });
    }
    if (readsReplica(options) && options.replicas === undefined) {
      problems.push({ inItself: true, field: 'readFrom', message: 'needs `replicas`: a Redis replica to read from, e.g. `{ replicas: 1, readFrom: replica }`' });
    }
    if (readsReplica(options) && options.sentinels !== undefined) {
      problems.push({ inItself: true, field: 'readFrom', message: 'reading from replicas found through `sentinels` is not supported yet: use `replicas` without `sentinels`' });
    }
    if (options.replicationLatencyMs !== undefined && options.replicas === undefined) {
      problems.push({ inItself: true, field: 'replicationLatency', message: 'needs `replicas`: the lag is added on the link from the primary to its replicas' });
    }
    if (options.replicationLatencyMs !== undefined && options.sentinels !== undefined) {
      problems.push({ inItself: true, field: 'replicationLatency', message: 'is not supported with `sentinels` yet: after a failover Sentinels point replicas at the new primary\'s own address, around the proxy' });
    }
    if (!replicated(options)) return problems;
    if (options.sentinels !== undefined && options.replicas === undefined) {
      problems.push({ inItself: true, field: 'sentinels', message: 'needs `replicas` too: Sentinels promote a replica of the primary, e.g. `{ replicas: 1, sentinels: 3 }`' });
    }
    if (options.redisUrl !== undefined) {
      problems.push({ inItself: true, field: options.sentinels === undefined ? 'replicas' : 'sentinels', message: 'statebench starts the replicated Redis itself, so `store.redisUrl` cannot be used with it: remove one of them' });
    }
    for (const field of ['latency', 'jitter'] as const) {
      if ((field === 'latency' ? options.latencyMs : options.jitterMs) > 0) {
        if (options.sentinels !== undefined) problems.push({ inItself: true, field, message: 'is not supported with `store.sentinels` yet: the latency proxy fronts one Redis address, and replicas follow whichever server is primary' });
        else if (readsReplica(options)) problems.push({ inItself: true, field, message: `is not supported with \`readFrom: replica\` yet: ${READS_AROUND_PROXY.replace(/^the latency proxy /, 'the proxy ')}` });
      }
    }
    return problems;
  },

  async start(start, options) {
    if (options.redisUrl !== undefined) return external(options.redisUrl);
    if (!redisAvailable()) throw new TargetStartError('redis-server is not on the PATH: install Redis, or pass --redis-url');
    if (options.cluster !== undefined) return startCluster(start, options.cluster, options.replicas ?? 0);
    if (options.replicas !== undefined) return startReplicated(start, options);
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
  const counters = (): Promise<StoreCounterReading> => readCounters(server.port, server.password);
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
    counters,
    stop: () => server.stop().catch(() => {}),
    killSync: () => killPids([server.pid]),
  };
}

/** Redis' own expired and evicted key counts (`INFO stats`), since it last started. */
async function readCounters(port: number, password: string): Promise<StoreCounterReading> {
  const stats = await redisInfo(port, password, 'stats');
  return { source: 'redis INFO stats', expiredKeys: stats.get('expired_keys'), evictedKeys: stats.get('evicted_keys') };
}

async function startReplicated(start: StoreStartOptions, options: StoreOptions): Promise<StoreInstance> {
  // Loaded here only: ioredis (for the Sentinels) is not worth loading for a single server or `--help`.
  const { RedisHa, SENTINEL_MASTER_NAME } = await import('./redis-ha.js');
  const lagMs = options.replicationLatencyMs ?? 0;
  const link = start.linkProxy;
  const ha = new RedisHa({
    dir: start.dir,
    persistence: start.persistence,
    replicas: options.replicas ?? 1,
    sentinels: options.sentinels ?? 0,
    serverArgs: memoryArgs(start),
    cpuBudget: start.cpuBudget,
    // The lag sits on the replication link only: what replicas receive is late, writes are not.
    ...(lagMs > 0 && link !== undefined ? { replicationLink: (primary: { host: string; port: number }) => link(primary, lagMs) } : {}),
  });
  try {
    await ha.start();
  } catch (err) {
    await ha.stop();
    throw err;
  }
  const password = encodeURIComponent(ha.password);
  // With Sentinels, replicas ask them where the primary is, now and after every failover; one
  // password for the Sentinels and the servers. Without, they write to the primary and, with
  // `readFrom: replica`, read from the replicas the URL lists.
  const url = (): string =>
    ha.sentinels.length > 0
      ? `redis-sentinel://:${password}@${ha.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}/${SENTINEL_MASTER_NAME}`
      : `redis://:${password}@127.0.0.1:${ha.primary.port}${options.readFrom === 'replica' ? `/?${READ_REPLICAS_PARAM}=${ha.replicaAddresses.map((r) => `${r.host}:${r.port}`).join(',')}` : ''}`;
  const version = redisVersion();
  return {
    get url() {
      return url();
    },
    secret: ha.password,
    // Without Sentinels the primary stays where it is: the latency proxy can front it.
    get address() {
      return ha.sentinels.length > 0 ? undefined : { host: '127.0.0.1', port: ha.primary.port };
    },
    version,
    processes: () => ha.processes(),
    kill: () => ha.primary.kill(),
    restart: () => ha.primary.restart(),
    pause: () => ha.primary.pause(),
    resume: () => ha.primary.resume(),
    memory: () => redisMemory(ha.primary.port, ha.password),
    counters: () => readCounters(ha.primary.port, ha.password),
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
  if (readsReplica(options)) problems.push({ inItself: true, field: 'readFrom', message: 'is not supported with `store.cluster` yet: a cluster client reads from each slot\'s master' });
  if (options.replicationLatencyMs !== undefined) problems.push({ inItself: true, field: 'replicationLatency', message: 'is not supported with `store.cluster` yet: the lag is added on the link from one primary to its replicas' });
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
  if (start.maxMemoryBytes === undefined) return [];
  return ['--maxmemory', String(start.maxMemoryBytes), ...(start.maxMemoryPolicy === undefined ? [] : ['--maxmemory-policy', start.maxMemoryPolicy])];
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
