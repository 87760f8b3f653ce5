import { Client } from 'undici';
import type { Replica } from '../topology/types.js';
import type { Exchange } from './exchange.js';
import { HttpConnection } from './http-connection.js';

/**
 * Which HTTP client carries the engine's requests: statebench's own keep-alive connection
 * (http-connection.ts, the default: cheaper per request, and a connection is reused from inside
 * the previous response's callback) or undici's Client (kept for comparison and as a fallback).
 */
export type HttpClientKind = 'builtin' | 'undici';

/** What the engine needs of a connection. */
interface Connection {
  dispatch(req: Exchange['request'], handler: Exchange): boolean;
}

/** How often in-flight requests of builtin connections are checked against their timeout. */
function sweepPeriodMs(timeoutMs: number): number {
  return Math.min(100, Math.max(5, Math.floor(timeoutMs / 20)));
}

/**
 * One keep-alive connection per (tab, replica): each tab of each virtual user has its own
 * connection to every replica it talks to, as a browser tab would behind a balancer that keeps
 * upstream connections, and a tab never waits for a connection. (With undici, a Client per
 * connection costs about 1 µs of CPU less per request than a Pool's bookkeeping.) Keyed by URL
 * rather than by replica, because a restarted replica that could not rebind its port comes back
 * at another address.
 */
export class ReplicaClients {
  readonly #byUrl = new Map<string, (Connection | undefined)[]>();
  readonly #builtin: HttpConnection[] = [];
  #sweep: NodeJS.Timeout | undefined;

  constructor(
    /** Number of tab slots (users × parallel requests per session). */
    private readonly slots: number,
    /** Connect, headers and body timeout, ms. */
    private readonly timeoutMs: number,
    private readonly kind: HttpClientKind = 'builtin',
    /** Read `X-Replica` from every response: a balancer in front chose the replica. */
    private readonly readReplica = false,
  ) {}

  get(replica: Replica, slot: number): Connection {
    let clients = this.#byUrl.get(replica.url);
    if (clients === undefined) {
      clients = new Array<Connection | undefined>(this.slots);
      this.#byUrl.set(replica.url, clients);
    }
    return (clients[slot] ??= this.create(replica.url));
  }

  private create(url: string): Connection {
    if (this.kind === 'undici') {
      return new Client(url, {
        pipelining: 1,
        connect: { timeout: this.timeoutMs },
        // Long keep-alive: reconnecting mid-run would be measured as latency that real
        // balancers with pooled upstream connections do not pay.
        keepAliveTimeout: 60_000,
        keepAliveMaxTimeout: 600_000,
      });
    }
    const c = new HttpConnection(url, this.timeoutMs, this.readReplica);
    this.#builtin.push(c);
    // One timer for every connection's timeout, instead of a timer per request.
    this.#sweep ??= setInterval(() => {
      const nowMs = performance.now();
      for (const b of this.#builtin) b.checkTimeout(nowMs);
    }, sweepPeriodMs(this.timeoutMs)).unref();
    return c;
  }

  /** Destroys every connection; in-flight requests fail and must be ignored by their handlers. */
  async destroy(): Promise<void> {
    clearInterval(this.#sweep);
    const all = [...this.#byUrl.values()].flat().filter((c): c is Connection => c !== undefined);
    this.#byUrl.clear();
    this.#builtin.length = 0;
    await Promise.allSettled(all.map((c) => (c instanceof Client ? c.destroy() : (c as HttpConnection).destroy())));
  }
}
