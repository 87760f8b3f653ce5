import { writeFile } from 'node:fs/promises';
import type { RunResult } from '../result/types.js';
import { EXIT } from '../errors.js';
import { loadScenarioFile, resolveBuiltinScenario } from '../scenario/load-scenario.js';
import { ARCHITECTURE_NAMES, ARCHITECTURES } from '../architectures/index.js';
import { InvalidInputError } from '../errors.js';
import { runScenario } from '../run/run-scenario.js';
import { defaultResultPath, writeResultFile } from '../run/write-result.js';
import { renderTerminalReport } from '../report/terminal-table.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderJUnit } from '../report/junit.js';
import { progressListener } from './progress.js';
import { sidePath } from './side-path.js';
import { onEmergency } from '../run/emergency.js';
import { useColor, type CliIO } from './io.js';
import { isDisturbed } from '../metrics/measurement-quality.js';

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
}

/** `statebench run [SCENARIO]`: validate, run every architecture, save, report; returns the exit code. */
export async function runCommand(scenarioArg: string | undefined, options: RunCommandOptions, io: CliIO): Promise<number> {
  const file = resolveBuiltinScenario(scenarioArg ?? 'kill-one-replica');
  const { scenario } = await loadScenarioFile(file);
  if (options.arch) {
    scenario.architectures = parseArchList(options.arch);
    // A threshold on an architecture left out on purpose is not a failure; say so and drop it.
    const dropped = scenario.thresholds.filter((t) => t.architecture && !scenario.architectures.includes(t.architecture));
    scenario.thresholds = scenario.thresholds.filter((t) => !dropped.includes(t));
    for (const t of dropped) io.stderr.write(`notice: threshold ${t.source} not checked: --arch leaves out ${t.architecture}\n`);
  }

  const listener = options.quiet || options.json
    ? { notice: (m: string) => io.stderr.write(`notice: ${m}\n`) }
    : progressListener(io.stderr, { tty: Boolean(io.stderr.isTTY), color: useColor(io, 'stderr', options.color) });
  const out0 = options.out;
  // Should statebench crash mid-run, the architectures already measured are still saved.
  let partial: RunResult | undefined;
  const forget = onEmergency(async (reason) => {
    if (!partial) return;
    partial.complete = false;
    partial.incompleteReason = `crashed: ${reason}`;
    partial.finishedAt = new Date().toISOString();
    const path = out0 ?? defaultResultPath(partial);
    await writeResultFile(partial, path);
    io.stderr.write(`statebench: partial result written to ${path}\n`);
  });
  const result = await runScenario(scenario, {
    scenarioFile: file,
    redisUrl: options.redisUrl,
    repeat: options.repeat,
    signal: io.signal,
    listener,
    onResult: (r) => (partial = r),
  }).finally(forget);

  const out = options.out ?? defaultResultPath(result);
  await writeResultFile(result, out);
  await writeSideReports(result, options, out);

  if (options.json) {
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    io.stdout.write(renderTerminalReport(result, { color: useColor(io, 'stdout', options.color), width: io.stdout.columns }));
    io.stdout.write(`\nresult: ${out}\n`);
  }
  return exitCodeFor(result, { strict: options.strict || result.scenario.strict });
}

/**
 * 130 when Ctrl-C cut the run short (the shell convention), 1 when an architecture failed, 99
 * when a threshold did, and with `strict`, 98 when the machine disturbed the run.
 */
export function exitCodeFor(result: RunResult, opts: { strict?: boolean } = {}): number {
  if (!result.complete && result.incompleteReason === 'interrupted') return EXIT.interrupted;
  if (result.architectures.some((a) => a.error !== undefined)) return EXIT.runFailed;
  if (result.thresholds.some((t) => !t.passed)) return EXIT.thresholdsFailed;
  if (opts.strict && isDisturbed(result)) return EXIT.disturbed;
  return EXIT.ok;
}

async function writeSideReports(result: RunResult, options: RunCommandOptions, out: string): Promise<void> {
  const md = sidePath(options.markdown, out, '.md');
  if (md) await writeFile(md, renderMarkdown(result));
  if (options.junit) await writeFile(options.junit, renderJUnit(result));
  const html = sidePath(options.html, out, '.html');
  if (html) {
    // The HTML reporter inlines a chart library: loaded only when asked for.
    const { renderHtml } = await import('../report/html.js');
    await writeFile(html, renderHtml(result));
  }
}

function parseArchList(list: string): string[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !ARCHITECTURES.has(n));
  if (bad.length > 0 || names.length === 0) {
    throw new InvalidInputError([
      { file: '--arch', path: '', message: `expected a comma-separated list of ${ARCHITECTURE_NAMES.join(', ')}; got ${bad.join(', ') || 'nothing'}` },
    ]);
  }
  return names;
}
