import type { SessionMix } from './load-spec.js';
import type { Replica } from '../topology/types.js';
import type { Endpoint } from './outcome.js';
import { CartChecker } from './cart-checker.js';

type Phase = 'login' | 'cart' | 'checkout' | 'logout';

/**
 * One user session: login, a mix of cart adds and reads, checkout, logout, then a fresh user
 * takes its place. With `parallelPerSession` > 1, cart operations overlap as several browser
 * tabs would; login, checkout and logout wait until the session is quiet.
 */
export class VirtualUser {
  phase: Phase = 'login';
  /** Value of the `sid` cookie; for the cookie architecture, the whole signed session. */
  token: string | undefined;
  /** The replica this session last talked to; a sticky router keeps it there. */
  pinned: Replica | undefined;
  /** Bumped whenever the session is replaced, so late answers for an old session change nothing. */
  generation = 0;
  inFlight = 0;
  addsIssued = 0;
  itemSeq = 0;
  readonly cart = new CartChecker();
  /**
   * What the client knows of the current session, for telling why it was lost (performance.now()
   * ms): when its login was answered, and when the last request that renewed its time to live
   * (SessionMix.renewal) was sent and answered: the server renewed it in between.
   */
  loginAckMs = Number.NaN;
  renewSentMs = Number.NaN;
  renewAckMs = Number.NaN;
  /** The replica whose answer created the session (sticky: the one holding it in memory). */
  home: string | undefined;
  /** Whether the open model's idle queue (first in, first out) holds this user. */
  idle = false;
  /**
   * When this user's last request completed (performance.now() ms), until the closed model
   * sends its next one; -1 otherwise. Measures the time users spend between requests.
   */
  freedAtMs = -1;

  /** `sid=<token>` for the token it was made from: one string per session, not per request. */
  private cookieValue: string | undefined;
  private cookieToken: string | undefined;

  constructor(
    readonly id: number,
    private readonly mix: SessionMix,
    private readonly parallel: number,
    /** The user's number across every engine and generator of the run (its SKUs say it), default `id`. */
    private readonly globalId: number = id,
  ) {}

  /** The `Cookie` header value for the current token, or undefined without one. */
  cookieHeader(): string | undefined {
    if (this.token !== this.cookieToken) {
      this.cookieToken = this.token;
      this.cookieValue = this.token === undefined ? undefined : `sid=${this.token}`;
    }
    return this.cookieValue;
  }

  /** Whether the session can start another request now. */
  canIssue(): boolean {
    if (this.phase !== 'cart') return this.inFlight === 0;
    if (this.addsIssued < this.mix.adds) return this.inFlight < this.parallel;
    return this.inFlight === 0; // checkout comes next
  }

  /** Chooses the next request and advances the plan; call only when `canIssue()`. */
  next(): Endpoint {
    switch (this.phase) {
      case 'login':
        return 'login';
      case 'cart':
        if (this.addsIssued >= this.mix.adds) {
          this.phase = 'checkout';
          return 'checkout';
        }
        if (Math.random() < this.mix.readRatio) return 'read';
        this.addsIssued++;
        return 'add';
      case 'checkout':
        return 'checkout';
      case 'logout':
        return 'logout';
    }
  }

  /** A successful login: a new session, a new cart model. */
  loggedIn(token: string, replica: Replica, sentMs = Number.NaN, nowMs = Number.NaN, home?: string): void {
    this.token = token;
    this.pinned = replica;
    this.loginAckMs = this.renewAckMs = nowMs;
    this.renewSentMs = sentMs;
    this.home = home;
    this.generation++;
    this.phase = 'cart';
    this.addsIssued = 0;
    this.cart.reset();
  }

  /** Drops the session (lost, or logged out): the next request logs a new user in. */
  startOver(): void {
    this.token = undefined;
    this.generation++;
    this.phase = 'login';
    this.addsIssued = 0;
    this.cart.reset();
  }

  /** A request of this session sent at `sentMs` succeeded at `nowMs`: it renewed the session when the app's policy says so. */
  succeeded(endpoint: Endpoint, sentMs: number, nowMs: number): void {
    const renewal = this.mix.renewal ?? 'write';
    if (renewal === 'any' || (renewal === 'write' && endpoint !== 'read')) {
      this.renewSentMs = sentMs;
      this.renewAckMs = nowMs;
    }
  }

  nextSku(): string {
    return `u${this.globalId}-${this.generation}-${this.itemSeq++}`;
  }
}
