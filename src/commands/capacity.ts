import type { CapacityResult, Probe } from '../capacity/capacity-result.js';
import { runCapacity, type CapacityListener } from '../capacity/run-capacity.js';
import { EXIT } from '../errors.js';
import { renderCapacityMarkdown } from '../report/capacity-markdown.js';
import { KNEE_WORDS, sustainableText } from '../report/capacity-summary.js';
import { renderCapacityTerminal } from '../report/capacity-terminal.js';
import { formatLatencyUs } from '../report/format.js';
import { ResultFile } from '../run/result-file.js';
import { useColor, type CliIO } from './io.js';
import { planOutputs, takesStdout, writeOutputs, type OutputFlags, type OutputFormat, type Renderers } from './outputs.js';
import { savePartialOnCrash, tellWhereSaved } from './saved-result.js';
import { resolveScenarioSource } from './scenario-source.js';

export interface CapacityCommandOptions extends Pick<OutputFlags, 'json' | 'markdown' | 'html'> {
  out?: string;
  /** Replace an existing file at `out`. */
  force?: boolean;
  quiet?: boolean;
  color?: boolean;
  redisUrl?: string;
  arch?: string;
  /** Replica counts to search, `1,2,4`: sets `capacity.replicas`. */
  replicas?: string;
}

/** What a capacity search can be written as: no per-second timeline or thresholds of its own. */
export const CAPACITY_REFUSED: Partial<Record<OutputFormat, string>> = {
  junit: 'a capacity search has no thresholds to report as tests; its SLO verdicts are in --markdown, --html and --json',
  csv: 'a capacity search is many short probes, not one per-second timeline; the probes are in --json',
};

/** `statebench capacity [SCENARIO]`: search, save every probe, report; returns the exit code. */
export async function capacityCommand(scenarioArg: string | undefined, options: CapacityCommandOptions, io: CliIO): Promise<number> {
  const replicas = options.replicas === undefined ? [] : [{ source: '--replicas', set: `capacity.replicas=[${options.replicas}]` }];
  const { scenario, file } = await resolveScenarioSource(scenarioArg, { arch: options.arch }, io, 'capacity', replicas);
  // The result path is checked and claimed before the search starts, as `run` does: minutes of
  // probes must not be lost to a path that could never be written, nor replace a file silently.
  const sink = await ResultFile.reserve({ requested: options.out, scenarioName: scenario.name, startedAt: new Date().toISOString(), force: options.force });
  let result: CapacityResult;
  let saved: boolean;
  let failures: number;
  try {
    const outputs = await planOutputs(options, { refused: CAPACITY_REFUSED, resultPath: sink.path });
    if (options.force && options.out !== undefined) io.stderr.write(`notice: --force: ${sink.path} will be replaced\n`);
    const stdoutTaken = takesStdout(outputs);
    const listener = options.quiet || stdoutTaken ? { notice: (m: string) => io.stderr.write(`notice: ${m}\n`) } : progressLines(io);
    let partial: CapacityResult | undefined;
    const forget = savePartialOnCrash(sink, () => partial, io);
    result = await runCapacity(scenario, { scenarioFile: file ?? (scenarioArg === '-' ? '-' : undefined), redisUrl: options.redisUrl, signal: io.signal, listener, onResult: (r) => (partial = r) }).finally(forget);
    const outcome = await sink.finish(result);
    failures = await writeOutputs(outputs, capacityRenderers(result), io);
    if (!stdoutTaken) io.stdout.write(renderCapacityTerminal(result, { color: useColor(io, 'stdout', options.color), width: io.stdout.columns }));
    saved = tellWhereSaved(outcome, result, outputs, stdoutTaken, io);
  } finally {
    await sink.release();
  }
  if (!saved) return EXIT.outputNotWritten;
  if (!result.complete && result.incompleteReason === 'interrupted') return EXIT.interrupted;
  if (failures > 0) return EXIT.outputNotWritten;
  return result.complete ? EXIT.ok : EXIT.runFailed;
}

/** How `capacity` and `report` render a capacity search in each output format it offers. */
export function capacityRenderers(result: CapacityResult): Renderers {
  return {
    json: () => `${JSON.stringify(result, null, 2)}\n`,
    markdown: () => renderCapacityMarkdown(result),
    html: async () => (await import('../report/html/capacity-html.js')).renderCapacityHtml(result),
  };
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
