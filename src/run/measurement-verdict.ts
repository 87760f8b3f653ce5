import type { ArchitectureResult, TimelineSecond } from '../result/types.js';
import { formatCount, plural } from '../syntax/figures.js';

/** Seconds in a row, outside every scheduled fault's window, that must mostly fail for the run not to count. */
const FAILING_SECONDS = 3;
/** "Mostly": more than this share of the second's completed requests failed. */
const FAILING_SHARE = 0.5;

/**
 * Whether an architecture's run measured the architecture, or something broke that the scenario
 * did not schedule (the store killed from outside, the disk full, the targets never up): then
 * its figures are not data, and the reason says what was seen. Undefined when the run measured.
 *
 * Not measured:
 * - the topology never came up, or no request was sent at all in the measured window;
 * - no request succeeded;
 * - FAILING_SECONDS seconds in a row, outside every scheduled fault's window, in which more than
 *   FAILING_SHARE of the completed requests failed. A fault's window runs from its second until
 *   it recovered, or, unrecovered, until the next fault or the end (src/metrics/fault-windows.ts):
 *   a scheduled `store-kill` that never heals explains every error after it.
 *
 * Errors here and there (a few timeouts of an overloaded machine) are figures, not a verdict.
 */
export function unmeasuredReason(arch: ArchitectureResult): string | undefined {
  const { requests } = arch;
  if (arch.error !== undefined && requests.sent === 0) return `the targets never came up: ${arch.error}`;
  if (requests.sent === 0) return 'no request was sent in the measured window';
  if (requests.ok === 0 && requests.failed > 0) return `not one of ${plural(requests.failed, 'request')} succeeded (${mainErrors(arch)})`;
  if (requests.ok === 0) {
    const dropped = requests.dropped > 0 ? `, ${formatCount(requests.dropped)} more were due and dropped` : '';
    return `none of the ${plural(requests.sent, 'request')} sent completed${dropped}: the generator or the targets could not keep up at all`;
  }

  const explained = faultSeconds(arch);
  const windowSeconds = Math.ceil(arch.measuredMs / 1000);
  let run: TimelineSecond[] = [];
  for (const second of [...arch.timeline].sort((a, b) => a.second - b.second)) {
    if (second.second >= windowSeconds) break;
    const failed = second.completed - second.ok;
    if (!explained.has(second.second) && second.completed > 0 && failed / second.completed > FAILING_SHARE) {
      if (run.length > 0 && run[run.length - 1].second !== second.second - 1) run = [];
      run.push(second);
      if (run.length >= FAILING_SECONDS) return failingRun(run[0], arch);
    } else {
      run = [];
    }
  }
  return undefined;
}

function failingRun(first: TimelineSecond, arch: ArchitectureResult): string {
  let completed = 0;
  let failed = 0;
  for (const s of arch.timeline) {
    if (s.second < first.second || s.second >= Math.ceil(arch.measuredMs / 1000)) continue;
    completed += s.completed;
    failed += s.completed - s.ok;
  }
  const share = completed === 0 ? 0 : Math.round((failed / completed) * 100);
  return (
    `from second ${first.second} on, ${share}% of requests failed (${mainErrors(arch)}) outside any fault the scenario scheduled: ` +
    'something outside the experiment broke (the store died, the disk filled, a replica was killed from outside)'
  );
}

/** Seconds covered by the scheduled faults' windows (a fault's own second onwards). */
function faultSeconds(arch: ArchitectureResult): Set<number> {
  const seconds = new Set<number>();
  const windowSeconds = Math.ceil(arch.measuredMs / 1000);
  const starts = arch.faultWindows.map((w) => Math.floor(Math.max(0, w.startMs) / 1000)).sort((a, b) => a - b);
  for (const w of arch.faultWindows) {
    const first = Math.floor(Math.max(0, w.startMs) / 1000);
    const next = starts.find((s) => s > first) ?? windowSeconds;
    // Recovered: the window ends at recovery (at least one second long); else at the next fault or the end.
    const end = w.recoveredAtMs === null ? next : Math.max(first + 1, Math.ceil(w.recoveredAtMs / 1000));
    for (let s = first; s < end; s++) seconds.add(s);
  }
  return seconds;
}

/** `http-5xx 18,409, timeout 12`: every kind that failed, most frequent first (each calls for its own explanation). */
function mainErrors(arch: ArchitectureResult): string {
  const kinds = Object.entries(arch.requests.errors)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${kind} ${formatCount(n)}`);
  return kinds.length > 0 ? kinds.join(', ') : 'no error recorded';
}
