/**
 * The contract between statebench and a replica process. The parent forks
 * `dist/targets/server.js` with an IPC channel and `--config <json>`; the replica binds
 * 127.0.0.1 (the given port, or 0) and sends `{ type: 'ready', port, pid }`. Without an IPC
 * channel (started by hand, or in a container from its environment: targets/replica-config.ts)
 * it prints `listening http://<host>:<port>` as its first stdout line. A replica exits when its IPC channel closes, so it never outlives statebench.
 */
export interface ReplicaConfig {
  /** Shown in `X-Replica`, e.g. `replica-1`. */
  name: string;
  /** The store module to load: `targets/stores/<store>.ts` (`memory`, `redis`, `sqlite`, `cookie`, …). */
  store: string;
  /** 0 picks a free port. */
  port: number;
  /** The address to bind: 127.0.0.1 when statebench forks it (the default); 0.0.0.0 in a container. */
  host?: string;
  /** Session time to live, in seconds. */
  sessionTtlS: number;
  /**
   * What extends it: `true` every request (reads too), `false` nothing (it counts from login),
   * absent every save. Each store module honours it its own way (Redis GETEX, memcached touch…).
   */
  rolling?: boolean;
}

/**
 * The environment variable that carries the topology's secret (the cookie HMAC key, a store
 * password) to its replicas: never the command line, which every local user can read with `ps`.
 */
export const SECRET_ENV = 'STATEBENCH_STORE_SECRET';

/**
 * The environment variable that tells a replica where its store is, as the backend hands it
 * out: `redis://host:port`, `redis-sentinel://host:port,host:port/<name>` for a replicated
 * Redis (the replica asks those Sentinels where the primary is, and again after a failover),
 * `postgres://user:password@host:port/db`, or a file path for SQLite. By environment because a
 * URL may carry a password.
 */
export const STORE_URL_ENV = 'STATEBENCH_STORE_URL';

export type ReplicaMessage = { type: 'ready'; port: number; pid: number } | { type: 'fatal'; message: string };

export const HEADER_REPLICA = 'x-replica';
export const HEADER_SERVER_TIMING = 'server-timing';
export const SESSION_COOKIE = 'sid';
export const DEFAULT_SESSION_TTL_S = 1800;

/** `Server-Timing: store;dur=0.123, app;dur=0.456` (milliseconds, as the standard says). */
export function formatServerTiming(storeMs: number, appMs: number): string {
  return `store;dur=${storeMs.toFixed(3)}, app;dur=${appMs.toFixed(3)}`;
}
