import { hostname } from 'node:os';
import { DEFAULT_SESSION_TTL_S, type ReplicaConfig } from './protocol.js';

/**
 * How a replica learns what to be, in one of two ways:
 *
 * - `--config <json>`: statebench forks it on 127.0.0.1 and says everything (targets/protocol.ts).
 * - Environment variables, when there is no `--config`: the shop as a container (the Dockerfile),
 *   where an orchestrator sets the environment and the replica must listen beyond loopback. The
 *   store's URL and secret come by environment in both ways (STATEBENCH_STORE_URL,
 *   STATEBENCH_STORE_SECRET), never on a command line.
 */
export const REPLICA_ENV = {
  /** The store module in targets/stores/ (`memory`, `redis`, `redis-atomic`, `cookie`, …). Required. */
  store: 'STATEBENCH_STORE',
  /** The name in `X-Replica`; default the host name (a pod's or container's name). */
  name: 'STATEBENCH_REPLICA_NAME',
  /** Default 8080. */
  port: 'STATEBENCH_PORT',
  /** The address to bind; default 0.0.0.0 (a container's interfaces). */
  host: 'STATEBENCH_HOST',
  /** Session time to live, whole seconds; default 1800. */
  sessionTtl: 'STATEBENCH_SESSION_TTL_S',
} as const;

/** The port a containerised replica listens on when the environment does not say. */
export const DEFAULT_CONTAINER_PORT = 8080;

/** A configuration the replica cannot start with; the message names the variable or flag. */
export class ReplicaConfigError extends Error {}

/** The replica's configuration from its command line, or else from its environment. */
export function replicaConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ReplicaConfig {
  const i = argv.indexOf('--config');
  if (i >= 0) return fromJson(argv[i + 1]);
  return fromEnvironment(env);
}

function fromJson(text: string | undefined): ReplicaConfig {
  if (text === undefined) throw new ReplicaConfigError('usage: server.js --config <json>, or the STATEBENCH_* environment variables');
  let config: ReplicaConfig;
  try {
    config = JSON.parse(text) as ReplicaConfig;
  } catch (err) {
    throw new ReplicaConfigError(`--config: not JSON (${(err as Error).message})`);
  }
  config.sessionTtlS ??= DEFAULT_SESSION_TTL_S;
  config.port ??= 0;
  return config;
}

/** Every problem at once, each naming its variable and what was expected. */
function fromEnvironment(env: NodeJS.ProcessEnv): ReplicaConfig {
  const problems: string[] = [];
  const store = env[REPLICA_ENV.store];
  if (store === undefined || store === '') problems.push(`${REPLICA_ENV.store} is required: the store module, such as \`redis\` or \`memory\``);
  else if (!/^[a-z][a-z0-9-]*$/.test(store)) problems.push(`${REPLICA_ENV.store}: expected a store module name such as \`redis\`, got \`${store}\``);
  const port = wholeNumber(env, REPLICA_ENV.port, DEFAULT_CONTAINER_PORT, 0, 65535, problems);
  const sessionTtlS = wholeNumber(env, REPLICA_ENV.sessionTtl, DEFAULT_SESSION_TTL_S, 1, 30 * 24 * 3600, problems);
  const name = env[REPLICA_ENV.name] || env.HOSTNAME || hostname();
  if (!/^[\w.@:-]{1,253}$/.test(name)) problems.push(`${REPLICA_ENV.name}: expected letters, digits, \`.\`, \`-\`, \`_\` (it goes in a header), got \`${name}\``);
  const host = env[REPLICA_ENV.host] || '0.0.0.0';
  if (problems.length > 0) throw new ReplicaConfigError(problems.join('; '));
  return { name, store: store!, port, sessionTtlS, host };
}

function wholeNumber(env: NodeJS.ProcessEnv, variable: string, fallback: number, min: number, max: number, problems: string[]): number {
  const text = env[variable];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${variable}: expected a whole number from ${min} to ${max}, got \`${text}\``);
    return fallback;
  }
  return n;
}
