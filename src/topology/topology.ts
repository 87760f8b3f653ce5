import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SESSION_TTL_S, type ReplicaConfig } from '../../targets/protocol.js';
import { EXIT, InvalidInputError, StatebenchError, TargetStartError } from '../errors.js';
import { LatencyProxyProcess } from './latency-proxy-process.js';
import { RedisHa, SENTINEL_MASTER_NAME } from '../stores/redis-ha.js';
import { RedisServer, redisAvailable } from '../stores/redis-server.js';
import { SqliteLock } from '../stores/sqlite-lock.js';
import { guardDir, releaseDir } from '../process/reaper.js';
import { ReplicaProcess } from './replica-process.js';
import {
  ARCHITECTURES,
  REDIS_ARCHITECTURES,
  type ArchitectureName,
  type Replica,
  type StoreHandle,
  type Topology,
  type TopologyOptions,
} from './types.js';

/** The store each architecture's replicas use (targets/stores). */
export const STORE_OF: Record<ArchitectureName, string> = {
  sticky: 'memory',
  redis: 'redis',
  'redis-atomic': 'redis-atomic',
  sqlite: 'sqlite',
  'sqlite-tx': 'sqlite-tx',
  cookie: 'cookie',
};

/** A fault the topology cannot apply, e.g. a store fault against a Redis it did not start. */
export class TopologyOperationError extends StatebenchError {
  constructor(message: string) {
    super(message, 'STATEBENCH_TOPOLOGY_OPERATION', EXIT.runFailed);
  }
}

/** Topologies started and not yet stopped, so the CLI can stop them all on Ctrl-C or a crash. */
const live = new Set<LiveTopology>();
let exitHookInstalled = false;

/**
 * Stops every live topology (never throws). The CLI calls it from its SIGINT/SIGTERM and
 * uncaught-error handlers; library code installs no signal handlers of its own.
 */
export async function stopAllTopologies(): Promise<void> {
  await Promise.allSettled([...live].map((t) => t.stop()));
}

/**
 * Starts the store (a redis-server process, or a SQLite file in a fresh temp dir), then
 * `opts.replicas` replicas in parallel named `replica-1..N`; resolves once every replica answers
 * /healthz. On failure everything already started is stopped before the error is thrown.
 */
export async function startTopology(opts: TopologyOptions): Promise<Topology> {
  validate(opts);
  const topology = new LiveTopology(opts);
  live.add(topology);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A normal exit that skipped stop(): children are still ours to end, synchronously.
    process.once('exit', () => {
      for (const t of live) t.killSync();
    });
  }
  try {
    await topology.init();
    return topology;
  } catch (err) {
    await topology.stop();
    throw err;
  }
}

function validate(opts: TopologyOptions): void {
  const problems: { file: string; path: string; message: string }[] = [];
  if (!ARCHITECTURES.includes(opts.architecture)) {
    problems.push({ file: 'topology', path: 'architecture', message: `must be one of ${ARCHITECTURES.join(', ')}` });
  }
  if (!Number.isInteger(opts.replicas) || opts.replicas < 1) {
    problems.push({ file: 'topology', path: 'replicas', message: 'must be an integer of at least 1' });
  }
  if (opts.redisUrl !== undefined && !REDIS_ARCHITECTURES.includes(opts.architecture)) {
    problems.push({ file: 'topology', path: 'redisUrl', message: `only applies to the ${REDIS_ARCHITECTURES.join(' and ')} architectures` });
  }
  if (problems.length > 0) throw new InvalidInputError(problems);
}

class LiveTopology extends EventEmitter implements Topology {
  readonly architecture: ArchitectureName;
  store: StoreHandle | undefined;
  private readonly list: ReplicaProcess[] = [];
  /** Every replica ever created, including ones starting or removed, so stop() misses none. */
  private readonly all = new Set<ReplicaProcess>();
  private redis: RedisServer | undefined;
  private ha: RedisHa | undefined;
  private proxy: LatencyProxyProcess | undefined;
  /** Holds the SQLite write lock during `store-pause`. */
  private sqliteLock: SqliteLock | undefined;
  private tempDir: string | undefined;
  private replicaConfig: Omit<ReplicaConfig, 'name' | 'port'>;
  private nextIndex = 1;
  private stopping: Promise<void> | undefined;

