import type { SessionMix } from './load-spec.js';
import type { Replica, Router } from '../topology/types.js';
import type { LoadRecorder } from './load-recorder.js';
import type { Endpoint, OutcomeKind } from './outcome.js';
import { Exchange, type ExchangeSink } from './exchange.js';
import { ReplicaClients, type HttpClientKind } from './replica-clients.js';
import { VirtualUser } from './virtual-user.js';

const PATHS: Record<Endpoint, { method: 'GET' | 'POST'; path: string }> = {
  login: { method: 'POST', path: '/login' },
  add: { method: 'POST', path: '/cart/items' },
  read: { method: 'GET', path: '/cart' },
  checkout: { method: 'POST', path: '/checkout' },
  logout: { method: 'POST', path: '/logout' },
};

export interface EngineOptions {
  router: Router;
  recorder: LoadRecorder;
  mix: SessionMix;
  users: number;
  parallelPerSession: number;
  timeoutMs: number;
  /** Default `builtin` (see replica-clients.ts). */
  httpClient?: HttpClientKind;
  /** The first user's number across the run, when this engine is one part of the load (default 0). */
  firstUserId?: number;
}

/**
 * Issues requests for virtual users and turns their answers into recorded outcomes and session
 * state. The load models (closed-model.ts, open-model.ts) decide *when* a user sends; the
 * engine decides *what* it sends and what the answer means.
 */
export class Engine implements ExchangeSink {
  readonly users: VirtualUser[];
  readonly clients: ReplicaClients;
  /** Measured window, performance.now() ms; a request counts when its intended time is inside. */
  windowStartMs = Number.POSITIVE_INFINITY;
  windowEndMs = Number.POSITIVE_INFINITY;
  /** Counted requests not yet completed. */
  countedInFlight = 0;
  /** After the grace period nothing more is recorded. */
  closed = false;
  /** Statuses of the recorded `http-4xx`/`http-5xx` answers, by code (only failures: off the hot path). */
  readonly errorStatuses = new Map<number, number>();
  /** The model's continuation: what a user does once one of its requests completed. */
  onUserFree: (vu: VirtualUser, kind: OutcomeKind) => void = () => {};

  private readonly exchanges: Exchange[][];
  /** Every exchange of each user, free or not. */
  private readonly allExchanges: Exchange[][];
  /** An add's JSON body up to the sku, built once: each add appends only `sku"}`. */
  private readonly addBodyHead: string;

  constructor(private readonly opts: EngineOptions) {
    this.clients = new ReplicaClients(opts.users * opts.parallelPerSession, opts.timeoutMs, opts.httpClient, opts.router.attributesByHeader === true);
    this.users = [];
    this.exchanges = [];
    this.allExchanges = [];
    for (let i = 0; i < opts.users; i++) {
      this.users.push(new VirtualUser(i, opts.mix, opts.parallelPerSession, (opts.firstUserId ?? 0) + i));
      const own: Exchange[] = [];
      for (let t = 0; t < opts.parallelPerSession; t++) {
        const ex = new Exchange(this, i * opts.parallelPerSession + t);
        ex.request.headersTimeout = opts.timeoutMs;
        ex.request.bodyTimeout = opts.timeoutMs;
        own.push(ex);
      }
      this.exchanges.push(own);
      this.allExchanges.push([...own]);
    }
    this.addBodyHead = `{"qty":1,"payload":"${'x'.repeat(opts.mix.payloadBytes)}","sku":"`;
  }

