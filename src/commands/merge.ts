import { InvalidInputError, type InputProblem } from '../errors.js';
import { mergeShardResults, type ShardFile } from '../merge/merge-results.js';
import { readResultFile } from '../report/read-result.js';
import { renderTerminalReport } from '../report/terminal-table.js';
import { ResultFile } from '../run/result-file.js';
import { useColor, type CliIO } from './io.js';
import { EXIT } from '../errors.js';

export interface MergeCommandOptions {
  out?: string;
  force?: boolean;
  json?: boolean;
  color?: boolean;
}

/**
 * `statebench merge a.json b.json … [--out merged.json]`: the shards of one experiment as one
 * result (src/merge/merge-results.ts), saved and reported like a run's. Every unreadable file and
 * every reason the files do not belong together is said at once, exit 2.
 */
export async function mergeCommand(files: string[], options: MergeCommandOptions, io: CliIO): Promise<number> {
  const read = await Promise.allSettled(files.map(async (file): Promise<ShardFile> => ({ file, result: await readResultFile(file) })));
  const problems: InputProblem[] = read.flatMap((r) => (r.status === 'rejected' ? (r.reason instanceof InvalidInputError ? r.reason.problems : []) : []));
  const unexpected = read.find((r) => r.status === 'rejected' && !(r.reason instanceof InvalidInputError));
  if (unexpected !== undefined) throw (unexpected as PromiseRejectedResult).reason;
  if (problems.length > 0) throw new InvalidInputError(problems);
  const merged = mergeShardResults(read.map((r) => (r as PromiseFulfilledResult<ShardFile>).value));

  const sink = await ResultFile.reserve({ requested: options.out, scenarioName: `${merged.scenario.name}-merged`, startedAt: merged.startedAt, force: options.force });
  try {
    const outcome = await sink.finish(merged);
    if (options.json) io.stdout.write(`${JSON.stringify(merged, null, 2)}\n`);
    else {
      io.stdout.write(renderTerminalReport(merged, { color: useColor(io, 'stdout', options.color), width: io.stdout.columns }));
      if (outcome.saved === 'asked') io.stdout.write(`\nmerged: ${outcome.path}\n`);
    }
    if (outcome.saved === 'asked') return EXIT.ok;
    io.stderr.write(
      outcome.saved === 'fallback'
        ? `statebench: could not write the merged result to ${outcome.asked} (${outcome.error}); it is in ${outcome.path} instead\n`
        : `statebench: could not write the merged result to ${outcome.asked} (${outcome.error})\n`,
    );
    return EXIT.outputNotWritten;
  } finally {
    await sink.release();
  }
}