  constructor(private readonly opts: TopologyOptions) {
    super();
    this.architecture = opts.architecture;
    this.replicaConfig = { store: STORE_OF[opts.architecture], sessionTtlS: opts.sessionTtlS ?? DEFAULT_SESSION_TTL_S };
  }

  get replicas(): readonly Replica[] {
    return this.list;
  }

  async init(): Promise<void> {
    await this.startStore();
    await Promise.all(Array.from({ length: this.opts.replicas }, () => this.createReplica()));
    // Parallel starts finish in any order; keep creation order as the contract says.
    this.list.sort((a, b) => replicaIndex(a) - replicaIndex(b));
  }

  processes(): Map<string, number> {
    const pids = new Map<string, number>();
    for (const r of this.list) if (r.running && r.pid !== undefined) pids.set(r.name, r.pid);
    const storePid = this.redis?.pid;
    if (storePid !== undefined) pids.set('store', storePid);
    for (const [name, pid] of this.ha?.processes() ?? []) pids.set(name, pid);
    const proxyPid = this.proxy?.pid;
    if (proxyPid !== undefined) pids.set('store-proxy', proxyPid);
    return pids;
  }

  async kill(name?: string): Promise<Replica> {
    const r = this.choose(name, (x) => x.state === 'up', 'kill');
    await r.kill();
    return r;
  }

  async restart(name?: string): Promise<Replica> {
    this.assertRunning();
    const r =
      name !== undefined
        ? this.find(name)
        : (this.list.find((x) => x.state === 'killed' || x.state === 'stopped') ?? this.choose(undefined, (x) => x.state === 'up', 'restart'));
    if (r.state === 'starting') throw new TopologyOperationError(`${r.name} is already starting`);
    if (r.running) await r.stop();
    await r.start();
    return r;
  }

  async pause(name?: string): Promise<Replica> {
    const r = this.choose(name, (x) => x.state === 'up', 'pause');
    await r.pause();
    return r;
  }

  async resume(name?: string): Promise<Replica> {
    const r = this.choose(name, (x) => x.state === 'paused', 'resume');
    await r.resume();
    return r;
  }

  async addReplica(): Promise<Replica> {
    this.assertRunning();
    return this.createReplica();
  }

  async removeReplica(name?: string): Promise<Replica> {
    this.assertRunning();
    let r: ReplicaProcess | undefined;
    if (name !== undefined) r = this.find(name);
    else {
      for (let i = this.list.length - 1; i >= 0 && r === undefined; i--) {
        if (this.list[i].state === 'up' || this.list[i].state === 'paused') r = this.list[i];
      }
    }
    if (r === undefined) throw new TopologyOperationError('removeReplica: no live replica to remove');
    // Out of the balancer first, as an orchestrator deregisters a replica before stopping it:
    // in-flight requests drain and no new one is sent to a closing port.
    this.list.splice(this.list.indexOf(r), 1);
    this.emit('replica-removed', r);
    await r.stop();
    this.all.delete(r);
    return r;
  }

  async redeploy(name: string): Promise<Replica> {
    this.assertRunning();
    const r = this.find(name);
    if (r.state === 'starting') throw new TopologyOperationError(`${r.name} is already starting`);
    this.emit('replica-removed', r);
    try {
      if (r.running) await r.stop();
      await r.start();
    } finally {
      // Back in the balancer even if the start failed: it then learns so from refusals and
      // health checks, as it would of any broken replica.
      if (this.list.includes(r)) this.emit('replica-added', r);
    }
    return r;
  }

  async killStore(): Promise<void> {
    await this.ownedRedis('killStore').kill();
  }

