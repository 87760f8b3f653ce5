import type { RunResult } from '../result/types.js';
import { formatDurationMs, formatRate, plural } from './format.js';

/**
 * One line saying what was run: enough to tell two reports apart at a glance
 * (`closed load, 50 users · 3 replicas · 30.0 s measured after 5.00 s warm-up`).
 */
export function describeScenario(result: RunResult): string {
  return scenarioParts(result).join(' · ');
}

/** The pieces of {@link describeScenario}, for renderers that wrap lines between them. */
export function scenarioParts(result: RunResult): string[] {
  const s = result.scenario;
  const load =
    s.load.model === 'closed'
      ? `closed load, ${plural(s.load.users, 'user')}`
      : `open load, ${formatRate(s.load.rateRps)} req/s${s.load.rampToRps !== undefined ? ` ramping to ${formatRate(s.load.rampToRps)}` : ''}`;
  const share = result.pairing?.mode === 'concurrent' && result.pairing.share !== undefined && result.pairing.share < 1 ? Math.round(1 / result.pairing.share) : undefined;
  const external = s.topology?.external !== undefined;
  const replicaCounts = [...new Set(result.architectures.map((a) => a.replicas))];
  const parts = [
    share === undefined ? load : `${load} shared by ${share} architectures run at once (1/${share} each)`,
    external ? `external replicas${replicaCounts.length === 1 ? ` (${replicaCounts[0]})` : ''}` : plural(s.replicas, 'replica'),
    `${formatDurationMs(s.durationMs)} measured after ${formatDurationMs(s.warmupMs)} warm-up`,
  ];
  // Loopback makes a store look free; say so when a realistic round trip was injected.
  if (s.store.latencyMs > 0) parts.push(`store latency +${s.store.latencyMs} ms`);
  if (result.shard !== undefined) {
    const l = result.shard.load;
    parts.push(`shard ${result.shard.index}/${result.shard.count}: ${l.model === 'closed' ? `${l.users} users` : `${formatRate(l.rateRps)} req/s`}${result.shard.firesFaults ? '' : ', faults left to shard 1'}`);
  }
  if (result.merged !== undefined) parts.push(`merged from ${result.merged.shards.length} shards, windows aligned within ${result.merged.alignmentMs} ms`);
  return parts;
}

/** The machine and versions behind the figures: results only compare on like machines. */
export function describeEnvironment(result: RunResult): string {
  return environmentParts(result).join(' · ');
}

/** The pieces of {@link describeEnvironment}, for renderers that wrap lines between them. */
export function environmentParts(result: Pick<RunResult, 'environment'>): string[] {
  const e = result.environment;
  const gib = e.totalMemoryBytes / 2 ** 30;
  const parts = [
    `statebench ${e.statebenchVersion}`,
    `Node ${e.node}`,
    `${e.platform}/${e.arch}`,
    `${e.cpus} × ${e.cpuModel.trim()}`,
    `${gib.toFixed(1)} GiB`,
  ];
  if (e.gitCommit) parts.push(`commit ${e.gitCommit.slice(0, 12)}`);
  if (e.redisVersion) parts.push(`redis ${e.redisVersion}`);
  return parts;
}
