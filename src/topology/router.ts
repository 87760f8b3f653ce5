import { checkHealth } from '../process/health-check.js';
import type { Replica, Router, Topology } from './types.js';

/** Default pause between health checks of a replica marked down. */
export const DEFAULT_HEALTH_INTERVAL_MS = 250;
/** A health check slower than this counts as failed (a paused replica never answers). */
const HEALTH_TIMEOUT_MS = 500;

export interface RouterOptions {
  sticky: boolean;
  healthIntervalMs?: number;
}

interface Entry {
  readonly replica: Replica;
  up: boolean;
  timer: NodeJS.Timeout | undefined;
  removed: boolean;
}

/**
 * The load balancer inside the load engine. Knows replicas from the topology (initial list and
 * `replica-added` / `replica-removed` events) but learns that one is down only from
 * `reportFailure`, as a real balancer learns from refused connections; it then polls `/healthz`
 * in the background and routes to the replica again once it answers.
 */
export function createRouter(topology: Topology, options: RouterOptions): Router {
  const intervalMs = options.healthIntervalMs ?? DEFAULT_HEALTH_INTERVAL_MS;
  const sticky = options.sticky;
  const byReplica = new Map<Replica, Entry>();
  let ring: Entry[] = [];
  let cursor = 0;
  let closed = false;

  const add = (replica: Replica): void => {
    if (byReplica.has(replica)) return;
    const entry: Entry = { replica, up: true, timer: undefined, removed: false };
    byReplica.set(replica, entry);
    ring = [...ring, entry];
  };
  const remove = (replica: Replica): void => {
    const entry = byReplica.get(replica);
    if (entry === undefined) return;
    entry.removed = true;
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    byReplica.delete(replica);
    // A new array, so a pick iterating the old one is never confused mid-loop.
    ring = ring.filter((e) => e !== entry);
    if (cursor >= ring.length) cursor = 0;
  };

  for (const r of topology.replicas) add(r);
  topology.on('replica-added', add);
  topology.on('replica-removed', remove);

  const poll = (entry: Entry): void => {
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      checkHealth(entry.replica.url, HEALTH_TIMEOUT_MS).then((ok) => {
        if (closed || entry.removed) return;
        if (ok) entry.up = true;
        else poll(entry);
      }, () => poll(entry));
    }, intervalMs);
    entry.timer.unref();
  };

  return {
    sticky,
    pick(pinned?: Replica): Replica | undefined {
      if (sticky && pinned !== undefined) {
        const e = byReplica.get(pinned);
        if (e !== undefined && e.up) return pinned;
      }
      const n = ring.length;
      for (let i = 0; i < n; i++) {
        const e = ring[cursor];
        cursor = cursor + 1 === n ? 0 : cursor + 1;
        if (e.up) return e.replica;
      }
      return undefined;
    },
    reportFailure(replica: Replica): void {
      const entry = byReplica.get(replica);
      if (entry === undefined || !entry.up || closed) return;
      entry.up = false;
      poll(entry);
    },
    isUp(replica: Replica): boolean {
      return byReplica.get(replica)?.up ?? false;
    },
    close(): void {
      closed = true;
      topology.off('replica-added', add);
      topology.off('replica-removed', remove);
      for (const e of byReplica.values()) if (e.timer !== undefined) clearTimeout(e.timer);
    },
  };
}
