import type { Replica, Topology } from '../topology/types.js';
import type { BalancerServer } from './haproxy-config.js';
import type { DrainResult, HaproxyProcess } from './haproxy-process.js';

/**
 * Topology changes done the way an operator does them behind HAProxy: through its runtime API,
 * draining before a stop and adding a server once its replica answers. The engine's router hears
 * the topology's own `replica-added` / `replica-removed` events; with a balancer in front the
 * balancer is told here instead. Every function waits for the balancer before the replica changes.
 */

/** The balancer's server for a replica (same name, its current address). */
export function balancerServer(replica: Pick<Replica, 'name' | 'url'>): BalancerServer {
  const u = new URL(replica.url);
  return { name: replica.name, host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port) };
}

/** Points the server at the replica's current address when a restart moved it to another port. */
async function followAddress(balancer: HaproxyProcess, replica: Replica): Promise<void> {
  const s = balancerServer(replica);
  const known = (await balancer.serverState(replica.name))?.address;
  if (known !== `${s.host}:${s.port}`) await balancer.setServerAddress(replica.name, s.host, s.port);
}

/**
 * One step of a rolling deploy: drain (new sessions elsewhere; wait for in-flight requests, at
 * most `drainTimeoutMs`), maintenance (nothing more), graceful restart, address update if the
 * port changed, ready. Sticky sessions pinned to the replica still reach it while it drains
 * (HAProxy's drain semantics), so for `sticky` the drain usually times out and those sessions
 * are lost at the restart, as in any rolling deploy of sticky servers.
 */
export async function redeployBehindBalancer(
  topology: Topology,
  balancer: HaproxyProcess,
  name: string,
  /** drainTimeoutMs: default that of {@link HaproxyProcess.drain} (5 s). */
  opts: { drainTimeoutMs?: number } = {},
): Promise<{ replica: Replica; drain: DrainResult }> {
  const drain = await balancer.drain(name, { timeoutMs: opts.drainTimeoutMs });
  await balancer.setServerState(name, 'maint');
  let replica: Replica;
  try {
    replica = await topology.redeploy(name);
    await followAddress(balancer, replica);
  } finally {
    // Back in rotation even if the start failed: the health checks then keep it out.
    await balancer.setServerState(name, 'ready');
  }
  return { replica, drain };
}

/** Scale out: a new replica, then `add server` once it answers `/healthz`. */
export async function addReplicaBehindBalancer(topology: Topology, balancer: HaproxyProcess): Promise<Replica> {
  const replica = await topology.addReplica();
  const s = balancerServer(replica);
  await balancer.addServer(s.name, s.host, s.port);
  return replica;
}

/** Scale in: drain, `del server`, then the graceful stop. `name` omitted: the newest live replica. */
export async function removeReplicaBehindBalancer(
  topology: Topology,
  balancer: HaproxyProcess,
  name?: string,
  /** drainTimeoutMs: default that of {@link HaproxyProcess.drain} (5 s). */
  opts: { drainTimeoutMs?: number } = {},
): Promise<{ replica: Replica; drain: DrainResult }> {
  const target = name ?? [...topology.replicas].reverse().find((r) => r.state === 'up' || r.state === 'paused')?.name;
  if (target === undefined) throw new Error('removeReplicaBehindBalancer: no live replica to remove');
  const drain = await balancer.drain(target, { timeoutMs: opts.drainTimeoutMs });
  await balancer.delServer(target);
  const replica = await topology.removeReplica(target);
  return { replica, drain };
}

/**
 * After a `kill` + `restart` fault: the health checks bring the server back by themselves when
 * the replica is on its old port; on a new port the server must be told.
 */
export async function restartReplicaBehindBalancer(topology: Topology, balancer: HaproxyProcess, name?: string): Promise<Replica> {
  const replica = await topology.restart(name);
  await followAddress(balancer, replica);
  return replica;
}
