import type { Architecture } from '../architectures/index.js';
import { processRssBytes } from '../process/proc-stat.js';
import type { SessionMemory } from '../result/types.js';
import type { StoreMemory } from '../stores/store-backend.js';
import type { Topology } from '../topology/types.js';

/** What a topology held at one instant: each replica's RSS, the store's own figure. */
export interface MemorySnapshot {
  replicas: Map<string, { pid: number; bytes: number }>;
  store: StoreMemory | undefined;
}

/**
 * Where an architecture keeps its sessions, read from its descriptor: in a store when it has
 * one, in the replicas when the router pins sessions to them (their memory is the store), else
 * in the client.
 */
export function sessionHolder(architecture: Architecture): SessionMemory['holder'] {
  if (architecture.store !== undefined) return 'store';
  return architecture.routing === 'sticky' ? 'replicas' : 'client';
}

/** Reads each replica's resident set size and what the store says it holds. Never throws. */
export async function snapshotMemory(topology: Topology): Promise<MemorySnapshot> {
  const replicas = new Map<string, { pid: number; bytes: number }>();
  for (const [name, pid] of topology.processes()) {
    if (!name.startsWith('replica-')) continue;
    const bytes = processRssBytes(pid);
    if (bytes !== undefined) replicas.set(name, { pid, bytes });
  }
  return { replicas, store: await topology.storeMemory?.() };
}

/**
 * Memory before and after the load, and per session held. A replica counts only when the same
 * process ran at both reads (a restarted one started again from nothing).
 */
export function sessionMemory(holder: SessionMemory['holder'], before: MemorySnapshot, after: MemorySnapshot, sessionsHeld: number): SessionMemory {
  const replicas: SessionMemory['replicas'] = [];
  for (const [replica, end] of after.replicas) {
    const start = before.replicas.get(replica);
    if (start !== undefined && start.pid === end.pid) replicas.push({ replica, beforeBytes: start.bytes, afterBytes: end.bytes });
  }
  const store =
    before.store === undefined || after.store === undefined
      ? undefined
      : {
          measure: after.store.measure,
          beforeBytes: before.store.bytes,
          afterBytes: after.store.bytes,
          ...(after.store.sessions === undefined ? {} : { sessions: after.store.sessions }),
        };
  const growth =
    holder === 'replicas' && replicas.length > 0
      ? replicas.reduce((sum, r) => sum + r.afterBytes - r.beforeBytes, 0)
      : holder === 'store' && store !== undefined
        ? store.afterBytes - store.beforeBytes
        : undefined;
  return {
    holder,
    sessionsHeld,
    replicas,
    ...(store === undefined ? {} : { store }),
    bytesPerSession: growth === undefined || sessionsHeld === 0 ? null : Math.round(growth / sessionsHeld),
  };
}
