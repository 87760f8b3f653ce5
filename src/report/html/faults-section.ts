import type { RunResult } from '../../result/types.js';
import { buildFaultWindowRows, findFailedFaults, runLabel } from '../fault-window-rows.js';
import { formatCount, formatDurationMs, formatLatencyUs } from '../format.js';
import { escapeHtml } from './escape-html.js';

/**
 * What each fault did to users, from the same rows as the terminal and Markdown reports, and
 * the faults that never took effect (their windows would otherwise be misread).
 */
export function renderFaultsSection(result: RunResult): string {
  const rows = buildFaultWindowRows(result);
  const failed = findFailedFaults(result);
  const out: string[] = ['<section id="faults"><h2>Fault windows</h2>'];
  if (rows.length === 0 && failed.length === 0) {
    out.push('<p class="empty">No faults were injected.</p></section>');
    return out.join('\n');
  }
  out.push(
    '<p class="hint">A window runs from the fault until errors stop and p99 is back within 20% (or 1 ms, whichever is larger) of the steady state before it. ' +
      '“Worst p99” is the highest per-second p99 inside the window.</p>',
  );
  if (rows.length > 0) {
    out.push('<div class="table-wrap"><table><thead><tr>');
    out.push(
      ['architecture', 'fault', 'at', 'errors', 'lost sessions', 'lost updates', 'worst p99', 'recovered after']
        .map((h, i) => `<th scope="col"${i === 1 || i === 3 ? ' class="text"' : ''}>${h}</th>`)
        .join(''),
    );
    out.push('</tr></thead><tbody>');
    for (const r of rows) {
      const kinds = r.errorKinds.map((k) => `${k.kind} ${formatCount(k.count)}`).join(', ');
      out.push(
        '<tr>' +
          `<td>${escapeHtml(runLabel(r))}</td>` +
          `<td class="text">${escapeHtml(r.fault)}</td>` +
          `<td>${escapeHtml(formatDurationMs(r.startMs))}</td>` +
          `<td class="text${r.errors > 0 ? ' warn' : ''}">${r.errors === 0 ? '0' : `${escapeHtml(formatCount(r.errors))} <span class="muted">(${escapeHtml(kinds)})</span>`}</td>` +
          `<td${r.sessionsLost > 0 ? ' class="bad"' : ''}>${escapeHtml(formatCount(r.sessionsLost))}</td>` +
          `<td${r.updatesLost > 0 ? ' class="bad"' : ''}>${escapeHtml(formatCount(r.updatesLost))}</td>` +
          `<td>${escapeHtml(formatLatencyUs(r.p99Us))}</td>` +
          `<td${r.timeToRecoverMs === null ? ' class="warn"' : ''}>${r.timeToRecoverMs === null ? 'not recovered' : escapeHtml(formatDurationMs(r.timeToRecoverMs))}</td>` +
          '</tr>',
      );
    }
    out.push('</tbody></table></div>');
  }
  if (failed.length > 0) {
    out.push('<h3>Faults that did not take effect</h3><ul>');
    for (const f of failed) {
      out.push(`<li><strong>${escapeHtml(runLabel(f))}</strong>: ${escapeHtml(f.fault)} at ${escapeHtml(formatDurationMs(f.atMs))} failed: ${escapeHtml(f.error)}</li>`);
    }
    out.push('</ul>');
  }
  out.push('</section>');
  return out.join('\n');
}
