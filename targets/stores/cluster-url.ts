/** Where a Redis Cluster's nodes are, and its password. */
export interface ClusterTarget {
  nodes: { host: string; port: number }[];
  password?: string;
}

const SCHEME = 'redis-cluster://';

/**
 * Reads `redis-cluster://[:password@]127.0.0.1:7000,127.0.0.1:7001`, the form statebench hands
 * replicas for a Redis Cluster (one string, as every Redis store takes its URL). Any node is a
 * seed: the client learns the rest from it. Undefined for any other URL.
 */
export function parseClusterUrl(url: string): ClusterTarget | undefined {
  if (!url.startsWith(SCHEME)) return undefined;
  let rest = url.slice(SCHEME.length);
  let password: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    password = decodeURIComponent(userinfo.slice(userinfo.indexOf(':') + 1));
    rest = rest.slice(at + 1);
  }
  const nodes = rest
    .replace(/\/$/, '')
    .split(',')
    .filter(Boolean)
    .map((hostPort) => {
      const colon = hostPort.lastIndexOf(':');
      return { host: hostPort.slice(0, colon), port: Number(hostPort.slice(colon + 1)) };
    });
  if (nodes.length === 0 || nodes.some((n) => n.host === '' || !(n.port > 0))) {
    // Without the URL itself: it may carry a password.
    throw new Error('expected redis-cluster://[:password@]host:port[,host:port...]');
  }
  return password === undefined ? { nodes } : { nodes, password };
}
