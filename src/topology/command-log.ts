import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * One command statebench ran on an external topology (a fault's `kubectl delete pod …`), as the
 * fault event in the result keeps it: what ran, how it ended, how long it took, what it said.
 */
export interface CommandRecord {
  /** The command line as run by `/bin/sh -c`, placeholders filled in. */
  command: string;
  /** Null when it did not exit by itself (killed at its timeout, or by a signal). */
  exitCode: number | null;
  /** The signal that ended it, when one did. */
  signal?: string;
  /** True when it was still running at its timeout and was killed. */
  timedOut?: boolean;
  tookMs: number;
  /** The last lines of its stdout and stderr together (at most COMMAND_OUTPUT_CHARS). */
  output: string;
}

/** How much of a command's output a record keeps. */
export const COMMAND_OUTPUT_CHARS = 2000;

const current = new AsyncLocalStorage<CommandRecord[]>();

/**
 * Runs `action` and collects every command run on its behalf, however deep the call (a fault's
 * `apply` calls the topology, which runs the command): faults firing at once each get their own.
 */
export async function collectCommands<T>(records: CommandRecord[], action: () => Promise<T>): Promise<T> {
  return current.run(records, action);
}

/** Files a command's record with whatever is collecting (nothing outside a fault). */
export function noteCommand(record: CommandRecord): void {
  current.getStore()?.push(record);
}
