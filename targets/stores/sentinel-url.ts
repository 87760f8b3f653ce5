/** Where Sentinels are, and the name they monitor the primary under. */
export interface SentinelTarget {
  sentinels: { host: string; port: number }[];
  name: string;
}

const SCHEME = 'redis-sentinel://';

/**
 * Reads `redis-sentinel://127.0.0.1:26379,127.0.0.1:26380/statebench`, the form statebench
 * passes in `ReplicaConfig.redisUrl` for a replicated Redis (one string, so every Redis store
 * takes it the way it takes a plain `redis://` URL). Undefined for any other URL.
 */
export function parseSentinelUrl(url: string): SentinelTarget | undefined {
  if (!url.startsWith(SCHEME)) return undefined;
  const rest = url.slice(SCHEME.length);
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
    throw new Error(`expected redis-sentinel://host:port[,host:port...]/<name>, got ${url}`);
  }
  return { sentinels, name };
}
