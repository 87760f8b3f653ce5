import type { RunResult } from '../../result/types.js';
import type { FaultSpec, LoadSpec } from '../../scenario/types.js';
import { formatCount, formatDurationMs, formatMetricValue, formatRate } from '../format.js';
import { escapeHtml } from './escape-html.js';

/** A Redis URL may carry a password; a report gets shared, so it never shows one. */
function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}

function definitionList(items: [string, string | undefined][]): string {
  const rows = items
    .filter((item): item is [string, string] => item[1] !== undefined && item[1] !== '')
    .map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`);
  return `<dl>${rows.join('')}</dl>`;
}

function describeLoad(load: LoadSpec): string {
  const common = `request timeout ${formatDurationMs(load.timeoutMs)}, grace ${formatDurationMs(load.graceMs)}, ${load.parallelPerSession} in flight per session`;
  if (load.model === 'closed') {
    return `closed: ${formatCount(load.users)} users, ramp-up ${formatDurationMs(load.rampUpMs)}; ${common}`;
  }
  const ramp = load.rampToRps === undefined ? '' : ` ramping to ${formatRate(load.rampToRps)} req/s`;
  return `open: ${formatRate(load.rateRps)} req/s${ramp} over ${formatCount(load.sessions)} sessions, backlog ${formatCount(load.maxBacklog)}; ${common}`;
}

/**
 * A timeline entry as stored in the result: its time and kind, then every other field, so any
 * fault (and results of other versions) reads the same way; `…Ms` fields read as durations.
 */
function describeFault(f: FaultSpec): string {
  const parts = [`${formatDurationMs(f.atMs)}: ${f.kind}`];
  for (const [key, value] of Object.entries(f)) {
    if (key === 'atMs' || key === 'kind' || value === undefined) continue;
    if (key === 'target') parts.push(String(value));
    else if (key.endsWith('Ms') && typeof value === 'number') parts.push(`${key.slice(0, -2)} ${formatDurationMs(value)}`);
    else parts.push(`${key} ${String(value)}`);
  }
  return parts.join(' ');
}

/**
 * The scenario as the runner resolved it (defaults filled in): the readable fields, then the
 * whole object as JSON for anything the summary leaves out.
 */
export function renderScenarioSection(result: RunResult): string {
  const s = result.scenario;
  const st = s.store;
  const shown = st.redisUrl ? { ...s, store: { ...st, redisUrl: redactUrl(st.redisUrl) } } : s;
  const store = [
    st.redisUrl ? `external Redis ${redactUrl(st.redisUrl)}` : undefined,
    `persistence ${st.persistence ? 'on' : 'off'}`,
    `session TTL ${formatCount(st.sessionTtlS)} s`,
    st.latencyMs > 0 ? `added latency ${st.latencyMs} ms ± ${st.jitterMs} ms` : 'no added latency',
  ].filter((x) => x !== undefined);
  return [
    '<section id="scenario"><h2>Scenario</h2>',
    definitionList([
      ['name', s.name],
      ['description', s.description],
      ['file', result.scenarioFile],
      ['architectures', s.architectures.join(', ')],
      ['replicas', String(s.replicas)],
      ['measured window', `${formatDurationMs(s.durationMs)} after ${formatDurationMs(s.warmupMs)} of warm-up`],
      ['load', describeLoad(s.load)],
      [
        'session mix',
        `${s.session.adds} adds per user, read ratio ${s.session.readRatio}, payload ${formatCount(s.session.payloadBytes)} B, think time ${formatDurationMs(s.session.thinkTimeMs)}`,
      ],
      ['store', store.join(', ')],
      ['faults', s.faults.length === 0 ? 'none' : s.faults.map(describeFault).join(' · ')],
      ['thresholds', s.thresholds.length === 0 ? 'none' : s.thresholds.map((t) => `${t.source}: ${t.expression}`).join(' · ')],
    ]),
    `<details><summary>Resolved scenario as JSON</summary><pre>${escapeHtml(JSON.stringify(shown, null, 2))}</pre></details>`,
    '</section>',
  ].join('\n');
}

/** The machine and versions behind the figures: results only compare on like machines. */
export function renderEnvironmentSection(result: RunResult): string {
  const e = result.environment;
  const started = Date.parse(result.startedAt);
  const finished = Date.parse(result.finishedAt);
  return [
    '<section id="environment"><h2>Environment</h2>',
    definitionList([
      ['statebench', e.statebenchVersion],
      ['Node.js', e.node],
      ['platform', `${e.platform}/${e.arch}`],
      ['CPU', `${e.cpus} × ${e.cpuModel.trim()}`],
      ['memory', `${(e.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB`],
      ['git commit', e.gitCommit],
      ['Redis', e.redisVersion],
      ['started', result.startedAt],
      ['finished', Number.isFinite(started) && Number.isFinite(finished) ? `${result.finishedAt} (${formatDurationMs(finished - started)})` : result.finishedAt],
    ]),
    '</section>',
  ].join('\n');
}

/** Threshold outcomes, when the scenario set any. */
export function renderThresholdsSection(result: RunResult): string {
  if (result.thresholds.length === 0) return '';
  const rows = result.thresholds.map(
    (t) =>
      `<tr><td>${escapeHtml(t.architecture)}</td><td class="text"><code>${escapeHtml(t.source)}: ${escapeHtml(t.expression)}</code></td>` +
      `<td>${escapeHtml(formatMetricValue(t.metric, t.actual))}</td>` +
      `<td>${t.passed ? '<span class="badge pass">passed</span>' : '<span class="badge fail">failed</span>'}</td></tr>`,
  );
  return [
    '<section id="thresholds"><h2>Thresholds</h2>',
    '<div class="table-wrap"><table><thead><tr><th scope="col">architecture</th><th scope="col" class="text">threshold</th><th scope="col">actual</th><th scope="col">outcome</th></tr></thead><tbody>',
    ...rows,
    '</tbody></table></div></section>',
  ].join('\n');
}
