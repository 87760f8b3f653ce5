import { durationMs, flag } from '../syntax/fields.js';
import { formatDurationMs } from '../syntax/figures.js';
import { defineFault, passive } from './fault.js';

export interface StorePauseSpec {
  atMs: number;
  kind: 'store-pause';
  /** How long the store stays frozen. */
  forMs: number;
}

const options = { for: durationMs({ description: 'How long the store stays frozen.', positive: true }) };

export const storePause = defineFault<StorePauseSpec, typeof flag, typeof options>({
  kind: 'store-pause',
  summary:
    'Freeze the store for `for`: a server is SIGSTOPped (commands hang until the replicas time out); an SQLite ' +
    'file has its write lock held by another connection (writers wait out busy_timeout, readers go on).',
  syntax: {
    description: 'Freeze the store for `for` (a server: SIGSTOP; SQLite: a held exclusive lock).',
    example: 'store-pause: true\n  for: 2s',
    value: flag,
    options,
    resolve: (_flag, o) => ({ forMs: o.for }),
  },
  storeAction: 'pause',
  commands: () => ['store-pause', 'store-resume'],
  async apply({ topology, spec, sleep }) {
    await topology.pauseStore();
    try {
      await sleep(spec.forMs);
    } finally {
      await topology.resumeStore();
    }
    return { detail: `${topology.architecture.store?.pauseHow ?? 'paused'} for ${spec.forMs} ms`, healed: true };
  },
  describe: (spec, tense) => `the store ${passive(tense, 'frozen')} for ${formatDurationMs(spec.forMs)}`,
});