  async restartStore(): Promise<void> {
    await this.ownedRedis('restartStore').restart();
  }

  async pauseStore(): Promise<void> {
    if (this.store?.kind === 'sqlite') {
      this.assertRunning();
      this.sqliteLock ??= new SqliteLock(this.store.url);
      await this.sqliteLock.acquire();
      return;
    }
    await this.ownedRedis('pauseStore').pause();
  }

  async resumeStore(): Promise<void> {
    if (this.store?.kind === 'sqlite') {
      this.sqliteLock?.release();
      return;
    }
    await this.ownedRedis('resumeStore').resume();
  }

  async setStoreLatency(setting: { latencyMs: number; jitterMs: number }): Promise<void> {
    this.assertRunning();
    if (this.proxy === undefined) {
      throw new TopologyOperationError(`setStoreLatency: no latency proxy in front of the store (architecture ${this.architecture}); start the topology with storeLatency`);
    }
    await this.proxy.set(setting);
  }

  async failoverStore(): Promise<{ promoted: string; tookMs: number }> {
    this.assertRunning();
    if (this.ha === undefined) throw new TopologyOperationError('failoverStore: needs a replicated Redis (start the topology with redisReplication)');
    const { port, tookMs } = await this.ha.failover();
    return { promoted: `127.0.0.1:${port}`, tookMs };
  }

  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  /** Last resort from the process 'exit' hook, where nothing asynchronous can run. */
  killSync(): void {
    for (const r of this.all) if (r.running && r.pid !== undefined) trySignal(r.pid);
    const storePid = this.redis?.pid;
    if (storePid !== undefined) trySignal(storePid);
    for (const pid of this.ha?.processes().values() ?? []) trySignal(pid);
    if (this.proxy?.pid !== undefined) trySignal(this.proxy.pid);
    if (this.tempDir !== undefined) rmSync(this.tempDir, { recursive: true, force: true });
  }

  private async stopAll(): Promise<void> {
    live.delete(this);
    await Promise.allSettled([...this.all].map((r) => r.stop()));
    try {
      this.sqliteLock?.release();
      await Promise.all([this.redis?.stop(), this.ha?.stop(), this.proxy?.stop()]);
    } catch {
      // stop() never throws; the watchdog still guards the pid if this failed.
    }
    if (this.tempDir !== undefined) {
      try {
        rmSync(this.tempDir, { recursive: true, force: true });
        releaseDir(this.tempDir);
      } catch {
        // Left for the watchdog, which removes it when statebench exits.
      }
    }
  }

  private async startStore(): Promise<void> {
    switch (this.architecture) {
      case 'redis':
      case 'redis-atomic': {
        if (this.opts.redisUrl !== undefined) {
          this.replicaConfig.redisUrl = await this.proxied(this.opts.redisUrl);
          this.store = { kind: 'redis', url: this.opts.redisUrl, pid: undefined };
          return;
        }
        if (!redisAvailable()) {
          throw new TargetStartError('redis-server is not on the PATH: install Redis, or pass --redis-url');
        }
        if (this.opts.redisReplication !== undefined) {
          await this.startReplicatedRedis(this.opts.redisReplication);
          return;
        }
        this.redis = new RedisServer({ dir: this.makeTempDir(), persistence: this.opts.redisPersistence });
        await this.redis.start();
        this.replicaConfig.redisUrl = await this.proxied(this.redis.url);
        const redis = this.redis;
        this.store = {
          kind: 'redis',
          get url() {
            return redis.url;
          },
          get pid() {
            return redis.pid;
          },
        };
        return;
      }
      case 'sqlite':
      case 'sqlite-tx': {
        const path = join(this.makeTempDir(), 'sessions.db');
        // Loaded here only: the addon costs startup time the other architectures need not pay.
        const { prepareSqliteFile } = await import('../../targets/stores/sqlite.js');
        prepareSqliteFile(path);
        this.replicaConfig.sqlitePath = path;
        this.store = { kind: 'sqlite', url: path, pid: undefined };
        return;
      }
      case 'cookie':
        this.replicaConfig.cookieSecret = randomBytes(32).toString('base64url');
        return;
      case 'sticky':
        return;
    }
  }

