/** The requests a virtual user makes; the names used in results and per-endpoint histograms. */
export type Endpoint = 'login' | 'add' | 'read' | 'checkout' | 'logout';
export const ENDPOINTS: readonly Endpoint[] = ['login', 'add', 'read', 'checkout', 'logout'];

/**
 * What became of one request. A failure is data, not an exception.
 * - `refused`: connection refused (replica down) or no live replica to route to
 * - `reset`: connection reset / closed mid-request
 * - `timeout`: no response within the request timeout
 * - `http-4xx` / `http-5xx`: an error status other than a lost session
 * - `session-lost`: 401 for a session the client holds
 * - `stale-read`: a cart read lacking items known present before it was sent (acknowledged to
 *   the session, or shown by an earlier read): read-your-writes or monotonic reads broken; the
 *   cart checker later tells whether they were stale (came back) or lost (never did)
 * - `update-lost`: a checkout counting fewer items than the server had acknowledged
 */
export type OutcomeKind =
  | 'ok'
  | 'refused'
  | 'reset'
  | 'timeout'
  | 'http-4xx'
  | 'http-5xx'
  | 'session-lost'
  | 'stale-read'
  | 'update-lost';
export const OUTCOME_KINDS: readonly OutcomeKind[] = [
  'ok', 'refused', 'reset', 'timeout', 'http-4xx', 'http-5xx', 'session-lost', 'stale-read', 'update-lost',
];
/** Why a request failed, counted by kind in every result (`refused`, `timeout`, `http-5xx`, `session-lost`, …). */
export type ErrorKind = Exclude<OutcomeKind, 'ok'>;
export const ERROR_KINDS = OUTCOME_KINDS.filter((k) => k !== 'ok') as readonly ErrorKind[];
