import type { ErrorKind } from './outcome.js';

/**
 * Maps a transport error from undici or the OS to an outcome kind. Anything that is not a
 * refusal or a timeout broke an established exchange, which users experience as a reset.
 */
export function classifyError(err: unknown): ErrorKind {
  const code = (err as { code?: string } | null)?.code;
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EADDRNOTAVAIL':
      return 'refused';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return 'timeout';
    default:
      return 'reset';
  }
}

/** 401 means the server does not know the session: for a session the client holds, it was lost. */
export function classifyStatus(status: number): 'ok' | 'session-lost' | 'http-4xx' | 'http-5xx' {
  if (status < 400) return 'ok';
  if (status === 401) return 'session-lost';
  return status < 500 ? 'http-4xx' : 'http-5xx';
}
