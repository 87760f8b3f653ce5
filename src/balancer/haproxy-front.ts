import type { Architecture } from '../architectures/architecture.js';
import type { FrontBalancer, Replica, Topology } from '../topology/types.js';
import { balancerServer } from './balancer-operations.js';
import type { HaproxySettings } from './haproxy-config.js';
import { HaproxyProcess } from './haproxy-process.js';

/** How long a leaving replica's in-flight requests get before it is stopped anyway. */
const DRAIN_TIMEOUT_MS = 5000;
/** Stick-table entries kept: more than any run's sessions. */
const STICK_TABLE_SIZE = 200_000;

/**
 * HAProxy in front of a topology's replicas, as a FrontBalancer: sticky architectures get a
 * stick table on the `sid` cookie with `redispatch` (a session whose server died moves to one
 * that does not know it), the others round robin; replicas leave and join through the runtime
 * API (drain, maintenance, `add server`/`del server`), the way operators change a live balancer.
 */
export async function startHaproxyFront(
  topology: Topology,
  architecture: Architecture,
  opts: { sessionTtlS: number; settings?: HaproxySettings },
): Promise<FrontBalancer> {
  const sticky = architecture.routing === 'sticky';
  const haproxy = new HaproxyProcess({
    servers: topology.replicas.map(balancerServer),
    mode: sticky ? 'sticky' : 'round-robin',
    stickTable: { size: STICK_TABLE_SIZE, expireS: opts.sessionTtlS },
    ...(sticky && opts.settings?.stickiness !== undefined ? { stickiness: opts.settings.stickiness } : {}),
    ...(opts.settings?.health === undefined ? {} : { health: opts.settings.health }),
  });
  await haproxy.start();
  return {
    kind: 'haproxy',
    get url() {
      return haproxy.url;
    },
    get pid() {
      return haproxy.pid;
    },
    async leave(replica: Replica, { forGood }) {
      // A sticky server keeps getting its pinned sessions while it drains (HAProxy's rule), so
      // for sticky the drain runs out and those sessions are lost at the stop, as in any
      // rolling deploy of sticky servers.
      await haproxy.drain(replica.name, { timeoutMs: DRAIN_TIMEOUT_MS });
      if (forGood) await haproxy.delServer(replica.name);
      else await haproxy.setServerState(replica.name, 'maint');
    },
    async join(replica: Replica, { isNew }) {
      const s = balancerServer(replica);
      if (isNew) {
        await haproxy.addServer(s.name, s.host, s.port);
        return;
      }
      const known = (await haproxy.serverState(replica.name))?.address;
      if (known !== `${s.host}:${s.port}`) await haproxy.setServerAddress(s.name, s.host, s.port);
      await haproxy.setServerState(replica.name, 'ready');
    },
    kill: () => haproxy.kill(),
    restart: () => haproxy.restart(),
    stop: () => haproxy.stop().catch(() => {}),
    killSync: () => haproxy.killSync(),
  };
}
