import type { EventEmitter } from 'node:events';
import type { Architecture } from '../architectures/architecture.js';
import type { StoreMemory } from '../stores/store-backend.js';
import type { StoreOptions } from '../stores/store-options.js';
import type { StoreCounterReading } from '../stores/store-backend.js';
import type { ProxyToxic } from './latency-proxy.js';

/** What statebench believes about a replica process (not what the router has observed). */
export type ReplicaState = 'starting' | 'up' | 'paused' | 'killed' | 'stopped';

/** One application replica of a topology: its name, URL, process and state. */
export interface Replica {
  readonly name: string;
  /** Origin, e.g. `http://127.0.0.1:41234`; can change when a restart cannot rebind the port. */
  url: string;
  pid: number | undefined;
  state: ReplicaState;
}

/** The store of a topology, when its architecture has one. */
export interface StoreHandle {
  /** The backend's name (`redis`, `sqlite`, …). */
  readonly kind: string;
  /** What replicas are told to connect to (before any latency proxy): a URL or the SQLite file path. */
  readonly url: string;
  /** The main store process, when statebench started one (so it can kill and measure it). */
  readonly pid: number | undefined;
  /** The store server's version, when known. */
  readonly version: string | undefined;
}

/**
 * A load balancer in front of the replicas (HAProxy), told of every change of the replica set
 * the way an orchestrator tells it: a replica leaves before it stops, and joins once it serves.
 * It is a component of its own, which can fail.
 */
export interface FrontBalancer {
  /** `haproxy`. */
  readonly kind: string;
  /** The one URL every request goes to. */
  readonly url: string;
  readonly pid: number | undefined;
  /** Out of rotation, in-flight requests drained; `forGood`: removed (scale in), else back after a restart (deploy). */
  leave(replica: Replica, opts: { forGood: boolean }): Promise<void>;
  /** In rotation at its current address, once it answers /healthz; `isNew`: a replica the balancer never had (scale out). */
  join(replica: Replica, opts: { isNew: boolean }): Promise<void>;
  /** SIGKILL; it stays down until `restart`. */
  kill(): Promise<void>;
  /** Starts again on the same port; resolves when it accepts connections. */
  restart(): Promise<void>;
  /** Idempotent; never throws. */
  stop(): Promise<void>;
  killSync(): void;
}

/**
 * Emitted events: `replica-added` (Replica), `replica-removed` (Replica), `replica-state` (Replica).
 * The router listens to learn about new replicas; it must NOT learn about kills this way
 * (a real balancer only sees refused connections and failing health checks).
 */
export interface Topology extends EventEmitter {
  readonly architecture: Architecture;
  /** Current replicas, in creation order; removed replicas are dropped from the list. */
  readonly replicas: readonly Replica[];
  readonly store: StoreHandle | undefined;
  /** The balancer in front, when one is attached (requests then go to its URL, not to replicas). */
  readonly balancer: FrontBalancer | undefined;
  /** Puts a balancer in front: from now on it hears of every replica leaving and joining, and stops with the topology. */
  attachBalancer(balancer: FrontBalancer): void;
  /** SIGKILL the balancer in front; rejects when there is none. */
  killBalancer(): Promise<void>;
  /** Starts the killed balancer again on its port. */
  restartBalancer(): Promise<void>;
  /** PIDs of every process this topology runs now, by component name (`replica-1`, `store`). */
  processes(): Map<string, number>;
  /**
   * The CPU budget, in cores, of each component that has one (`replica-1`, `store`), including
   * components no longer running; empty without `hosts`.
   */
  cpuBudgets?(): Map<string, number>;

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
  /** `node`: one node of a store that has several (a Redis Cluster's `master-2`); absent: the whole store. */
  killStore(node?: string): Promise<void>;
  restartStore(node?: string): Promise<void>;
  pauseStore(): Promise<void>;
  resumeStore(): Promise<void>;
  /** What the store holds now (memory per session), when it can say; undefined without a store. Never throws. */
  storeMemory?(): Promise<StoreMemory | undefined>;
  /** Changes the delay the store latency proxy adds from now on; rejects when there is no proxy. */
  setStoreLatency(setting: { latencyMs: number; jitterMs: number }): Promise<void>;
  /**
   * Puts a network fault on the link between replicas and store (through the same proxy as the
   * latency), or lifts it (`on: false`); rejects when there is no proxy.
   */
  setStoreToxic(toxic: ProxyToxic, on: boolean): Promise<void>;
  /** Kills the primary of a replicated store; resolves once a replica was promoted (its address). */
  failoverStore(): Promise<{ promoted: string; tookMs: number }>;
  /**
   * The store's own counters now (Redis `INFO stats`: expired and evicted keys), cumulative since
   * it last started; undefined when it has none. Optional: topologies made elsewhere (tests) may lack it.
   */
  storeCounters?(): Promise<StoreCounterReading | undefined>;

  /** Stops everything and removes temp files. Idempotent; never throws. */
  stop(): Promise<void>;
}

/** What `startTopology` starts: an architecture, its replica count, store options and added latency, CPU budgets. */
export interface TopologyOptions {
  /** The architecture's name, as users write it (`redis`). */
  architecture: string;
  replicas: number;
  /** Store settings (defaults: STORE_DEFAULTS); only those the architecture's store uses matter. */
  store?: Partial<StoreOptions>;
  /**
   * Put a latency proxy between the replicas and the store, adding this per round trip from the
   * start (0 is allowed: the proxy is then in the path, ready for `setStoreLatency`).
   */
  storeLatency?: { latencyMs: number; jitterMs: number };
  /** CPU budgets: each replica and each store process in a cgroup of its own with this quota. */
  hosts?: HostBudgets;
}

/**
 * Each replica and each store server as a small host of its own: at most this many cores
 * (1.0 = one full core) for every replica, and for every store server process with what it
 * forks (PostgreSQL's backends). Absent: no limit.
 */
export interface HostBudgets {
  replicaCpuCores?: number;
  storeCpuCores?: number;
}

/**
 * The load balancer, done inside the load engine so it adds no network hop. Implemented in
 * src/topology/router.ts (`createRouter(topology, { sticky })`).
 */
export interface Router {
  readonly sticky: boolean;
  /**
   * Every request goes to one balancer, which picks the replica: the engine then learns which
   * replica served a request from its `X-Replica` header instead of from `pick`.
   */
  readonly attributesByHeader?: boolean;
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
