import { randomBytes } from 'node:crypto';
import type { Session, SessionStore } from '../session.js';
import type { StoreOpenConfig } from './store-module.js';

interface Entry {
  session: Session;
  expiresAtMs: number;
}

/** How often expired sessions are dropped; lazy expiry on load covers the time in between. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Sessions in a Map inside the replica: the sticky architecture. The session object is kept by
 * reference (no serialization), which is what makes in-memory sessions cheap, and what makes them
 * vanish with the process.
 */
export class MemoryStore implements SessionStore {
  readonly kind = 'memory';
  readonly external = false;
  private readonly sessions = new Map<string, Entry>();
  private readonly sweepTimer: NodeJS.Timeout;

  constructor(
    private readonly ttlMs: number,
    /** What extends a session (StoreOpenConfig.rolling): absent every save, `true` every load too, `false` nothing. */
    private readonly rolling?: boolean,
  ) {
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  async load(token: string): Promise<Session | undefined> {
    const entry = this.sessions.get(token);
    if (entry === undefined) return undefined;
    const nowMs = Date.now();
    if (entry.expiresAtMs <= nowMs) {
      this.sessions.delete(token);
      return undefined;
    }
    if (this.rolling === true) entry.expiresAtMs = nowMs + this.ttlMs;
    return entry.session;
  }

  async save(token: string | undefined, session: Session): Promise<string> {
    const id = token ?? randomBytes(18).toString('base64url');
    this.sessions.set(id, { session, expiresAtMs: (this.rolling === false ? session.createdAtMs : Date.now()) + this.ttlMs });
    return id;
  }

  async destroy(token: string): Promise<void> {
    this.sessions.delete(token);
  }

  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.sessions.clear();
  }

  private sweep(): void {
    const nowMs = Date.now();
    for (const [token, entry] of this.sessions) {
      if (entry.expiresAtMs <= nowMs) this.sessions.delete(token);
    }
  }
}

/** Store module entry (see store-module.ts): sessions in this replica's memory. */
export async function open(config: StoreOpenConfig): Promise<MemoryStore> {
  return new MemoryStore(config.sessionTtlS * 1000, config.rolling);
}