  /**
   * Sends the user's next request; `intendedMs` is when it was due (open) or now (closed).
   * Returns when it was handed to the network (performance.now() ms).
   */
  issue(vu: VirtualUser, intendedMs: number): number {
    const ex = this.exchanges[vu.id].pop();
    if (ex === undefined) throw new Error(`virtual user ${vu.id} has no free tab`); // a model bug
    const endpoint = vu.next();
    const replica = this.opts.router.pick(vu.pinned);
    ex.vu = vu;
    ex.endpoint = endpoint;
    ex.generation = vu.generation;
    ex.intendedMs = intendedMs;
    ex.counted = intendedMs >= this.windowStartMs && intendedMs < this.windowEndMs;
    ex.sku = endpoint === 'add' ? vu.nextSku() : undefined;
    ex.begin(endpoint === 'read' || endpoint === 'checkout');
    vu.inFlight++;
    if (ex.counted) {
      this.countedInFlight++;
      this.opts.recorder.sent(intendedMs);
    }
    const sentMs = (ex.sentMs = performance.now());
    if (replica === undefined) {
      // No replica believed up: what a balancer answers with a 503 and no backend, counted as
      // refused. Failed on the next turn of the event loop, never inside this call: a model
      // loops while its user can issue, so a completion arriving synchronously would free the
      // user again at once and spin on instant refusals until the window ends, holding the
      // event loop (and the router's health checks, which alone could end the outage).
      setImmediate(failUnrouted, ex);
      return sentMs;
    }
    ex.replica = replica;
    // The exchange's own options object and header arrays are refilled, not reallocated (the
    // clients copy what they need while dispatching); the cookie string is the user's, made once
    // per session token.
    const route = PATHS[endpoint];
    const req = ex.request;
    const cookie = vu.cookieHeader();
    req.body = undefined;
    if (ex.sku !== undefined) {
      req.body = `${this.addBodyHead}${ex.sku}"}`;
      req.headers = cookie === undefined ? ex.jsonHeaders : ex.cookieJsonHeaders;
    } else {
      req.headers = cookie === undefined ? ex.noHeaders : ex.cookieHeaders;
    }
    if (cookie !== undefined) req.headers[1] = cookie;
    req.origin = replica.url;
    req.method = route.method;
    req.path = route.path;
    this.clients.get(replica, ex.slot).dispatch(req, ex);
    return sentMs;
  }

  /**
   * Ends the window at `endMs` if that is earlier (an abort). Requests in flight that were due
   * at or after it no longer count: an engine in a worker hears of an abort a little late, and
   * may have sent some.
   */
  shortenWindow(endMs: number): void {
    if (endMs >= this.windowEndMs) return;
    this.windowEndMs = endMs;
    for (const ex of this.inFlight()) {
      if (ex.counted && ex.intendedMs >= endMs) {
        ex.counted = false;
        this.countedInFlight--;
      }
    }
  }

  /** Exchanges with a request in flight: every user's tabs not in its free list. */
  private *inFlight(): Generator<Exchange> {
    for (let i = 0; i < this.users.length; i++) {
      for (const ex of this.allExchanges[i]) if (!this.exchanges[i].includes(ex)) yield ex;
    }
  }

  complete(ex: Exchange, transportKind: OutcomeKind): void {
    const vu = ex.vu;
    vu.inFlight--;
    this.exchanges[vu.id].push(ex);
    const nowMs = performance.now();
    const record = ex.counted && !this.closed;
    if (ex.counted) this.countedInFlight--;
    const kind = this.interpret(ex, transportKind, nowMs, record);
    if (record && (kind === 'http-4xx' || kind === 'http-5xx')) this.errorStatuses.set(ex.status, (this.errorStatuses.get(ex.status) ?? 0) + 1);
    if (record) {
      this.opts.recorder.request(
        ex.endpoint,
        kind,
        (nowMs - ex.intendedMs) * 1000,
        (nowMs - ex.sentMs) * 1000,
        ex.storeUs,
        // Only a replica that answered served the request (per-replica load spread); behind a
        // balancer, the one its X-Replica names.
        transportKind === 'refused' || transportKind === 'reset' || transportKind === 'timeout' ? undefined : (ex.servedBy ?? ex.replica?.name),
        nowMs,
      );
    }
    // After destroy() every in-flight exchange fails: not a sign that its replica is down.
    if (!this.closed && (kind === 'refused' || kind === 'reset' || kind === 'timeout') && ex.replica !== undefined) {
      this.opts.router.reportFailure(ex.replica);
    }
    ex.replica = undefined as unknown as Replica;
    vu.freedAtMs = nowMs;
    if (!this.closed) this.onUserFree(vu, kind);
  }

