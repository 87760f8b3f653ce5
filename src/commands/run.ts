import type { RunResult } from '../result/types.js';
import { EXIT, interruptedExitCode } from '../errors.js';
import { loadScenarioFile, resolveBuiltinScenario } from '../scenario/load-scenario.js';
import { ARCHITECTURE_NAMES, ARCHITECTURES } from '../architectures/index.js';
import { InvalidInputError } from '../errors.js';
import { runScenario, type RunListener } from '../run/run-scenario.js';
import { writeFileDurably } from '../run/write-result.js';
import { ResultFile, errnoWords } from '../run/result-file.js';
import type { Scenario } from '../scenario/types.js';
import { checkRedisUrlOption } from './redis-url-option.js';
import { renderTerminalReport } from '../report/terminal-table.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderJUnit } from '../report/junit.js';
import { progressListener } from './progress.js';
import { prepareSidePath, sidePath } from './side-path.js';
import { onEmergency } from '../run/emergency.js';
import { useColor, type CliIO } from './io.js';
import { isDisturbed } from '../metrics/measurement-quality.js';
import { BALANCER_KINDS } from '../balancer/index.js';

export interface RunCommandOptions {
  out?: string;
  json?: boolean;
  quiet?: boolean;
  color?: boolean;
  redisUrl?: string;
  repeat?: number;
  arch?: string;
  markdown?: string | boolean;
  html?: string | boolean;
  junit?: string;
  /** Exit with EXIT.disturbed when the machine disturbed the run (also `strict: true` in the scenario). */
  strict?: boolean;
  /** Replace an existing file at `out`. */
  force?: boolean;
  /** Overrides `load.workers`. */
  workers?: number;
  /** Overrides `balancer`: `haproxy`, or `router,haproxy`. */
  balancer?: string;
  /** Overrides `pairing`. */
  pairing?: 'sequential' | 'concurrent';
  /** Add the per-endpoint table to the terminal report. */
  endpoints?: boolean;
}

/** `statebench run [SCENARIO]`: validate, run every architecture, save, report; returns the exit code. */
export async function runCommand(scenarioArg: string | undefined, options: RunCommandOptions, io: CliIO): Promise<number> {
  const file = resolveBuiltinScenario(scenarioArg ?? 'kill-one-replica');
  const { scenario } = await loadScenarioFile(file);
  if (options.redisUrl !== undefined) checkRedisUrlOption(options.redisUrl);
  if (options.workers !== undefined) scenario.load = { ...scenario.load, workers: options.workers };
  if (options.balancer !== undefined) scenario.balancers = parseBalancers(options.balancer);
  if (options.pairing !== undefined) scenario.pairing = options.pairing;
  if (options.arch) {
    scenario.architectures = parseArchList(options.arch);
    // A threshold on an architecture left out on purpose is not a failure; say so and drop it.
    const dropped = scenario.thresholds.filter((t) => t.architecture && !scenario.architectures.includes(t.architecture));
    scenario.thresholds = scenario.thresholds.filter((t) => !dropped.includes(t));
    for (const t of dropped) io.stderr.write(`notice: threshold ${t.source} not checked: --arch leaves out ${t.architecture}\n`);
  }
  // Every output path is checked and claimed before anything starts: a run must not be lost to a
  // path that could never be written.
  const sink = await ResultFile.reserve({ requested: options.out, scenarioName: scenario.name, startedAt: new Date().toISOString(), force: options.force });
  try {
    const sides = await sideReportPaths(options, sink.path);
    if (options.force && options.out !== undefined) io.stderr.write(`notice: --force: ${sink.path} will be replaced\n`);
    return await runAndSave(file, scenario, options, io, sink, sides);
  } finally {
    await sink.release();
  }
}

