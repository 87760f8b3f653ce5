import type { RunResult } from '../result/types.js';
import { EXIT, interruptedExitCode } from '../errors.js';
import { runScenario, type RunListener } from '../run/run-scenario.js';
import { ResultFile } from '../run/result-file.js';
import type { Scenario } from '../scenario/types.js';
import { checkRedisUrlOption } from './redis-url-option.js';
import { renderTerminalReport } from '../report/terminal-table.js';
import { progressListener } from './progress.js';
import { planOutputs, takesStdout, writeOutputs, type OutputFlags, type PlannedOutput } from './outputs.js';
import { runRenderers } from './run-renderers.js';
import { savePartialOnCrash, tellWhereSaved } from './saved-result.js';
import { resolveScenarioSource, type ScenarioFlags } from './scenario-source.js';
import { useColor, type CliIO } from './io.js';
import { isDisturbed } from '../metrics/measurement-quality.js';
import { parseShard } from './shard-option.js';
import { parseStartAt } from './start-at-option.js';
import { parseSweepOptions } from './sweep-option.js';

export interface RunCommandOptions extends ScenarioFlags, OutputFlags {
  out?: string;
  quiet?: boolean;
  color?: boolean;
  redisUrl?: string;
  repeat?: number;
  /** Exit with EXIT.disturbed when the machine disturbed the run (also `strict: true` in the scenario). */
  strict?: boolean;
  /** Replace an existing file at `out`. */
  force?: boolean;
  /** `i/n`: generate slice i of n of the load (src/commands/shard-option.ts). */
  shard?: string;
  /** ISO time when the load begins (src/commands/start-at-option.ts). */
  startAt?: string;
  /** Let external topologies run the scenario's shell commands. */
  allowExec?: boolean;
  /** `--sweep field=v1,v2` (repeated for a grid): replaces the file's `sweep:`. */
  sweep?: string[];
  /** Add the per-endpoint table to the terminal report. */
  endpoints?: boolean;
}

/** The shipped scenario a bare `statebench run` runs. */
export const DEFAULT_SCENARIO = 'kill-one-replica';

/** `statebench run [SCENARIO]`: validate, run every architecture, save, report; returns the exit code. */
export async function runCommand(scenarioArg: string | undefined, options: RunCommandOptions, io: CliIO): Promise<number> {
  // Flags first: a bad one is refused before the scenario is even read.
  const shard = options.shard === undefined ? undefined : parseShard(options.shard);
  const startAtMs = options.startAt === undefined ? undefined : parseStartAt(options.startAt);
  const sweep = parseSweepOptions(options.sweep);
  const { scenario, file } = await resolveScenarioSource(scenarioArg, options, io, DEFAULT_SCENARIO, [], false, sweep);
  if (options.redisUrl !== undefined) checkRedisUrlOption(options.redisUrl);
  const source = file ?? (scenarioArg === '-' ? '-' : undefined);
  if (scenario.sweep !== undefined) {
    const { runSweepCommand } = await import('./run-sweep.js');
    return runSweepCommand(source, scenario, options, io);
  }
  // Every output path is checked and claimed before anything starts: a run must not be lost to a
  // path that could never be written.
  const sink = await ResultFile.reserve({ requested: options.out, scenarioName: scenario.name, startedAt: new Date().toISOString(), force: options.force });
  try {
    const outputs = await planOutputs(options, { resultPath: sink.path });
    if (options.force && options.out !== undefined) io.stderr.write(`notice: --force: ${sink.path} will be replaced\n`);
    return await runAndSave(source, scenario, options, io, sink, outputs, { shard, startAtMs });
  } finally {
    await sink.release();
  }
}

async function runAndSave(
  file: string | undefined,
  scenario: Scenario,
  options: RunCommandOptions,
  io: CliIO,
  sink: ResultFile,
  outputs: PlannedOutput[],
  slice: { shard?: { index: number; count: number }; startAtMs?: number },
): Promise<number> {
  const progress = options.quiet || takesStdout(outputs)
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
  const forget = savePartialOnCrash(sink, () => partial, io);
  const result = await runScenario(scenario, {
    scenarioFile: file,
    redisUrl: options.redisUrl,
    repeat: options.repeat,
    signal: io.signal,
    allowExec: options.allowExec === true,
    ...slice,
    listener,
    onResult: (r) => {
      partial = r;
      void sink.save(r, runs);
    },
  }).finally(forget);

  const outcome = await sink.finish(result);
  const sideFailures = await writeOutputs(outputs, runRenderers(result), io);
  const stdoutTaken = takesStdout(outputs);
  if (!stdoutTaken) io.stdout.write(renderTerminalReport(result, { color: useColor(io, 'stdout', options.color), width: io.stdout.columns, endpoints: options.endpoints }));
  // Before any other code: the user must be told to look for the result elsewhere.
  if (!tellWhereSaved(outcome, result, outputs, stdoutTaken, io) || sideFailures > 0) return EXIT.outputNotWritten;
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
