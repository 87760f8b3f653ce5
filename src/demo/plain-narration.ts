import { formatCount, formatLatencyUs } from '../report/format.js';
import type { DemoState } from './demo-state.js';
import type { DemoSink } from './demo-show.js';

/** In a log, the figures every this many seconds: enough to follow, never a flood. */
const FIGURES_EVERY_S = 5;

/**
 * The demo without a terminal (CI, a pipe): each line of narration as it is said, stamped
 * with story time, and every few seconds one line of figures per second for all architectures.
 */
export function plainNarration(out: NodeJS.WritableStream): DemoSink {
  const stamp = (state: DemoState): string => `[${String(Math.floor(state.storyMs / 1000)).padStart(3)} s]`;
  return {
    changed() {},
    line(text, state) {
      out.write(`${stamp(state)} ${text}\n`);
    },
    second(state) {
      if (state.commonSeconds % FIGURES_EVERY_S !== 0) return;
      out.write(`${stamp(state)}   ${state.panels.map(figures).join(' · ')}\n`);
    },
  };
}

function figures(p: DemoState['panels'][number]): string {
  const down = p.replicas.filter((r) => r.state !== 'up').map((r) => `${r.name} ${r.state}`);
  return (
    `${p.architecture} ${formatCount(p.throughputRps.at(-1) ?? 0)} req/s, p99 ${formatLatencyUs(p.p99Us.at(-1))}, ` +
    `${formatCount(p.sessionsLost)} lost${down.length > 0 ? ` (${down.join(', ')})` : ''}`
  );
}