async function runAndSave(file: string, scenario: Scenario, options: RunCommandOptions, io: CliIO, sink: ResultFile, sides: SideReports): Promise<number> {
  const progress = options.quiet || options.json
    ? { notice: (m: string) => io.stderr.write(`notice: ${m}\n`) }
    : progressListener(io.stderr, { tty: Boolean(io.stderr.isTTY), color: useColor(io, 'stderr', options.color) });
  const runs = scenario.architectures.length * Math.max(1, options.repeat ?? 1);
  let partial: RunResult | undefined;
  // After every architecture the file is rewritten, marked unfinished: a SIGKILL then loses at
  // most the architecture in progress.
  const listener: RunListener = {
    ...progress,
    architectureDone(arch) {
      progress.architectureDone?.(arch);
      if (partial !== undefined) void sink.save(partial, runs);
    },
  };
  // Should statebench crash mid-run, the architectures already measured are still saved.
  const forget = onEmergency(async (reason) => {
    if (!partial) return;
    partial.complete = false;
    partial.incompleteReason = `crashed: ${reason}`;
    partial.finishedAt = new Date().toISOString();
    const outcome = await sink.finish(partial);
    io.stderr.write(`statebench: partial result ${outcome.saved === 'nowhere' ? `could not be written (${outcome.error})` : `written to ${outcome.path}`}\n`);
  });
  const result = await runScenario(scenario, {
    scenarioFile: file,
    redisUrl: options.redisUrl,
    repeat: options.repeat,
    signal: io.signal,
    listener,
    onResult: (r) => {
      partial = r;
      void sink.save(r, runs);
    },
  }).finally(forget);

  const outcome = await sink.finish(result);
  const sideFailures = await writeSideReports(result, sides, io);
  if (options.json) {
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    io.stdout.write(renderTerminalReport(result, { color: useColor(io, 'stdout', options.color), width: io.stdout.columns, endpoints: options.endpoints }));
    if (outcome.saved === 'asked') io.stdout.write(`\nresult: ${outcome.path}\n`);
  }
  if (outcome.saved === 'fallback') {
    io.stderr.write(`statebench: could not write the result to ${outcome.asked} (${outcome.error}); it is in ${outcome.path} instead\n`);
  } else if (outcome.saved === 'nowhere') {
    io.stderr.write(`statebench: could not write the result to ${outcome.asked} (${outcome.error}), nor to a fallback file; the result JSON follows on stderr\n`);
    if (!options.json) io.stderr.write(`${JSON.stringify(result)}\n`);
  }
  // Before any other code: the user must be told to look for the result elsewhere.
  if (outcome.saved !== 'asked' || sideFailures > 0) return EXIT.outputNotWritten;
  return exitCodeFor(result, { signal: io.signal.reason, strict: options.strict || result.scenario.strict });
}

/**
 * 128 + the signal's number when a signal cut the run short (the shell convention: 130 for
 * Ctrl-C, 143 for SIGTERM, 129 for SIGHUP), 1 when an architecture failed or did not measure,
 * 99 when a threshold failed, and with `strict`, 98 when the machine disturbed the run.
 */
export function exitCodeFor(result: RunResult, opts: { signal?: unknown; strict?: boolean } = {}): number {
  if (!result.complete && result.incompleteReason === 'interrupted') return interruptedExitCode(opts.signal);
  if (result.architectures.some((a) => a.error !== undefined || a.unmeasured !== undefined)) return EXIT.runFailed;
  if (result.thresholds.some((t) => !t.passed)) return EXIT.thresholdsFailed;
  if (opts.strict && isDisturbed(result)) return EXIT.disturbed;
  return EXIT.ok;
}

interface SideReports {
  markdown?: string;
  junit?: string;
  html?: string;
}

/** The side reports' paths, each checked (and its directory created) before the run. */
async function sideReportPaths(options: RunCommandOptions, out: string): Promise<SideReports> {
  const sides: SideReports = {
    markdown: sidePath(options.markdown, out, '.md'),
    junit: options.junit,
    html: sidePath(options.html, out, '.html'),
  };
  for (const [option, file] of Object.entries(sides)) if (file !== undefined) await prepareSidePath(file, `--${option}`);
  return sides;
}

/** Writes each side report; a failure is said and counted, never thrown (the result is already saved). */
async function writeSideReports(result: RunResult, sides: SideReports, io: CliIO): Promise<number> {
  const render: Record<keyof SideReports, () => Promise<string>> = {
    markdown: async () => renderMarkdown(result),
    junit: async () => renderJUnit(result),
    // The HTML reporter inlines a chart library: loaded only when asked for.
    html: async () => (await import('../report/html.js')).renderHtml(result),
  };
  let failures = 0;
  for (const [option, file] of Object.entries(sides) as [keyof SideReports, string | undefined][]) {
    if (file === undefined) continue;
    try {
      await writeFileDurably(file, await render[option]());
    } catch (err) {
      failures++;
      io.stderr.write(`statebench: could not write the --${option} report to ${file}: ${errnoWords(err)}\n`);
    }
  }
  return failures;
}

export function parseArchList(list: string): string[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !ARCHITECTURES.has(n));
  if (bad.length > 0 || names.length === 0) {
    throw new InvalidInputError([
      { file: '--arch', path: '', message: `expected a comma-separated list of ${ARCHITECTURE_NAMES.join(', ')}; got ${bad.join(', ') || 'nothing'}` },
    ]);
  }
  return names;
}

function parseBalancers(list: string): ('router' | 'haproxy')[] {
  const kinds = [...new Set(list.split(',').map((s) => s.trim()).filter(Boolean))];
  const bad = kinds.filter((k) => !(BALANCER_KINDS as readonly string[]).includes(k));
  if (bad.length > 0 || kinds.length === 0) {
    throw new InvalidInputError([{ file: '--balancer', path: '', message: `expected ${BALANCER_KINDS.join(', ')}, or both comma-separated; got ${bad.join(', ') || 'nothing'}` }]);
  }
  return kinds as ('router' | 'haproxy')[];
}
