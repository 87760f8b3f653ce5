import { parseHostList } from './host-list.js';

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
  const { password, hosts: nodes } = parseHostList(url.slice(SCHEME.length));
  if (nodes.length === 0 || nodes.some((n) => n.host === '' || !(n.port > 0))) {
    // Without the URL itself: it may carry a password.
    throw new Error('expected redis-cluster://[:password@]host:port[,host:port...]');
  }
  return password === undefined ? { nodes } : { nodes, password };
}
