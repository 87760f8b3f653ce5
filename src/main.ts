#!/usr/bin/env node
import { runCli } from './cli.js';
import { EXIT } from './errors.js';
import { stopAllTopologies } from './topology/topology.js';
import { runEmergencyHooks } from './run/emergency.js';

/**
 * The process entry: wires signals to the CLI's abort signal and guarantees that every child
 * is stopped however the process ends. The first Ctrl-C ends the run gracefully (the result is
 * still written); a second one stops the children and exits at once.
 */
const controller = new AbortController();
let interrupts = 0;
const onSignal = (signal: NodeJS.Signals): void => {
  interrupts++;
  if (interrupts === 1) {
    controller.abort(signal);
    return;
  }
  void stopAllTopologies().finally(() => process.exit(EXIT.interrupted));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
const crash = (err: unknown): void => {
  const e = err instanceof Error ? err : new Error(String(err));
  process.stderr.write(`statebench: crashed: ${e.stack ?? e.message}\n`);
  void runEmergencyHooks(e.message)
    .then(() => stopAllTopologies())
    .finally(() => process.exit(1));
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
await stopAllTopologies();
process.exitCode = code;
