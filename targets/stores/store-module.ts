import type { SessionStore } from '../session.js';

/** What a replica gives a target store module to open its store. */
export interface StoreOpenConfig {
  /** The store's address as the backend hands it out (see src/stores/store-backend.ts), possibly via the latency proxy. */
  url: string;
  /** Session time to live, in seconds. */
  sessionTtlS: number;
  /** What extends it (ReplicaConfig.rolling): `true` every request, `false` nothing, absent every save. */
  rolling?: boolean;
  /** A secret the store needs (the cookie HMAC key, a store password); never on a command line. */
  secret?: string;
}

/**
 * A file in targets/stores/ is a store module when it exports `open`. The replica imports the
 * module its architecture names (lazily, so a memory replica never loads a database client).
 */
export interface StoreModule {
  open(config: StoreOpenConfig): Promise<SessionStore>;
}
