import { postgresAvailable } from '../../src/stores/postgres-server.js';

/** PostgreSQL tests run whenever its server binaries are installed (CI must have them); otherwise they skip, saying why. */
export const HAS_POSTGRES = postgresAvailable();
if (!HAS_POSTGRES) {
  console.warn('PostgreSQL server binaries (initdb, postgres) are not installed: PostgreSQL tests are skipped (install postgresql to run them)');
}
