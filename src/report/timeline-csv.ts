import { ERROR_KINDS } from '../load/outcome.js';
import type { RunResult, TimelineSecond } from '../result/types.js';

/** A result with the label its rows carry in the `run` column (`compare`: baseline, current). */
export interface LabelledResult {
  label: string;
  result: RunResult;
}

/**
 * The per-second timeline as CSV (RFC 4180, a header row, `\n` line ends), one row per second
 * of each architecture run, for spreadsheets, pandas or Grafana's CSV sources. Columns say their
 * unit (`p99_us`); error kinds get one column each, and each replica its request count (empty
 * where a replica did not exist). Given several labelled results, a leading `run` column tells
 * them apart. Pure: returns the text.
 */
export function renderTimelineCsv(input: RunResult | readonly LabelledResult[]): string {
  const labelled = Array.isArray(input) ? (input as readonly LabelledResult[]) : undefined;
  const results = labelled ?? [{ label: '', result: input as RunResult }];
  const replicas = replicaNames(results.map((r) => r.result));
  const header = [
    ...(labelled ? ['run'] : []),
    'architecture',
    'repetition',
    'second',
    'completed',
    'ok',
    'errors',
    ...ERROR_KINDS.map((k) => `errors_${k.replace(/-/g, '_')}`),
    'sessions_lost',
    'updates_lost',
    'dropped',
    'p50_us',
    'p99_us',
    'store_p50_us',
    'late_p99_us',
    'loop_delay_p99_us',
    'foreign_cores',
    'steal_share',
    'requests_in_flight',
    'sessions_open',
    'faults',
    ...replicas.map((r) => `requests_${r.replace(/-/g, '_')}`),
  ];
  const rows = [header];
  for (const { label, result } of results) {
    for (const arch of result.architectures) {
      for (const s of arch.timeline) {
        rows.push([
          ...(labelled ? [label] : []),
          arch.architecture,
          String(arch.repetition),
          String(s.second),
          String(s.completed),
          String(s.ok),
          String(errorsOf(s)),
          ...ERROR_KINDS.map((k) => String(s.errors[k] ?? 0)),
          String(s.sessionsLost),
          String(s.updatesLost),
          String(s.dropped),
          String(s.p50Us),
          String(s.p99Us),
          String(s.storeP50Us),
          optional(s.lateP99Us),
          optional(s.loopDelayP99Us),
          optional(s.foreignCores),
          optional(s.stealShare),
          optional(s.requestsInFlight),
          optional(s.sessionsOpen),
          s.faults.join('; '),
          ...replicas.map((r) => optional(s.byReplica[r])),
        ]);
      }
    }
  }
  return rows.map((row) => row.map(field).join(',')).join('\n') + '\n';
}

function errorsOf(s: TimelineSecond): number {
  return Object.values(s.errors).reduce((sum: number, n) => sum + (n ?? 0), 0);
}

/** Every replica name in the runs, `replica-2` before `replica-10`. */
function replicaNames(results: readonly RunResult[]): string[] {
  const names = new Set<string>();
  for (const r of results) for (const a of r.architectures) for (const s of a.timeline) for (const name of Object.keys(s.byReplica)) names.add(name);
  return [...names].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** An absent figure is an empty cell, which spreadsheets and pandas read as missing, not as 0. */
function optional(value: number | undefined): string {
  return value === undefined ? '' : String(value);
}

/** Quoted when it holds a comma, a quote or a line break (RFC 4180). */
function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
