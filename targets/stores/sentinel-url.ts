import { parseHostList } from './host-list.js';

/** Where Sentinels are, and the name they monitor the primary under. */
export interface SentinelTarget {
  sentinels: { host: string; port: number }[];
  name: string;
  /** For the Sentinels and the servers alike, when the URL carries one (`redis-sentinel://:pw@…`). */
  password?: string;
}

const SCHEME = 'redis-sentinel://';

/**
 * Reads `redis-sentinel://[:password@]127.0.0.1:26379,127.0.0.1:26380/statebench`, the form
 * statebench hands replicas for a replicated Redis (one string, so every Redis store takes it the
 * way it takes a plain `redis://` URL). Undefined for any other URL.
 */
export function parseSentinelUrl(url: string): SentinelTarget | undefined {
  if (!url.startsWith(SCHEME)) return undefined;
  const { password, hosts: sentinels, path } = parseHostList(url.slice(SCHEME.length));
  const name = decodeURIComponent(path);
  if (name === '' || sentinels.length === 0 || sentinels.some((s) => s.host === '' || !(s.port > 0))) {
    // Without the URL itself: it may carry a password.
    throw new Error('expected redis-sentinel://[:password@]host:port[,host:port...]/<name>');
  }
  return password === undefined ? { sentinels, name } : { sentinels, name, password };
}
