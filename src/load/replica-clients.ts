import { Client } from 'undici';
import type { Replica } from '../topology/types.js';

/**
 * One keep-alive undici Client per (tab, replica): each tab of each virtual user has its own
 * connection to every replica it talks to, as a browser tab would behind a balancer that keeps
 * upstream connections. A Client per connection costs about 1 µs of CPU less per request than a
 * Pool's connection bookkeeping (bench/generator), and a tab never waits for a connection.
 * Keyed by URL rather than by replica, because a restarted replica that could not rebind its
 * port comes back at another address.
 */
export class ReplicaClients {
  readonly #byUrl = new Map<string, (Client | undefined)[]>();

  constructor(
    /** Number of tab slots (users × parallel requests per session). */
    private readonly slots: number,
    private readonly connectTimeoutMs: number,
  ) {}

  get(replica: Replica, slot: number): Client {
    let clients = this.#byUrl.get(replica.url);
    if (clients === undefined) {
      clients = new Array<Client | undefined>(this.slots);
      this.#byUrl.set(replica.url, clients);
    }
    let client = clients[slot];
    if (client === undefined) {
      client = new Client(replica.url, {
        pipelining: 1,
        connect: { timeout: this.connectTimeoutMs },
        // Long keep-alive: reconnecting mid-run would be measured as latency that real
        // balancers with pooled upstream connections do not pay.
        keepAliveTimeout: 60_000,
        keepAliveMaxTimeout: 600_000,
      });
      clients[slot] = client;
    }
    return client;
  }

  /** Destroys every client; in-flight requests fail and must be ignored by their handlers. */
  async destroy(): Promise<void> {
    const all = [...this.#byUrl.values()].flat().filter((c): c is Client => c !== undefined);
    this.#byUrl.clear();
    await Promise.allSettled(all.map((c) => c.destroy()));
  }
}
