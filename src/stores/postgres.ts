import { TargetStartError } from '../errors.js';
import { PostgresServer, postgresAvailable, postgresVersion } from './postgres-server.js';
import type { StoreBackend } from './store-backend.js';

/**
 * PostgreSQL as a shared session database (connect-pg-simple's table): statebench's own cluster,
 * `initdb` into the topology's temporary directory and started on a free port; never a server it
 * did not start. Without `store.persistence` it runs with fsync and synchronous commit off.
 */
export const postgres: StoreBackend = {
  name: 'postgres',
  title: 'PostgreSQL',
  settings: ['persistence', 'ttl', 'latency', 'jitter'],
  pauseHow: 'SIGSTOP of the postmaster and every backend',
  version: () => postgresVersion(),

  unavailable: () => (postgresAvailable() ? undefined : 'the PostgreSQL server binaries (initdb, postgres) are not installed (install the postgresql package)'),

  refuses(action) {
    return action === 'failover' ? 'statebench runs one PostgreSQL server, with no standby to promote; `store-failover` needs a replicated Redis' : undefined;
  },

  checkOptions(options) {
    return [
      ...(options.maxMemoryBytes === undefined ? [] : [{ field: 'maxmemory', message: 'PostgreSQL keeps sessions on disk and never evicts them; a memory limit would only size its caches' }]),
      ...(options.maxMemoryPolicy === undefined ? [] : [{ field: 'maxmemoryPolicy', message: 'PostgreSQL keeps sessions on disk and never evicts them' }]),
    ];
  },

  async start(start) {
    if (!postgresAvailable()) throw new TargetStartError('the PostgreSQL server binaries are not installed: install the postgresql package');
    return PostgresServer.start(start);
  },
};
