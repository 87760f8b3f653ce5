import type { ErrorKind } from '../load/outcome.js';
import type { RunResult } from '../result/types.js';
import { groupByArchitecture } from './architecture-groups.js';

/** What happened in one fault window of one run, ready to render. */
export interface FaultWindowRow {
  architecture: string;
  /** Set when the architecture ran more than once, so rows of different repetitions can be told apart. */
  repetition?: number;
  /** `kill replica-2`. */
  fault: string;
  startMs: number;
  errors: number;
  /** Error kinds during the window, most frequent first. */
  errorKinds: { kind: ErrorKind; count: number }[];
  sessionsLost: number;
  updatesLost: number;
  p99Us: number;
  /** Null when errors never stopped or p99 never came back before the window ended. */
  timeToRecoverMs: number | null;
}

/** A fault that did not take effect: a report must say so, or its window is misread. */
export interface FailedFault {
  architecture: string;
  repetition?: number;
  fault: string;
  atMs: number;
  error: string;
}

function faultName(kind: string, target: string | undefined): string {
  return target ? `${kind} ${target}` : kind;
}

/** Every fault window of every run, grouped by architecture in run order. */
export function buildFaultWindowRows(result: RunResult): FaultWindowRow[] {
  const rows: FaultWindowRow[] = [];
  for (const group of groupByArchitecture(result.architectures)) {
    const repeated = group.runs.length > 1;
    for (const run of group.runs) {
      for (const w of run.faultWindows) {
        const errorKinds = (Object.entries(w.errors) as [ErrorKind, number][])
          .filter(([, count]) => count > 0)
          .sort((a, b) => b[1] - a[1])
          .map(([kind, count]) => ({ kind, count }));
        rows.push({
          architecture: group.architecture,
          ...(repeated ? { repetition: run.repetition } : {}),
          fault: faultName(w.kind, w.target),
          startMs: w.startMs,
          errors: errorKinds.reduce((s, k) => s + k.count, 0),
          errorKinds,
          sessionsLost: w.sessionsLost,
          updatesLost: w.updatesLost,
          p99Us: w.p99Us,
          timeToRecoverMs: w.timeToRecoverMs,
        });
      }
    }
  }
  return rows;
}

/** Fault events that failed to take effect (e.g. a restart that never became healthy). */
export function findFailedFaults(result: RunResult): FailedFault[] {
  const failed: FailedFault[] = [];
  for (const group of groupByArchitecture(result.architectures)) {
    const repeated = group.runs.length > 1;
    for (const run of group.runs) {
      for (const e of run.faults) {
        if (e.ok) continue;
        failed.push({
          architecture: group.architecture,
          ...(repeated ? { repetition: run.repetition } : {}),
          fault: faultName(e.kind, e.target),
          atMs: e.atMs,
          error: e.error ?? 'failed',
        });
      }
    }
  }
  return failed;
}

/** `sticky` or `sticky #2` for rows of repeated runs. */
export function runLabel(row: { architecture: string; repetition?: number }): string {
  return row.repetition === undefined ? row.architecture : `${row.architecture} #${row.repetition}`;
}
