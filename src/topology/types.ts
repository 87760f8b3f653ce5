import type { EventEmitter } from 'node:events';

/**
 * The names users write in a scenario's `architectures:` list. `redis-atomic` and `sqlite-tx`
 * keep state where `redis` and `sqlite` do, but change a cart atomically in the store, so
 * concurrent requests of one session (`load.parallelPerSession`) cannot overwrite each other.
 */
export type ArchitectureName = 'sticky' | 'redis' | 'redis-atomic' | 'sqlite' | 'sqlite-tx' | 'cookie';
export const ARCHITECTURES: readonly ArchitectureName[] = ['sticky', 'redis', 'redis-atomic', 'sqlite', 'sqlite-tx', 'cookie'];

/** Architectures whose replicas need Redis: a redis-server statebench starts, or `--redis-url`. */
export const REDIS_ARCHITECTURES: readonly ArchitectureName[] = ['redis', 'redis-atomic'];

/** What statebench believes about a replica process (not what the router has observed). */
export type ReplicaState = 'starting' | 'up' | 'paused' | 'killed' | 'stopped';

export interface Replica {
  readonly name: string;
  /** Origin, e.g. `http://127.0.0.1:41234`; can change when a restart cannot rebind the port. */
  url: string;
  pid: number | undefined;
  state: ReplicaState;
}

/** The external store process (Redis) or file (SQLite), when the architecture has one. */
export interface StoreHandle {
  readonly kind: 'redis' | 'sqlite';
  /** `redis://127.0.0.1:PORT` or the SQLite file path. */
  readonly url: string;
  /** Present when statebench started the process itself (so it can kill and measure it). */
  readonly pid: number | undefined;
}

/**
 * Emitted events: `replica-added` (Replica), `replica-removed` (Replica), `replica-state` (Replica).
 * The router listens to learn about new replicas; it must NOT learn about kills this way
 * (a real balancer only sees refused connections and failing health checks).
 */
export interface Topology extends EventEmitter {
  readonly architecture: ArchitectureName;
  /** Current replicas, in creation order; removed replicas are dropped from the list. */
  readonly replicas: readonly Replica[];
  readonly store: StoreHandle | undefined;
  /** PIDs of every process this topology runs now, by component name (`replica-1`, `store`). */
  processes(): Map<string, number>;

  /** SIGKILL; resolves once the process has exited. `name` omitted: a random live replica. */
  kill(name?: string): Promise<Replica>;
  /** Starts a killed or stopped replica again (same name, same port when possible); resolves when healthy. */
  restart(name?: string): Promise<Replica>;
  /** SIGSTOP; resolves once the kernel reports the process stopped. */
  pause(name?: string): Promise<Replica>;
  /** SIGCONT; resolves once `/healthz` answers. */
  resume(name?: string): Promise<Replica>;
  addReplica(): Promise<Replica>;
  /**
   * Takes the newest live replica (or `name`) out of the balancer (`replica-removed`), then
   * stops it (SIGTERM: in-flight requests finish; SIGKILL after a grace period).
   */
  removeReplica(name?: string): Promise<Replica>;
  /**
   * One step of a rolling deploy: out of the balancer, graceful stop, start again (same name,
   * same port when possible), back in the balancer (`replica-added`) once `/healthz` answers.
   */
  redeploy(name: string): Promise<Replica>;
  killStore(): Promise<void>;
  restartStore(): Promise<void>;
  pauseStore(): Promise<void>;
  resumeStore(): Promise<void>;
  /** Changes the delay the store latency proxy adds from now on; rejects when there is no proxy. */
  setStoreLatency(setting: { latencyMs: number; jitterMs: number }): Promise<void>;
  /** SIGKILLs the Redis primary; resolves once the Sentinels promoted a replica (its address). */
  failoverStore(): Promise<{ promoted: string; tookMs: number }>;

  /** Stops everything and removes temp files. Idempotent; never throws. */
  stop(): Promise<void>;
}

export interface TopologyOptions {
  architecture: ArchitectureName;
  replicas: number;
  /** Use this Redis instead of starting one (then store faults are refused). */
  redisUrl?: string;
  /** Keep Redis persistence on (`appendonly yes`); off by default. */
  redisPersistence?: boolean;
  sessionTtlS?: number;
  /**
   * Put a latency proxy between the replicas and Redis, adding this per round trip from the
   * start (0 is allowed: the proxy is then in the path, ready for `setStoreLatency`).
   */
  storeLatency?: { latencyMs: number; jitterMs: number };
  /** A replicated Redis: a primary, `replicas` replicas and `sentinels` Sentinels. */
  redisReplication?: { replicas: number; sentinels: number };
}

/**
 * The load balancer, done inside the load engine so it adds no network hop. Implemented in
 * src/topology/router.ts (`createRouter(topology, { sticky })`).
 */
export interface Router {
  readonly sticky: boolean;
  /**
   * The replica for the next request. `pinned` is the replica a session last talked to: a sticky
   * router returns it while it is believed up, otherwise (and always for non-sticky routers) the
   * next replica believed up, round robin. Undefined when no replica is believed up.
   * Must not allocate: it runs once per request.
   */
  pick(pinned?: Replica): Replica | undefined;
  /**
   * Passive health checking: the engine reports a refused, reset or timed-out request. The
   * replica is marked down until its `/healthz` answers again (polled in the background).
   */
  reportFailure(replica: Replica): void;
  isUp(replica: Replica): boolean;
  /** Stops health polling. */
  close(): void;
}
