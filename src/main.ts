#!/usr/bin/env -S node --max-semi-space-size=4 --max-old-space-size=512
import { runCli } from './cli.js';
import { stopAllTopologies } from './topology/topology.js';
import { runEmergencyHooks } from './run/emergency.js';
import { killGuardedNow } from './process/reaper.js';
import { interruptedExitCode } from './errors.js';

/**
 * The process entry: wires signals to the CLI's abort signal and guarantees that every child
 * is stopped however the process ends.
 *
 * SIGINT, SIGTERM and SIGHUP all stop a run the same way. The first ends it gracefully: the
 * measured window closes, children are stopped, what was measured is written. A second one
 * hurries: every child is SIGKILLed at once, and the result is still written. A third, or
 * HARD_DEADLINE_MS after the first, leaves at once: what was saved after each architecture is
 * on disk (the emergency hooks get one more bounded chance to write the rest).
 */
/** After the first signal, children are killed outright if the graceful stop takes longer than this. */
const HURRY_AFTER_MS = 10_000;
/** After the first signal, the process is gone within this (docs/commands.md "Exit codes"). */
const HARD_DEADLINE_MS = 20_000;

const controller = new AbortController();
let signals = 0;
let firstSignal: NodeJS.Signals | undefined;

const hurry = (): void => {
  process.stderr.write('statebench: stopping now: every child killed; writing what was measured\n');
  killGuardedNow();
};

const leave = (reason: string): void => {
  void runEmergencyHooks(reason)
    .then(() => killGuardedNow())
    .finally(() => process.exit(interruptedExitCode(firstSignal)));
};

const onSignal = (signal: NodeJS.Signals): void => {
  signals++;
  if (signals === 1) {
    firstSignal = signal;
    controller.abort(signal);
    setTimeout(hurry, HURRY_AFTER_MS).unref();
    setTimeout(() => leave(`${signal}: did not stop within ${HARD_DEADLINE_MS} ms`), HARD_DEADLINE_MS).unref();
    return;
  }
  if (signals === 2) return hurry();
  leave(`${signal} received ${signals} times`);
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

// A closed pipe (`statebench report --json | head -c 10`) or a terminal gone (SIGHUP) makes
// writes fail: output stops quietly, and the run still saves its result.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'EIO' || err.code === 'ECONNRESET' || err.code === 'ERR_STREAM_DESTROYED') return;
    throw err;
  });
}

const crash = (err: unknown): void => {
  const e = err instanceof Error ? err : new Error(String(err));
  try {
    process.stderr.write(`statebench: crashed: ${e.stack ?? e.message}\n`);
  } catch {
    // stderr gone too.
  }
  void runEmergencyHooks(e.message)
    .then(() => stopAllTopologies())
    .finally(() => process.exit(1));
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // Only touched when a command reads `-`: creating the stream for nothing could hold a pipe open.
  get stdin() {
    return process.stdin;
  },
  env: process.env,
  signal: controller.signal,
});
await stopAllTopologies();
process.exitCode = code;
