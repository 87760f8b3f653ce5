import { constants } from 'node:os';

/**
 * Setup errors: typed, with a stable code and the exit code the CLI maps them to.
 * Failed requests are never errors (they are outcomes); these are for things that stop a run
 * or a command before or outside the measurement.
 */
export const EXIT = {
  ok: 0,
  /** The run failed: a target could not start, a store died and could not be restarted. */
  runFailed: 1,
  /** Invalid input or usage: a bad scenario, an unknown metric, unreadable result file. */
  invalidInput: 2,
  /**
   * `--strict` (or `strict: true`): the machine disturbed the run (the generator fell behind,
   * foreign processes or steal took CPU; see `measurementQuality`), so its figures are not trusted.
   */
  disturbed: 98,
  /**
   * An output could not be written where asked: the result went to a fallback file (its path
   * printed on stderr), or a side report (`--junit`, `--markdown`, `--html`) failed.
   */
  outputNotWritten: 3,
  /** A threshold or compare tolerance was exceeded. */
  thresholdsFailed: 99,
  /**
   * Ctrl-C cut a run short; what was measured is saved with `complete: false`. A signal is
   * 128 + its number: 130 SIGINT, 143 SIGTERM, 129 SIGHUP.
   */
  interrupted: 130,
} as const;

/** Exit code for a run a signal interrupted: 128 + its number (the shell convention); 130 (Ctrl-C) when unknown. */
export function interruptedExitCode(signal: unknown): number {
  const number = typeof signal === 'string' ? (constants.signals as Record<string, number | undefined>)[signal] : undefined;
  return number === undefined ? EXIT.interrupted : 128 + number;
}

/**
 * Every setup error statebench throws: a stable `code` (`STATEBENCH_…`) to match on, and the exit
 * code the CLI maps it to. Failed requests are never errors: they are counted outcomes.
 */
export class StatebenchError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly exitCode: number = EXIT.runFailed,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** One problem in an input file: where it is and what was expected. */
export interface InputProblem {
  file: string;
  /** Dotted field path, e.g. `load.rate` or `faults[1].at`; empty for the whole file. */
  path: string;
  message: string;
}

/**
 * Invalid input found before anything starts (exit 2): every problem at once, each naming the
 * file, flag or variable, the field, and what was expected.
 */
export class InvalidInputError extends StatebenchError {
  constructor(readonly problems: InputProblem[], summary?: string) {
    super(
      summary ??
        problems.map((p) => `${p.file}${p.path ? `: ${p.path}` : ''}: ${p.message}`).join('\n'),
      'STATEBENCH_INVALID_INPUT',
      EXIT.invalidInput,
    );
  }
}

export class TargetStartError extends StatebenchError {
  constructor(message: string) {
    super(message, 'STATEBENCH_TARGET_START', EXIT.runFailed);
  }
}
