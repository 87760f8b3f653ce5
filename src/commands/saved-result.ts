import { onEmergency } from '../run/emergency.js';
import type { ResultFile, SaveOutcome, SavedResult } from '../run/result-file.js';
import type { CliIO } from './io.js';
import type { PlannedOutput } from './outputs.js';

/**
 * After a report is printed: the result's path where it was asked for (on stdout after the
 * terminal report, or on stderr when stdout carries an output), and, when the file could not be
 * written there, where it went instead, or the JSON itself on stderr when it went nowhere (unless
 * stdout already carries it). Returns false when the result is not where it was asked for: the
 * command then exits with EXIT.outputNotWritten.
 */
export function tellWhereSaved(outcome: SaveOutcome, result: unknown, outputs: readonly PlannedOutput[], stdoutTaken: boolean, io: CliIO): boolean {
  if (outcome.saved === 'asked') {
    if (stdoutTaken) io.stderr.write(`result: ${outcome.path}\n`);
    else io.stdout.write(`\nresult: ${outcome.path}\n`);
    return true;
  }
  if (outcome.saved === 'fallback') {
    io.stderr.write(`statebench: could not write the result to ${outcome.asked} (${outcome.error}); it is in ${outcome.path} instead\n`);
  } else {
    io.stderr.write(`statebench: could not write the result to ${outcome.asked} (${outcome.error}), nor to a fallback file; the result JSON follows on stderr\n`);
    if (!outputs.some((o) => o.format === 'json' && o.path === undefined)) io.stderr.write(`${JSON.stringify(result)}\n`);
  }
  return false;
}

/**
 * Should statebench crash mid-run, what `partial()` holds then is saved, marked incomplete with
 * the reason, and stderr says where. Returns the function that removes the hook.
 */
export function savePartialOnCrash(sink: ResultFile, partial: () => SavedResult | undefined, io: CliIO): () => void {
  return onEmergency(async (reason) => {
    const result = partial();
    if (result === undefined) return;
    result.complete = false;
    result.incompleteReason = `crashed: ${reason}`;
    result.finishedAt = new Date().toISOString();
    const outcome = await sink.finish(result);
    io.stderr.write(`statebench: partial result ${outcome.saved === 'nowhere' ? `could not be written (${outcome.error})` : `written to ${outcome.path}`}\n`);
  });
}
