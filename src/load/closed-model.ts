import type { ClosedLoad, SessionMix } from './load-spec.js';
import type { DelayStats } from './delay-stats.js';
import type { Engine } from './engine.js';
import type { OutcomeKind } from './outcome.js';
import type { VirtualUser } from './virtual-user.js';

/**
 * After a refusal (no replica up, or connection refused) a user waits this long before its next
 * request, as a person retrying would; without it a closed loop spins on instant failures and
 * the error count measures the generator's speed, not the outage.
 */
export const REFUSED_BACKOFF_MS = 20;

/** Counters the runner can report beside the closed model's latencies. */
export interface ClosedModelStats {
  /**
   * Time users spent between a completion and their next send, summed over sends inside the
   * window, ms: think time, back-off after refusals, and the generator's own work (interpreting
   * and recording the answer) and scheduling delays. Little's law holds for the whole cycle:
   * users = throughput × (mean latency + this / requests sent) (exactly with one tab per user).
   * Without think time it is the generator's overhead, which `users = throughput × latency`
   * silently assumes to be 0: small (~1-2 µs a request here) unless the generator is starved.
   */
  betweenRequestsMs: number;
  /**
   * How late the generator's event loop ran over the window, µs (perf_hooks'
   * monitorEventLoopDelay, sampled every 10 ms): a closed loop has no schedule to be late
   * against, so this is where a starved or blocked generator shows. Set by runLoad.
   */
  loopDelayUs?: DelayStats;
}

/**
 * A fixed number of users, each sending its next request as soon as the last one completed
 * (after think time), as autocannon and wrk do. Latency is from the actual send.
 */
export function startClosedModel(
  engine: Engine,
  load: ClosedLoad,
  mix: SessionMix,
  startMs: number,
): { stop: () => void; stats: () => ClosedModelStats } {
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  let betweenRequestsMs = 0;

  const fill = (vu: VirtualUser): void => {
    while (!stopped && vu.canIssue()) {
      const now = performance.now();
      if (now >= engine.windowEndMs) {
        stopped = true;
        return;
      }
      if (vu.freedAtMs >= 0) {
        if (now >= engine.windowStartMs) betweenRequestsMs += now - vu.freedAtMs;
        vu.freedAtMs = -1;
      }
      engine.issue(vu, now);
    }
  };

  const later = (vu: VirtualUser, delayMs: number): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fill(vu);
    }, delayMs);
    timers.add(t);
  };

  engine.onUserFree = (vu: VirtualUser, kind: OutcomeKind) => {
    if (stopped) return;
    if (kind === 'refused') later(vu, REFUSED_BACKOFF_MS);
    else if (mix.thinkTimeMs > 0) later(vu, mix.thinkTimeMs);
    else fill(vu);
  };

  const users = engine.users;
  for (let i = 0; i < users.length; i++) {
    const delay = load.rampUpMs > 0 ? (load.rampUpMs * i) / users.length : 0;
    const at = startMs + delay - performance.now();
    if (at <= 0) fill(users[i]);
    else later(users[i], at);
  }

  return {
    stop: () => {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
    stats: () => ({ betweenRequestsMs }),
  };
}
