import { Pool } from 'undici';
import type { Replica } from '../topology/types.js';

/**
 * One keep-alive undici Pool per replica origin. Keyed by URL rather than by replica, because a
 * restarted replica that could not rebind its port comes back at another address.
 */
export class ReplicaPools {
  readonly #pools = new Map<string, Pool>();

  constructor(
    /** Most requests one replica can have in flight from this engine. */
    private readonly connections: number,
    private readonly connectTimeoutMs: number,
  ) {}

  get(replica: Replica): Pool {
    let pool = this.#pools.get(replica.url);
    if (pool === undefined) {
      pool = new Pool(replica.url, {
        connections: this.connections,
        pipelining: 1,
        connect: { timeout: this.connectTimeoutMs },
        // Long keep-alive: reconnecting mid-run would be measured as latency that real
        // balancers with pooled upstream connections do not pay.
        keepAliveTimeout: 60_000,
        keepAliveMaxTimeout: 600_000,
      });
      this.#pools.set(replica.url, pool);
    }
    return pool;
  }

  /** Destroys every pool; in-flight requests fail and must be ignored by their handlers. */
  async destroy(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.allSettled(pools.map((p) => p.destroy()));
  }
}
