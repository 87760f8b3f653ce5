/**
 * An external topology as a scenario describes it (`topology: { external: { <architecture>: … } }`):
 * replicas and a store that statebench did not start and does not own, reached by URL, broken
 * only through the shell commands the scenario gives (`kubectl delete pod {replica}`), and only
 * when the run is allowed to execute them (`--allow-exec`).
 */

/** One entry of `replicas:`. */
export interface ExternalReplicaSpec {
  /** `http://host:port`. A host name that resolves to several addresses is one replica per address (a headless Service). */
  url: string;
  /** The replica's process id when it runs on this machine (`targets up` prints it), for `{pid}` in commands. */
  pid?: number;
}

/** One architecture's external targets, resolved. */
export interface ExternalTargets {
  replicas: ExternalReplicaSpec[];
  /** The store the replicas use, for the environment block and the `{store_*}` placeholders; no password. */
  store?: { kind: string; url: string };
  /** A shell command per operation, keyed by the word of the fault that needs it (see EXTERNAL_COMMANDS). */
  commands: Record<string, string>;
  /** Each command is killed after this long, and its fault fails. */
  commandTimeoutMs: number;
}

/** What `{replica}`, `{url}`, `{host}`, `{port}` and `{pid}` stand for in a replica's command. */
export const REPLICA_PLACEHOLDERS = ['replica', 'url', 'host', 'port', 'pid'] as const;
/** What a store command may name. */
export const STORE_PLACEHOLDERS = ['store_kind', 'store_url', 'store_host', 'store_port'] as const;

/**
 * The operations an external topology carries out by command, by the key the scenario gives the
 * command under, with the placeholders each may use. `store-resume` ends a `store-pause` that
 * has a `for`.
 */
export const EXTERNAL_COMMANDS: Readonly<Record<string, readonly string[]>> = {
  kill: REPLICA_PLACEHOLDERS,
  restart: REPLICA_PLACEHOLDERS,
  pause: REPLICA_PLACEHOLDERS,
  resume: REPLICA_PLACEHOLDERS,
  'store-kill': STORE_PLACEHOLDERS,
  'store-restart': STORE_PLACEHOLDERS,
  'store-pause': STORE_PLACEHOLDERS,
  'store-resume': STORE_PLACEHOLDERS,
};

/** How long a command may run when the scenario does not say. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;
