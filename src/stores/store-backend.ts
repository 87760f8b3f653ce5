import type { CpuBudget } from '../process/cpu-budget.js';
import type { MaxMemoryPolicy, StoreOptions } from './store-options.js';

/**
 * A session store statebench runs for one topology (a server process it starts, or a file), and
 * the kind of store it is. Each backend is one file in src/stores/ listed in src/stores/index.ts;
 * nothing else in statebench switches on a store's name.
 */

/** How a backend is asked to start. Every server binds 127.0.0.1 on a free port. */
export interface StoreStartOptions {
  /** A temporary directory for the store's files, owned and removed by the caller. */
  dir: string;
  /** Keep data across a kill + restart (Redis `appendonly`, PostgreSQL `fsync`); off by default. */
  persistence: boolean;
  /** Session time to live in seconds (stores with their own expiry use it). */
  sessionTtlS: number;
  /** Memory limit of the store server in bytes (Redis `maxmemory`, Memcached `-m`); undefined: the server's default. */
  maxMemoryBytes?: number;
  /** What the server does at that limit (Redis `maxmemory-policy`; Memcached `-M` for `noeviction`). */
  maxMemoryPolicy?: MaxMemoryPolicy;
  /**
   * Puts a latency proxy in front of `upstream` that delays each direction by `oneWayMs`, and
   * resolves with the port to connect to instead: a replication link with lag
   * (`store.replicationLatency`). The caller stops it with the topology.
   */
  linkProxy?: (upstream: { host: string; port: number }, oneWayMs: number) => Promise<number>;
  /**
   * Makes the CPU budget (`hosts.storeCpu`) for one store server process, named after it
   * (`store`, `sentinel-1`): the server must be started inside it (CpuBudget.command), so what
   * it forks is inside too. The caller removes the budgets. Undefined: no budgets.
   */
  cpuBudget?: (name: string) => CpuBudget;
}

/** What a store holds at one instant: the figure memory per session is read from. */
export interface StoreMemory {
  /** Bytes the store uses for what it holds, as `measure` says. */
  bytes: number;
  /** How it was read, in the words reports print: `used_memory (INFO memory)`. */
  measure: string;
  /** Sessions it holds (keys, rows, items), when it can count them. */
  sessions?: number;
}

/** A running store. Methods that change its state resolve once the change has taken effect. */
export interface StoreInstance {
  /**
   * What replicas connect to (given to the target store module as `url`):
   * `redis://127.0.0.1:PORT`, `memcached://127.0.0.1:PORT`, `postgres://user:pw@127.0.0.1:PORT/db`,
   * or a file path for SQLite.
   */
  readonly url: string;
  /** The TCP address behind `url`, where a latency proxy can sit; undefined when there is no network hop. */
  readonly address: { host: string; port: number } | undefined;
  /**
   * The store's password, when it has one: replicas get it (by environment, never argv) as the
   * target store module's `secret`. Without one, the topology makes a random secret (the cookie key).
   */
  readonly secret?: string;
  /** Server version for the result's environment block, e.g. `1.6.18`. */
  readonly version: string | undefined;
  /**
   * PIDs of every process of the store now, by component name (`store`, `store-replica-1`, …);
   * several processes of one component are `name#n` (PostgreSQL's backends: `store#4242`), and
   * their CPU is reported as the component's.
   */
  processes(): Map<string, number>;
  /** SIGKILL the server (or the one node named, of a store that has several); resolves once it has exited. */
  kill(node?: string): Promise<void>;
  /** Starts a killed server (or node) again on the same port; resolves when it answers. */
  restart(node?: string): Promise<void>;
  /** The nodes `kill` and `restart` can name (a Redis Cluster's `master-2`); absent: none. */
  nodes?(): readonly string[];
  /** Freezes the store (SIGSTOP, or a held lock); resolves once frozen. */
  pause(): Promise<void>;
  /** Undoes `pause`; resolves when the store answers again. */
  resume(): Promise<void>;
  /** Kills the primary of a replicated store and resolves once a replica was promoted (its address). */
  failover?(): Promise<{ promoted: string; tookMs: number }>;
  /**
   * What the store holds now (its memory, or its table's size on disk), read at the end of a run
   * for memory per session; undefined when it cannot say. Never throws.
   */
  memory?(): Promise<StoreMemory | undefined>;
  /**
   * The store's own counters now (cumulative since it started; Redis `INFO stats`), so a run can
   * print them beside its own counts. Absent when the store has none.
   */
  counters?(): Promise<StoreCounterReading>;
  /** Stops everything it started. Idempotent; never throws. */
  stop(): Promise<void>;
  /** Last resort from a process 'exit' hook: SIGKILL every process, synchronously. */
  killSync(): void;
}

/** A reading of a store's own counters: cumulative since its (last) start. */
export interface StoreCounterReading {
  /** `redis INFO stats`, `memcached stats`. */
  source: string;
  expiredKeys?: number;
  evictedKeys?: number;
}

/**
 * What a store fault needs of a store: a process statebench owns (`kill`, `restart`), a way to
 * freeze it (`pause`), a network hop the proxy can sit in (`network`: latency and the network
 * faults), a replica to promote (`failover`).
 */
export type StoreAction = 'process' | 'pause' | 'network' | 'failover';

/** A problem with a scenario's `store:` settings for one backend. */
export interface StoreOptionProblem {
  /** The field under `store:`, e.g. `latency`. */
  field: string;
  message: string;
  /**
   * The setting is wrong in itself (`replicas` without `sentinels`), whichever architecture
   * reads it; otherwise it is this store that cannot honour it, and the message names the
   * architectures concerned.
   */
  inItself?: boolean;
}

/** One kind of session store, keyed by the word architecture descriptors name it by. */
export interface StoreBackend {
  /** `redis`, `sqlite`, `memcached`, `postgres`. */
  readonly name: string;
  /** How people call it in a sentence: `Redis`, `an SQLite file`. */
  readonly title: string;
  /**
   * The `store:` settings it honours, as written in a file (`persistence`, `replicas`,
   * `maxmemory`): a setting no architecture of a scenario would honour is pointed out.
   */
  readonly settings: readonly string[];
  /** How `pause` freezes it, for the fault event: `SIGSTOP`, `write lock held`. */
  readonly pauseHow: string;
  /**
   * It serves every request on one thread (Redis): a full core is its ceiling whatever its CPU
   * budget, which the capacity search names as the store's single thread.
   */
  readonly singleThreaded?: boolean;
  /** At its memory limit with no `maxmemoryPolicy`, it evicts sessions (Memcached) rather than refusing writes (Redis). */
  readonly evictsByDefault?: boolean;
  /** The installed server's version (`7.0.15`), for the result's environment; undefined when unknown. */
  version(): string | undefined;
  /** Why it cannot run on this machine (its server is not installed), or undefined. */
  unavailable(options: StoreOptions): string | undefined;
  /** Why a store fault needing `action` cannot act on this store with these settings, or undefined. */
  refuses(action: StoreAction, options: StoreOptions): string | undefined;
  /** Settings of the scenario this store cannot honour (say `store.replicas` on SQLite). */
  checkOptions(options: StoreOptions): StoreOptionProblem[];
  /** The nodes a store fault may name with these settings (`master-1`…), before anything starts; empty: none. */
  nodeNames?(options: StoreOptions): readonly string[];
  /** Starts the store; on failure, whatever it started is stopped before it rejects. */
  start(start: StoreStartOptions, options: StoreOptions): Promise<StoreInstance>;
}
