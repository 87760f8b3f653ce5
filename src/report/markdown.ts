import type { RunResult } from '../result/types.js';
import { describeEnvironment, describeScenario } from './describe-run.js';
import { pairedDifferenceLines } from './paired-rows.js';
import { DISTURBED_HEADLINE, DISTURBED_MEANING, findDisturbedRuns } from './disturbance-rows.js';
import { buildFaultWindowRows, findFailedFaults, runLabel } from './fault-window-rows.js';
import { formatCount, formatDurationMs, formatLatencyUs, formatMetricValue } from './format.js';
import { escapeMarkdown as esc, markdownHeader, markdownRow } from './markdown-escape.js';
import { buildSummaryTable } from './summary-table.js';
import { buildEndpointRows, errorKindsText } from './endpoint-rows.js';

/** Options of {@link renderMarkdown}. */
export interface MarkdownOptions {
  /** Level of the top heading (default 2, so the summary nests under a job's or comment's own heading). */
  headingLevel?: 1 | 2 | 3 | 4;
}

/**
 * A run as GitHub-flavoured Markdown, for `$GITHUB_STEP_SUMMARY` or a pull-request comment:
 * heading, what was run, the summary table (same rows as the terminal), the per-endpoint table, fault windows,
 * skipped architectures, thresholds and the environment. Pure: returns the text.
 */
