import { ENDPOINTS, ERROR_KINDS, type Endpoint, type ErrorKind } from '../load/outcome.js';
import type { ArchitectureResult, RunResult } from '../result/types.js';
import { groupByArchitecture, spreadOf } from './architecture-groups.js';

/** One endpoint of one architecture, ready to render. */
export interface EndpointRow {
  /** `redis`; `redis #2` when each repetition has its rows (`{ repetitions: 'each' }`). */
  architecture: string;
  /** Repetitions behind the figures: above 1 each figure is the median over them, as in the summary. */
  runs: number;
  endpoint: Endpoint;
  /** Completed requests (ok or failed). */
  requests: number;
  /** Failed requests; null when the result did not record failures per endpoint (older files). */
  errors: number | null;
  /** Every kind that failed on this endpoint, most frequent first. */
  errorKinds: { kind: ErrorKind; count: number }[];
  p50Us: number | null;
  /** Null for an older result without p95 or a histogram to read it from. */
  p95Us: number | null;
  p99Us: number | null;
}

const median = (values: readonly (number | null | undefined)[]): number | null => spreadOf(values)?.median ?? null;

function errorsOf(run: ArchitectureResult, endpoint: Endpoint): Partial<Record<ErrorKind, number>> | undefined {
  if (run.errorsByEndpoint === undefined) return undefined;
  return run.errorsByEndpoint[endpoint] ?? {};
}

/**
 * The per-endpoint table of a run (login, add, read, checkout, logout): requests, errors by
 * kind, and p50, p95 and p99 of each, per architecture in run order, endpoints in the order a
 * session makes them. An endpoint an architecture never completed is left out; runs that did not
 * measure (`unmeasured`) are no figures and are left out too. Repetitions give medians, as in
 * the summary table, or rows of their own (`repetitions: 'each'`). Shared by the terminal
 * (`--endpoints`), Markdown and HTML reports, so they show the same figures.
 */
export function buildEndpointRows(result: RunResult, opts: { repetitions?: 'median' | 'each' } = {}): EndpointRow[] {
  const rows: EndpointRow[] = [];
  const grouped = groupByArchitecture(result.architectures);
  // The HTML report gives every repetition its own column, and so its own rows here.
  const groups =
    opts.repetitions === 'each'
      ? grouped.flatMap((g) => g.runs.map((run) => ({ architecture: g.runs.length > 1 ? `${g.architecture} #${run.repetition}` : g.architecture, runs: [run] })))
      : grouped;
  for (const group of groups) {
    const runs = group.runs.filter((r) => r.unmeasured === undefined);
    if (runs.length === 0) continue;
    for (const endpoint of ENDPOINTS) {
      const figures = runs.map((r) => r.byEndpoint[endpoint]);
      if (figures.every((f) => f === undefined || f.count === 0)) continue;
      const errors = runs.map((r) => errorsOf(r, endpoint));
      const recorded = errors.every((e) => e !== undefined);
      const errorKinds = recorded
        ? ERROR_KINDS.map((kind) => ({ kind, count: median(errors.map((e) => e?.[kind] ?? 0)) ?? 0 }))
            .filter((k) => k.count > 0)
            .sort((a, b) => b.count - a.count)
        : [];
      rows.push({
        architecture: group.architecture,
        runs: runs.length,
        endpoint,
        requests: median(figures.map((f) => f?.count ?? 0)) ?? 0,
        errors: recorded ? median(errors.map((e) => Object.values(e ?? {}).reduce((s, n) => s + (n ?? 0), 0))) : null,
        errorKinds,
        p50Us: median(figures.map((f) => f?.p50)),
        p95Us: median(figures.map((f) => f?.p95)),
        p99Us: median(figures.map((f) => f?.p99)),
      });
    }
  }
  return rows;
}

/** `session-lost 214, refused 38`: the kinds of a row's errors, for a cell or a sentence. */
export function errorKindsText(row: EndpointRow, format: (n: number) => string): string {
  return row.errorKinds.map((k) => `${k.kind} ${format(k.count)}`).join(', ');
}
