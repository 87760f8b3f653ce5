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
  let rest = url.slice(SCHEME.length);
  let password: string | undefined;
  const at = rest.lastIndexOf('@', rest.indexOf('/') < 0 ? rest.length : rest.indexOf('/'));
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    password = decodeURIComponent(userinfo.slice(userinfo.indexOf(':') + 1));
    rest = rest.slice(at + 1);
  }
  const slash = rest.indexOf('/');
  const name = slash < 0 ? '' : decodeURIComponent(rest.slice(slash + 1));
  const sentinels = (slash < 0 ? rest : rest.slice(0, slash))
    .split(',')
    .filter(Boolean)
    .map((hostPort) => {
      const colon = hostPort.lastIndexOf(':');
      return { host: hostPort.slice(0, colon), port: Number(hostPort.slice(colon + 1)) };
    });
  if (name === '' || sentinels.length === 0 || sentinels.some((s) => s.host === '' || !(s.port > 0))) {
    // Without the URL itself: it may carry a password.
    throw new Error('expected redis-sentinel://[:password@]host:port[,host:port...]/<name>');
  }
  return password === undefined ? { sentinels, name } : { sentinels, name, password };
}