export function renderMarkdown(result: RunResult, opts: MarkdownOptions = {}): string {
  const h = '#'.repeat(opts.headingLevel ?? 2);
  const sub = `${h}#`;
  const out: string[] = [`${h} statebench: ${esc(result.scenario.name)}`, ''];
  if (result.scenario.description) out.push(esc(result.scenario.description), '');
  out.push(esc(describeScenario(result)), '');

  if (!result.complete) {
    const reason = result.incompleteReason ? `: ${esc(result.incompleteReason)}` : '';
    out.push(`> **⚠️ Incomplete run**${reason}. The figures cover only what was measured.`, '');
  }
  const disturbed = findDisturbedRuns(result);
  if (disturbed.length > 0) {
    out.push(`> **⚠️ ${DISTURBED_HEADLINE}**: ${esc(DISTURBED_MEANING)}`, '>');
    for (const run of disturbed) out.push(`> - **${esc(runLabel(run))}**: ${esc(run.reasons.join('; '))}.`);
    out.push('');
  }

  const summary = buildSummaryTable(result);
  if (summary.columns.length === 0) {
    out.push('No architecture produced results.', '');
  } else {
    const heads = summary.columns.map((c) => `${esc(c.architecture)}${c.complete ? '' : '\\*'}${c.runs > 1 ? ` ×${c.runs}` : ''}`);
    out.push(...markdownHeader(['', ...heads], [false, ...heads.map(() => true)]));
    for (const row of summary.sections.flatMap((s) => s.rows)) {
      const cells = row.cells.map((c) => esc(c.range ? `${c.text} (${c.range})` : c.text));
      out.push(markdownRow([esc(row.label), ...cells]));
    }
    out.push('');
    const notes: string[] = [];
    if (summary.columns.some((c) => c.runs > 1)) notes.push('×N: median of N repetitions (min–max in brackets).');
    if (summary.baseline) notes.push(`“vs ${summary.baseline}”: difference from the ${summary.baseline} column.`);
    for (const run of result.architectures.filter((r) => !r.complete)) {
      notes.push(`\\* ${esc(run.architecture)} (repetition ${run.repetition}) did not finish${run.error ? `: ${esc(run.error)}` : ''}.`);
    }
    for (const run of result.architectures.filter((r) => r.unmeasured !== undefined)) {
      notes.push(`**✗ ${esc(run.architecture)} (repetition ${run.repetition}) was not measured**: ${esc(run.unmeasured!.reason)}. Its figures are left out.`);
    }
    if (notes.length > 0) out.push(notes.join('<br>\n'), '');
    const paired = pairedDifferenceLines(result);
    if (paired.length > 0) out.push(`**${esc(paired[0])}**`, '', ...paired.slice(1).map((l) => `- ${esc(l.trim())}`), '');
  }

  const endpoints = buildEndpointRows(result);
  if (endpoints.length > 0) {
    out.push(`${sub} Per endpoint`, '');
    out.push(...markdownHeader(['architecture', 'endpoint', 'requests', 'errors', 'p50', 'p95', 'p99'], [false, false, true, false, true, true, true]));
    endpoints.forEach((r, i) => {
      const kinds = errorKindsText(r, formatCount);
      const first = i === 0 || endpoints[i - 1].architecture !== r.architecture;
      out.push(
        markdownRow([
          first ? esc(`${r.architecture}${r.runs > 1 ? ` ×${r.runs}` : ''}`) : '',
          r.endpoint,
          formatCount(r.requests),
          esc(kinds ? `${formatCount(r.errors)} (${kinds})` : formatCount(r.errors)),
          formatLatencyUs(r.p50Us),
          formatLatencyUs(r.p95Us),
          formatLatencyUs(r.p99Us),
        ]),
      );
    });
    out.push('');
    if (endpoints.some((r) => r.runs > 1)) out.push('×N: medians of N repetitions.', '');
  }

  const windows = buildFaultWindowRows(result);
  if (windows.length > 0) {
    out.push(`${sub} Fault windows`, '');
    out.push(
      ...markdownHeader(
        ['run', 'fault', 'at', 'errors', 'lost sessions', 'lost items', 'p99', 'recovery'],
        [false, false, true, false, true, true, true, true],
      ),
    );
    for (const w of windows) {
      const kinds = w.errorKinds.map((k) => `${k.kind} ${formatCount(k.count)}`).join(', ');
      out.push(
        markdownRow([
          esc(runLabel(w)),
          esc(w.fault),
          formatDurationMs(w.startMs),
          esc(kinds ? `${formatCount(w.errors)} (${kinds})` : formatCount(w.errors)),
          formatCount(w.sessionsLost),
          formatCount(w.updatesLost),
          formatLatencyUs(w.p99Us),
          w.timeToRecoverMs === null ? '**not recovered**' : formatDurationMs(w.timeToRecoverMs),
        ]),
      );
    }
    out.push('', 'Recovery: time until errors stopped and p99 came back within 20% (or 1 ms) of its level before the fault.', '');
  }

  const failed = findFailedFaults(result);
  if (failed.length > 0) {
    out.push(`${sub} Faults that did not take effect`, '');
    for (const f of failed) out.push(`- ${esc(runLabel(f))}: ${esc(f.fault)} at ${formatDurationMs(f.atMs)}: ${esc(f.error)}`);
    out.push('');
  }

  if (result.skipped.length > 0) {
    out.push(`${sub} Skipped`, '');
    for (const s of result.skipped) out.push(`- **${esc(s.architecture)}**: ${esc(s.reason)}`);
    out.push('');
  }

  if (result.thresholds.length > 0) {
    const failedCount = result.thresholds.filter((t) => !t.passed).length;
    out.push(`${sub} Thresholds: ${failedCount === 0 ? 'all passed' : `${failedCount} of ${result.thresholds.length} failed`}`, '');
    out.push(...markdownHeader(['', 'architecture', 'threshold', 'actual'], [false, false, false, true]));
    for (const t of result.thresholds) {
      out.push(
        markdownRow([
          t.passed ? '✅' : '❌',
          esc(t.architecture),
          esc(`${t.source}: ${t.expression}`),
          esc(formatMetricValue(t.metric, t.actual)),
        ]),
      );
    }
    out.push('');
  }

  out.push(`<sub>${esc(describeEnvironment(result))}</sub>`, '');
  return out.join('\n');
}
