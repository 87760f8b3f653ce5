/** The Redis replicas a store reads from, and the primary it writes to. */
export interface ReadReplicaTarget {
  /** The primary's URL, without the replica list. */
  primaryUrl: string;
  replicas: { host: string; port: number }[];
}

/** The query parameter statebench adds to a primary's URL (src/stores/redis.ts READ_REPLICAS_PARAM). */
const PARAM = 'readReplicas';

/**
 * Reads `redis://:pw@127.0.0.1:6379/?readReplicas=127.0.0.1:6380,127.0.0.1:6381`, the form
 * statebench hands replicas for `store.readFrom: replica` (one string, like every store URL;
 * the replicas share the primary's password). Undefined for a URL without the parameter.
 */
export function parseReadReplicas(url: string): ReadReplicaTarget | undefined {
  if (!url.startsWith('redis://') && !url.startsWith('rediss://')) return undefined;
  const parsed = new URL(url);
  const list = parsed.searchParams.get(PARAM);
  if (list === null) return undefined;
  parsed.searchParams.delete(PARAM);
  const replicas = list
    .split(',')
    .filter(Boolean)
    .map((hostPort) => {
      const colon = hostPort.lastIndexOf(':');
      return { host: hostPort.slice(0, colon), port: Number(hostPort.slice(colon + 1)) };
    });
  // Without the URL itself: it carries a password.
  if (replicas.length === 0 || replicas.some((r) => r.host === '' || !(r.port > 0))) throw new Error(`expected ${PARAM}=host:port[,host:port...]`);
  return { primaryUrl: parsed.toString().replace(/\/?\??$/, ''), replicas };
}