  /**
   * What the answer means for the session, and the final outcome kind: a 2xx read that lacks
   * items known present becomes `stale-read`, a checkout short of acknowledged items
   * `update-lost` (see cart-checker.ts for how the two are told apart).
   */
  private interpret(ex: Exchange, kind: OutcomeKind, nowMs: number, record: boolean): OutcomeKind {
    const vu = ex.vu;
    const current = ex.generation === vu.generation;
    const recorder = this.opts.recorder;
    if (ex.endpoint === 'login') {
      if (kind === 'ok' && ex.setCookie !== undefined && vu.phase === 'login') {
        vu.loggedIn(ex.setCookie, ex.replica, ex.sentMs, nowMs, ex.servedBy ?? ex.replica?.name);
        if (record) recorder.sessionStarted(nowMs);
        if (!this.closed) recorder.sessions?.(1, nowMs);
      }
      return kind;
    }
    if (!current) return kind; // an answer about a session this user has already left
    if (ex.replica !== undefined && this.opts.router.sticky) vu.pinned = ex.replica;
    if (kind === 'session-lost') {
      if (record) recorder.sessionLost(nowMs, vu.cart.acknowledgedCount(), vu.loginAckMs, vu.renewSentMs, vu.renewAckMs, ex.sentMs, vu.home);
      vu.startOver();
      if (!this.closed) recorder.sessions?.(-1, nowMs);
      return kind;
    }
    if (kind === 'ok') vu.succeeded(ex.endpoint, ex.sentMs, nowMs);
    if (ex.setCookie !== undefined) vu.token = ex.setCookie; // the cookie architecture: last answer wins
    switch (ex.endpoint) {
      case 'add':
        if (kind === 'ok') vu.cart.addAcknowledged(ex.sku!, ex.sentMs, nowMs);
        else vu.cart.addIndeterminate(ex.sku!);
        return kind;
      case 'read': {
        if (kind !== 'ok' || ex.body === undefined) return kind;
        const cart = vu.cart;
        const lacking = cart.checkRead(skusOf(ex.body), ex.sentMs, nowMs);
        if (record) {
          const stale = cart.lastReadStalenessMs;
          for (let i = 0; i < stale.length; i++) recorder.staleItem?.(nowMs, stale[i]);
        }
        if (lacking > 0) {
          if (record) recorder.readAnomaly?.(nowMs, cart.lastReadBrokeReadYourWrites ? 1 : 0, cart.lastReadBrokeMonotonicReads ? 1 : 0);
          return 'stale-read';
        }
        return kind;
      }
      case 'checkout':
        if (kind === 'ok' && ex.body !== undefined) {
          const lost = vu.cart.checkCount(countOf(ex.body));
          if (record) for (let i = 0; i < vu.cart.lastCountStale; i++) recorder.staleItem?.(nowMs, -1);
          if (lost > 0) {
            if (record) recorder.updateLost(nowMs, lost);
            kind = 'update-lost';
          }
        }
        vu.phase = 'logout';
        return kind;
      case 'logout':
        vu.startOver();
        if (!this.closed) recorder.sessions?.(-1, nowMs);
        // A new user takes this place, with a browser that carries no affinity to any replica:
        // otherwise a sticky router would keep every future session on the replicas that
        // existed at the start, and replicas added by `scale` would never get any. (A lost
        // session keeps its pin: the same browser logs in again where it was last routed.)
        vu.pinned = undefined;
        return kind;
    }
    return kind;
  }

  /** Users holding a session now (logged in, not yet out or lost). */
  sessionsHeld(): number {
    let held = 0;
    for (const vu of this.users) if (vu.token !== undefined) held++;
    return held;
  }

  async destroy(): Promise<void> {
    this.closed = true;
    await this.clients.destroy();
  }
}

/** Completes a request that had no replica to go to (see `Engine.issue`). */
function failUnrouted(ex: Exchange): void {
  ex.fail('refused');
}

/** `{"items":[{"sku":"a","qty":1}],"version":3}` → `["a"]`. */
function skusOf(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as { items?: { sku: string }[] };
    return parsed.items?.map((i) => i.sku) ?? [];
  } catch {
    return [];
  }
}

/** `{"ok":true,"items":3}` → 3. */
function countOf(body: string): number {
  try {
    const n = (JSON.parse(body) as { items?: unknown }).items;
    return typeof n === 'number' ? n : Array.isArray(n) ? n.length : -1;
  } catch {
    return -1;
  }
}
