import type { StoreBackend } from '../stores/store-backend.js';

/**
 * One architecture statebench compares: where session state lives and how requests are routed.
 * Each is one file in src/architectures/, named after the word users write in `architectures:`,
 * and listed in src/architectures/index.ts. Everything that used to switch on architecture names
 * (topology, fault checks, help, reports, the demo's narration) reads these fields instead.
 */
export interface Architecture {
  /** The word users write: `sticky`, `redis`, `memcached-cas`. */
  readonly name: string;
  /** Where sessions live and what that means, for `--help`: one paragraph (wrapped there). */
  readonly help: string;
  /** Where sessions live, completing "sessions live …": `in the memory of the replica that created them`. */
  readonly stateLives: string;
  /** The same in three or four words, for narrow screens: `sessions in Redis`. */
  readonly stateShort: string;
  /** One clause introducing it to an audience: `redis keeps sessions in Redis, so any replica can serve anyone`. */
  readonly introduction: string;
  /** `sticky`: the router pins each session to the replica that created it; `round-robin`: any replica serves any request. */
  readonly routing: 'sticky' | 'round-robin';
  /** The session store the topology starts for it; undefined when state never leaves replicas and clients. */
  readonly store: StoreBackend | undefined;
  /** The module in targets/stores/ the replicas load (`targets/stores/<targetStore>.ts`). */
  readonly targetStore: string;
}
