import { SECRET_ENV, STORE_URL_ENV, type ReplicaConfig } from './protocol.js';
import type { SessionStore } from './session.js';
import type { StoreModule } from './stores/store-module.js';

/** A module name is a file name in targets/stores/, never a path. */
const MODULE_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Opens the store a replica config names by importing `targets/stores/<store>.js`, so a new
 * store is one file there and nothing here changes. Imported lazily: a memory replica never
 * loads ioredis or the SQLite addon, and replica start time is on the path of every restart.
 */
export async function openStore(config: ReplicaConfig, env: NodeJS.ProcessEnv = process.env): Promise<SessionStore> {
  if (!MODULE_NAME.test(config.store)) throw new Error(`invalid store module name "${config.store}"`);
  let module: Partial<StoreModule>;
  try {
    module = (await import(`./stores/${config.store}.js`)) as Partial<StoreModule>;
  } catch (err) {
    throw new Error(`unknown store "${config.store}": ${(err as Error).message}`);
  }
  if (typeof module.open !== 'function') throw new Error(`targets/stores/${config.store} is not a store module (it exports no open())`);
  return module.open({
    url: env[STORE_URL_ENV] ?? '',
    sessionTtlS: config.sessionTtlS,
    ...(config.rolling === undefined ? {} : { rolling: config.rolling }),
    secret: env[SECRET_ENV],
  });
}
