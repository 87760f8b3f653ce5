import { readResultFile } from '../report/read-result.js';
import { renderTerminalReport } from '../report/terminal-table.js';
import { useColor, type CliIO } from './io.js';
import { readCapacityResultIfAny } from '../report/read-capacity-result.js';
import { readSweepResultIfAny, sweepPointRun } from '../report/read-sweep-result.js';
import { EXIT, InvalidInputError } from '../errors.js';
import { planOutputs, writeOutputs, type OutputFlags } from './outputs.js';
import { runRenderers } from './run-renderers.js';

export interface ReportCommandOptions extends OutputFlags {
  /** A sweep's point to render as a run report. */
  point?: string;
  color?: boolean;
  /** Add the per-endpoint table to the terminal report. */
  endpoints?: boolean;
}

/**
 * `statebench report FILE.json`: rebuilds reports from a saved result (a run, a sweep or a
 * capacity search), without re-running load. The terminal table when no output is asked for;
 * otherwise exactly the outputs asked for, each to its file or (one of them) to stdout.
 */
export async function reportCommand(file: string, options: ReportCommandOptions, io: CliIO): Promise<number> {
  const color = useColor(io, 'stdout', options.color);
  const capacity = await readCapacityResultIfAny(file);
  if (capacity !== undefined) {
    const { CAPACITY_REFUSED, capacityRenderers } = await import('./capacity.js');
    const outputs = await planOutputs(options, { refused: CAPACITY_REFUSED });
    if (outputs.length === 0) {
      const { renderCapacityTerminal } = await import('../report/capacity-terminal.js');
      io.stdout.write(renderCapacityTerminal(capacity, { color, width: io.stdout.columns }));
      return EXIT.ok;
    }
    return (await writeOutputs(outputs, capacityRenderers(capacity), io)) > 0 ? EXIT.outputNotWritten : EXIT.ok;
  }
  const sweep = await readSweepResultIfAny(file);
  if (sweep === undefined && options.point !== undefined) {
    throw new InvalidInputError([{ file: '--point', path: '', message: `${file} is not a sweep: \`--point\` picks a point of a sweep's result` }]);
  }
  if (sweep !== undefined && options.point === undefined) {
    const { SWEEP_REFUSED, sweepRenderers } = await import('./run-sweep.js');
    const outputs = await planOutputs(options, { refused: SWEEP_REFUSED });
    if (outputs.length === 0) {
      const { renderSweepTerminal } = await import('../report/sweep-terminal.js');
      io.stdout.write(renderSweepTerminal(sweep, { color, width: io.stdout.columns }));
      return EXIT.ok;
    }
    return (await writeOutputs(outputs, sweepRenderers(sweep), io)) > 0 ? EXIT.outputNotWritten : EXIT.ok;
  }
  const result = sweep === undefined ? await readResultFile(file) : sweepPointRun(sweep, options.point!, file);
  const outputs = await planOutputs(options);
  if (outputs.length === 0) {
    io.stdout.write(renderTerminalReport(result, { color, width: io.stdout.columns, endpoints: options.endpoints }));
    return EXIT.ok;
  }
  return (await writeOutputs(outputs, runRenderers(result), io)) > 0 ? EXIT.outputNotWritten : EXIT.ok;
}
