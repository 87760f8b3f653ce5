/** One item in a cart. `payload` is opaque filler whose size the client chooses, so state size costs what it costs. */
export interface CartItem {
  sku: string;
  qty: number;
  payload: string;
}

/** The whole session, as the ordinary session-store pattern loads and saves it. */
export interface Session {
  user: string;
  items: CartItem[];
  /** Incremented by every save; lets clients and tests see overwrites. */
  version: number;
  createdAtMs: number;
}

/**
 * Where a replica keeps sessions. `token` is what travels in the `sid` cookie: an opaque id for
 * server-side stores, the signed session itself for the cookie store.
 */
export interface SessionStore {
  readonly kind: string;
  /**
   * True when calls leave the process (network or file I/O). Only those count as store time in
   * `Server-Timing`, so an in-process Map or the cookie's HMAC report `store;dur=0`: there is no
   * store to wait on, and the CPU they cost shows up in `app` time instead.
   */
  readonly external: boolean;
  /** The session for a token, or undefined when unknown, expired or (cookie) not authentic. */
  load(token: string): Promise<Session | undefined>;
  /** Persists the session and returns the token the client must send from now on. */
  save(token: string | undefined, session: Session): Promise<string>;
  destroy(token: string): Promise<void>;
  close(): Promise<void>;
  /**
   * Optional: loads the session for a request that only reads it (GET /cart), which no save
   * follows, so a store may serve it from a read replica (`store.readFrom: replica`). Stores
   * without it get `load`.
   */
  loadForRead?(token: string): Promise<Session | undefined>;
  /**
   * Optional: restarts the session's time to live on a request that saves nothing
   * (`store.rolling: true`) when `load` cannot do it itself (the cookie is reissued); returns the
   * token from now on.
   */
  touch?(token: string, session: Session): Promise<string>;
  /**
   * Optional: appends one item to the cart of `token` in the store itself, atomically, instead of
   * the server loading the whole session and saving it back. Two tabs adding at once then cannot
   * overwrite each other's item (the blob pattern's lost update). Resolves undefined when the
   * session is unknown or expired (the server answers 401). Stores without it get load + save.
   */
  addItem?(token: string, item: CartItem): Promise<AddedItem | undefined>;
}

/** What an atomic add leaves behind: the cart's item count and the session version after it. */
export interface AddedItem {
  count: number;
  version: number;
}

/** Thrown by `save` when a store cannot hold a session this large (the cookie store's 4 KiB). */
export class SessionTooLargeError extends Error {
  readonly code = 'SESSION_TOO_LARGE';
  constructor(readonly bytes: number, readonly limitBytes: number) {
    super(`session of ${bytes} bytes exceeds the store limit of ${limitBytes} bytes`);
  }
}

/** Thrown (or wrapped) when the store cannot be reached; the server answers 503. */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
}
