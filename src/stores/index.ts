import { memcached } from './memcached.js';
import { postgres } from './postgres.js';
import { redis } from './redis.js';
import { sqlite } from './sqlite.js';
import type { StoreBackend } from './store-backend.js';

/** Every store backend, keyed by the name architecture descriptors use. */
export const STORE_BACKENDS: ReadonlyMap<string, StoreBackend> = new Map([redis, sqlite, memcached, postgres].map((b) => [b.name, b]));

export type { StoreAction, StoreBackend, StoreInstance, StoreStartOptions } from './store-backend.js';
export type { StoreOptions } from './store-options.js';