  /**
   * The URL replicas should use for `url`: itself, or the latency proxy's address in front of it
   * when the topology asks for store latency (from the start, so every connection goes through it).
   */
  private async proxied(url: string): Promise<string> {
    if (this.opts.storeLatency === undefined) return url;
    const parsed = new URL(url);
    this.proxy = new LatencyProxyProcess({ host: parsed.hostname, port: Number(parsed.port || 6379) }, this.opts.storeLatency);
    await this.proxy.start();
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.proxy.port);
    return parsed.toString();
  }

  private async startReplicatedRedis(replication: { replicas: number; sentinels: number }): Promise<void> {
    const ha = new RedisHa({ dir: this.makeTempDir(), persistence: this.opts.redisPersistence, ...replication });
    this.ha = ha;
    await ha.start();
    // Replicas ask the Sentinels where the primary is, now and after every failover.
    this.replicaConfig.redisUrl = `redis-sentinel://${ha.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}/${SENTINEL_MASTER_NAME}`;
    this.store = {
      kind: 'redis',
      get url() {
        return ha.primary.url;
      },
      get pid() {
        return ha.primary.pid;
      },
    };
  }

  private makeTempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), `statebench-${this.architecture}-`));
    this.tempDir = dir;
    guardDir(dir);
    return dir;
  }

  private async createReplica(): Promise<ReplicaProcess> {
    const r = new ReplicaProcess(`replica-${this.nextIndex++}`, this.replicaConfig, (x) => this.emit('replica-state', x));
    this.all.add(r);
    try {
      await r.start();
    } catch (err) {
      this.all.delete(r);
      throw err;
    }
    if (this.stopping !== undefined) {
      // stop() ran while this replica was starting; it was in `all`, so it has been stopped.
      await r.stop();
      throw new TopologyOperationError('topology stopped while a replica was starting');
    }
    this.list.push(r);
    // Replicas started together (init, `scale: +N`) come up in any order; the list stays in
    // creation order, so "the newest" that removeReplica takes is the highest-numbered one.
    this.list.sort((a, b) => replicaIndex(a) - replicaIndex(b));
    this.emit('replica-added', r);
    return r;
  }

  private find(name: string): ReplicaProcess {
    const r = this.list.find((x) => x.name === name);
    if (r === undefined) {
      throw new TopologyOperationError(`no replica named ${name} (have ${this.list.map((x) => x.name).join(', ')})`);
    }
    return r;
  }

  /** The named replica, or a random one matching `eligible`. */
  private choose(name: string | undefined, eligible: (r: ReplicaProcess) => boolean, op: string): ReplicaProcess {
    this.assertRunning();
    if (name !== undefined) return this.find(name);
    const candidates = this.list.filter(eligible);
    if (candidates.length === 0) throw new TopologyOperationError(`${op}: no replica in a state that allows it`);
    return candidates[Math.floor(Math.random() * candidates.length)];
  }

  private ownedRedis(op: string): RedisServer {
    this.assertRunning();
    if (this.redis === undefined) {
      throw new TopologyOperationError(
        `${op}: store faults need a redis-server started by statebench (architecture ${this.architecture}` +
          `${this.opts.redisUrl !== undefined ? ', external --redis-url' : ''}${this.ha !== undefined ? ', replicated: use failoverStore' : ''})`,
      );
    }
    return this.redis;
  }

  private assertRunning(): void {
    if (this.stopping !== undefined) throw new TopologyOperationError('the topology has been stopped');
  }
}

function replicaIndex(r: Replica): number {
  return Number(r.name.slice(r.name.lastIndexOf('-') + 1));
}

function trySignal(pid: number): void {
  try {
    process.kill(pid, 'SIGCONT');
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
