import { writeFile } from 'node:fs/promises';
import type { CapacityResult, Probe } from '../capacity/capacity-result.js';
import { runCapacity, type CapacityListener } from '../capacity/run-capacity.js';
import { EXIT, InvalidInputError } from '../errors.js';
import { renderCapacityMarkdown } from '../report/capacity-markdown.js';
import { KNEE_WORDS, sustainableText } from '../report/capacity-summary.js';
import { renderCapacityTerminal } from '../report/capacity-terminal.js';
import { formatLatencyUs } from '../report/format.js';
import { onEmergency } from '../run/emergency.js';
import { defaultResultPath, writeResultFile } from '../run/write-result.js';
import { loadScenarioFile, resolveBuiltinScenario } from '../scenario/load-scenario.js';
import { defaultCapacitySpec } from '../scenario/resolve-scenario.js';
import { useColor, type CliIO } from './io.js';
import { parseArchList } from './run.js';
import { sidePath } from './side-path.js';

export interface CapacityCommandOptions {
  out?: string;
  json?: boolean;
  quiet?: boolean;
  color?: boolean;
  redisUrl?: string;
  arch?: string;
  replicas?: string;
  markdown?: string | boolean;
  html?: string | boolean;
}

/** `statebench capacity [SCENARIO]`: search, save every probe, report; returns the exit code. */
export async function capacityCommand(scenarioArg: string | undefined, options: CapacityCommandOptions, io: CliIO): Promise<number> {
  const file = resolveBuiltinScenario(scenarioArg ?? 'capacity');
  const { scenario } = await loadScenarioFile(file);
  if (options.arch) scenario.architectures = parseArchList(options.arch);
  if (options.replicas !== undefined) scenario.capacity = { ...(scenario.capacity ?? defaultCapacitySpec()), replicaCounts: parseReplicaList(options.replicas) };

  const listener = options.quiet || options.json ? { notice: (m: string) => io.stderr.write(`notice: ${m}\n`) } : progressLines(io);
  let partial: CapacityResult | undefined;
  const forget = onEmergency(async (reason) => {
    if (!partial) return;
    partial.complete = false;
    partial.incompleteReason = `crashed: ${reason}`;
    partial.finishedAt = new Date().toISOString();
    const path = options.out ?? defaultResultPath(partial);
    await writeResultFile(partial, path);
    io.stderr.write(`statebench: partial result written to ${path}\n`);
  });
  const result = await runCapacity(scenario, { scenarioFile: file, redisUrl: options.redisUrl, signal: io.signal, listener, onResult: (r) => (partial = r) }).finally(forget);

  const out = options.out ?? defaultResultPath(result);
  await writeResultFile(result, out);
  await writeCapacitySideReports(result, options, out);
  if (options.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    io.stdout.write(renderCapacityTerminal(result, { color: useColor(io, 'stdout', options.color), width: io.stdout.columns }));
    io.stdout.write(`\nresult: ${out}\n`);
  }
  if (!result.complete && result.incompleteReason === 'interrupted') return EXIT.interrupted;
  return result.complete ? EXIT.ok : EXIT.runFailed;
}

/** `--markdown` and `--html` beside the result (also used by `report` on a capacity file). */
export async function writeCapacitySideReports(result: CapacityResult, options: { markdown?: string | boolean; html?: string | boolean }, out: string, io?: CliIO): Promise<void> {
  const md = sidePath(options.markdown, out, '.md');
  if (md) {
    await writeFile(md, renderCapacityMarkdown(result));
    io?.stderr.write(`markdown: ${md}\n`);
  }
  const html = sidePath(options.html, out, '.html');
  if (html) {
    const { renderCapacityHtml } = await import('../report/html/capacity-html.js');
    await writeFile(html, renderCapacityHtml(result));
    io?.stderr.write(`html: ${html}\n`);
  }
}

/** `1,2,4` → [1, 2, 4]. */
function parseReplicaList(list: string): number[] {
  const counts = list.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 1 || n > 64)) {
    throw new InvalidInputError([{ file: '--replicas', path: '', message: `expected a comma-separated list of replica counts from 1 to 64, such as \`1,2,4\`; got \`${list}\`` }]);
  }
  return counts;
}

/** One plain line per probe and per replica count, on stderr (a search is minutes of probes; no live line needed). */
function progressLines(io: CliIO): CapacityListener {
  const w = (s: string): void => void io.stderr.write(`${s}\n`);
  return {
    notice: (m) => w(`notice: ${m}`),
    pointStart: (a, n) => w(`${a} ×${n}: a fresh topology`),
    probe: (a, n, p) => w(`${a} ×${n}  ${probeLine(p)}`),
    pointDone: (a, point) => w(`${a} ×${point.replicas}: sustains ${sustainableText(point, Number.POSITIVE_INFINITY)}${point.knee === undefined ? '' : ` (knee: ${KNEE_WORDS[point.knee.limit]})`}`),
  };
}

function probeLine(p: Probe): string {
  const verdict = p.passed ? '✓' : '✗';
  const cpu = p.result.cpu.filter((c) => c.component !== 'generator' && !c.component.includes('proxy'));
  const replicas = cpu.filter((c) => c.component.startsWith('replica-'));
  const meanReplica = replicas.length === 0 ? 0 : replicas.reduce((s, c) => s + c.cores, 0) / replicas.length;
  const store = cpu.find((c) => c.component === 'store');
  const gen = p.result.cpu.find((c) => c.component === 'generator');
  const figures = [
    `p99 ${formatLatencyUs(p.result.latencyUs.p99)}`,
    `replicas ${meanReplica.toFixed(2)} core each`,
    ...(store === undefined ? [] : [`store ${store.cores.toFixed(2)} core`]),
    ...(gen === undefined ? [] : [`generator ${gen.cores.toFixed(2)}`]),
    `load ${p.loadAverage.toFixed(1)}`,
  ];
  const why = p.passed ? '' : ` — ${p.failures.join('; ')}${p.generatorBound ? ' (generator fell behind)' : ''}`;
  return `${String(p.rateRps).padStart(6)}/s ${verdict}${p.attempt === 2 ? ' (again)' : ''}  ${figures.join(' · ')}${why}`;
}
