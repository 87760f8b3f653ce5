import { SESSION_LOSS_CAUSES, type SessionLossCause } from '../faults/fault-event.js';
import type { ArchitectureResult } from '../result/types.js';
import type { MetricUnit } from './format.js';

/**
 * The rows that say what kind of consistency trouble a run had, as data every reporter draws
 * (terminal, Markdown, HTML): lost sessions by cause, with the store's own counters beside the
 * causes it can confirm, and the session guarantees the client checked on reads. Rows that
 * would read zero in every column are left out.
 */
export interface ConsistencyRow {
  /** For narrow terminals (at most 16 characters). */
  shortLabel: string;
  label: string;
  /** A breakdown of the row above it. */
  sub: boolean;
  unit: MetricUnit;
  /** Null when the run does not say (an older result, a store without counters). */
  value: (run: ArchitectureResult) => number | null;
  /** Whether a non-zero figure is bad news (a loss) or a warning. */
  nonZero: 'bad' | 'warn' | 'plain';
}

/** How each cause reads in a row. */
const CAUSE_LABELS: Record<SessionLossCause, string> = {
  'replica-died': 'the replica holding it died',
  'store-restarted': 'the store restarted empty',
  failover: 'a failover lost it',
  expired: 'expired (time to live ran out)',
  evicted: 'evicted (store memory full)',
  unexplained: 'no known cause',
};

/** How each cause reads in a narrow terminal (16 characters with the indent). */
const CAUSE_SHORT: Record<SessionLossCause, string> = {
  'replica-died': 'replica died',
  'store-restarted': 'store restart',
  failover: 'failover',
  expired: 'expired',
  evicted: 'evicted',
  unexplained: 'unexplained',
};

/** The store's counter that confirms a cause, when it has one. */
const CONFIRMED_BY: Partial<Record<SessionLossCause, { key: 'expiredKeys' | 'evictedKeys'; short: string; what: string }>> = {
  expired: { key: 'expiredKeys', short: '    store count', what: 'keys the store itself expired (Redis expired_keys)' },
  evicted: { key: 'evictedKeys', short: '    store count', what: 'keys the store itself evicted (Redis evicted_keys, Memcached evictions)' },
};

const any = (runs: readonly ArchitectureResult[], f: (r: ArchitectureResult) => number | null): boolean => runs.some((r) => (f(r) ?? 0) > 0);

/**
 * Lost sessions by cause (to go under the `lost sessions` row), each confirmed by the store's own
 * count when it keeps one; only causes that occurred. A store counter is shown when its cause
 * occurred or the store counted something statebench did not see.
 */
export function lossCauseRows(runs: readonly ArchitectureResult[]): ConsistencyRow[] {
  if (!runs.some((r) => r.sessions.lostByCause !== undefined) || !any(runs, (r) => r.sessions.lost)) return [];
  const rows: ConsistencyRow[] = [];
  for (const cause of SESSION_LOSS_CAUSES) {
    const value = (r: ArchitectureResult): number | null => (r.sessions.lostByCause === undefined ? null : (r.sessions.lostByCause[cause] ?? 0));
    const confirm = CONFIRMED_BY[cause];
    const counter = confirm === undefined ? undefined : (r: ArchitectureResult): number | null => r.storeCounters?.[confirm.key] ?? null;
    const caused = any(runs, value);
    if (caused) rows.push({ shortLabel: `  ${CAUSE_SHORT[cause]}`, label: `↳ ${CAUSE_LABELS[cause]}`, sub: true, unit: 'count', value, nonZero: 'bad' });
    if (confirm !== undefined && counter !== undefined && (caused || any(runs, counter))) {
      rows.push({ shortLabel: caused ? confirm.short : `  store ${cause}`, label: `${caused ? '  ↳ ' : '↳ '}${confirm.what}`, sub: true, unit: 'count', value: counter, nonZero: 'plain' });
    }
  }
  return rows;
}

/**
 * What the client's checker found on reads: reads that lacked items known present (and which
 * guarantee they broke), items that were stale rather than lost, and how stale. Empty when no
 * read of any run lacked anything.
 */
export function consistencyRows(runs: readonly ArchitectureResult[]): ConsistencyRow[] {
  const staleReads = (r: ArchitectureResult): number => r.requests.errors['stale-read'] ?? 0;
  if (!any(runs, staleReads)) return [];
  const c = (f: (x: NonNullable<ArchitectureResult['consistency']>) => number | null) => (r: ArchitectureResult): number | null =>
    r.consistency === undefined ? null : f(r.consistency);
  return [
    { shortLabel: 'stale reads', label: 'stale reads (lacked items known present)', sub: false, unit: 'count', value: staleReads, nonZero: 'warn' },
    { shortLabel: '  read-own-write', label: '↳ read-your-writes broken (an acknowledged add missing)', sub: true, unit: 'count', value: c((x) => x.readYourWritesViolations), nonZero: 'warn' },
    { shortLabel: '  monotonic', label: '↳ monotonic reads broken (an item seen before missing)', sub: true, unit: 'count', value: c((x) => x.monotonicReadViolations), nonZero: 'warn' },
    { shortLabel: 'stale items', label: 'items stale, seen again later (not lost)', sub: false, unit: 'count', value: c((x) => x.staleItems), nonZero: 'plain' },
    { shortLabel: 'staleness p50', label: 'staleness p50 (acknowledged → visible)', sub: false, unit: 'us', value: c((x) => x.stalenessUs?.p50 ?? null), nonZero: 'plain' },
    { shortLabel: 'staleness p99', label: 'staleness p99', sub: false, unit: 'us', value: c((x) => x.stalenessUs?.p99 ?? null), nonZero: 'plain' },
  ];
}
