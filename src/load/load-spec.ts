/** The workload of a scenario, resolved: what the load engine runs. */

export type LoadSpec = ClosedLoad | OpenLoad;

interface LoadCommon {
  /** Per-request timeout. */
  timeoutMs: number;
  /** At the end of the window, in-flight requests are awaited this long, then counted as unfinished. */
  graceMs: number;
  /** Requests one session may have in flight at once (browser tabs). */
  parallelPerSession: number;
  /**
   * Engines generating the load, each on its own event loop in a worker thread, the users and
   * the rate split between them; their histograms merge exactly. Absent: 1 (the main thread).
   */
  workers?: number;
}

/** A fixed number of users, each sending its next request when the last one answered (autocannon, wrk, k6 VUs). */
export interface ClosedLoad extends LoadCommon {
  model: 'closed';
  /** Concurrent virtual users (each one session, one request at a time per tab). */
  users: number;
  /** Users start linearly over this time (0: all at once). */
  rampUpMs: number;
}

/** Arrivals at a rate whatever the servers do (wrk2); latency counts from each request's intended send time. */
export interface OpenLoad extends LoadCommon {
  model: 'open';
  /** Target arrival rate at the start. */
  rateRps: number;
  /** When set, the rate ramps linearly from `rateRps` to this over the measured window. */
  rampToRps?: number;
  /** Pool of user sessions that requests are spread over. */
  sessions: number;
  /** Requests waiting for a free session beyond this are dropped (and counted). */
  maxBacklog: number;
}

/** What one virtual user does: login, `adds` cart adds mixed with reads, checkout, logout. */
export interface SessionMix {
  /** Cart adds per user before checkout. */
  adds: number;
  /** Probability that a cart operation is a read (GET /cart) rather than an add. */
  readRatio: number;
  /** Size of the opaque payload sent with each add (state size grows with it). */
  payloadBytes: number;
  /** Pause between a user's requests (closed model only). */
  thinkTimeMs: number;
  /**
   * What renews a session's time to live on the server (from `store.rolling`): every successful
   * write (login, add, checkout; the default), every successful request (`any`), or only the
   * login (`login`). Not the user's behaviour but what the client knows of the app's session
   * policy: it lets the checker tell a lost session that had surely expired. Set by the runner.
   */
  renewal?: SessionRenewal;
}

export type SessionRenewal = 'write' | 'any' | 'login';

/** What renews a session for a `store.rolling` setting. */
export function renewalOf(rolling: boolean | undefined): SessionRenewal {
  return rolling === true ? 'any' : rolling === false ? 'login' : 'write';
}

