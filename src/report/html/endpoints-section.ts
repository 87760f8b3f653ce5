import type { RunResult } from '../../result/types.js';
import { buildEndpointRows, errorKindsText } from '../endpoint-rows.js';
import { formatCount, formatLatencyUs } from '../format.js';
import { escapeHtml } from './escape-html.js';

/**
 * Requests, errors (by kind) and latency per endpoint, every run on its own rows as in the
 * summary's columns: the same figures as the Markdown table and `--endpoints` in the terminal.
 */
export function renderEndpointsSection(result: RunResult): string {
  const rows = buildEndpointRows(result, { repetitions: 'each' });
  const out: string[] = ['<section id="endpoints"><h2>Per endpoint</h2>'];
  if (rows.length === 0) {
    out.push('<p class="empty">No per-endpoint figures in this result.</p></section>');
    return out.join('\n');
  }
  out.push(
    '<p class="hint">What each step of a session cost: a login, adding to the cart, reading it, the checkout, the logout. ' +
      'Requests are completed ones, failed included; latency from the intended send time, as in the summary.</p>',
  );
  out.push('<div class="table-wrap"><table class="endpoints"><thead><tr>');
  out.push(['architecture', 'endpoint', 'requests', 'errors', 'p50', 'p95', 'p99'].map((h, i) => `<th scope="col"${i === 1 || i === 3 ? ' class="text"' : ''}>${h}</th>`).join(''));
  out.push('</tr></thead><tbody>');
  rows.forEach((r, i) => {
    const span = rows.filter((x) => x.architecture === r.architecture).length;
    const first = i === 0 || rows[i - 1].architecture !== r.architecture;
    const kinds = errorKindsText(r, formatCount);
    const errors = r.errors === null || r.errors === 0 ? escapeHtml(formatCount(r.errors)) : `${escapeHtml(formatCount(r.errors))} <span class="muted">(${escapeHtml(kinds)})</span>`;
    out.push(
      '<tr>' +
        (first ? `<th scope="rowgroup" rowspan="${span}">${escapeHtml(r.architecture)}</th>` : '') +
        `<td class="text">${r.endpoint}</td>` +
        `<td>${escapeHtml(formatCount(r.requests))}</td>` +
        `<td class="text${(r.errors ?? 0) > 0 ? ' warn' : ''}">${errors}</td>` +
        `<td>${escapeHtml(formatLatencyUs(r.p50Us))}</td>` +
        `<td>${escapeHtml(formatLatencyUs(r.p95Us))}</td>` +
        `<td>${escapeHtml(formatLatencyUs(r.p99Us))}</td>` +
        '</tr>',
    );
  });
  out.push('</tbody></table></div></section>');
  return out.join('\n');
}
