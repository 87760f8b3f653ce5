/** How a probe at one rate went, as the search needs to know it. */
export type ProbeVerdict = 'pass' | 'fail' | 'stop';

export interface RateSearchOptions {
  /** The first rate probed, req/s. */
  startRps: number;
  /** Never probe above this. */
  maxRps: number;
  /** Below this the search gives up: nothing is sustainable. */
  minRps: number;
  /** Stop once the failing rate is within this fraction above the sustained one. */
  precision: number;
  /** How much the bracket grows (or shrinks) per step. */
  growth?: number;
}

export interface RateSearchOutcome {
  /** Highest passing rate, or null when none passed. */
  sustainableRps: number | null;
  /** Lowest failing rate, or null when none failed. */
  failedRps: number | null;
  /** The probe asked to stop (interrupted). */
  stopped: boolean;
}

/**
 * Finds the highest rate that passes: brackets it (doubling from `startRps` while probes pass,
 * halving while they fail), then bisects between the highest pass and the lowest fail until
 * they are within `precision` of each other. Rates are whole requests per second. Pure apart
 * from calling `probe`, once per rate, in order.
 */
export async function searchRate(probe: (rps: number) => Promise<ProbeVerdict>, opts: RateSearchOptions): Promise<RateSearchOutcome> {
  const growth = opts.growth ?? 2;
  let pass: number | null = null;
  let fail: number | null = null;
  const run = async (rps: number): Promise<boolean> => {
    const verdict = await probe(rps);
    if (verdict === 'stop') return false;
    if (verdict === 'pass') pass = Math.max(pass ?? 0, rps);
    else fail = Math.min(fail ?? Number.POSITIVE_INFINITY, rps);
    return true;
  };
  const done = (stopped: boolean): RateSearchOutcome => ({ sustainableRps: pass, failedRps: fail, stopped });

  // Bracket.
  let rps = clampRate(opts.startRps, opts);
  for (;;) {
    if (!(await run(rps))) return done(true);
    if (fail === null) {
      if (rps >= opts.maxRps) return done(false);
      rps = clampRate(rps * growth, opts);
    } else if (pass === null) {
      if (rps <= opts.minRps) return done(false);
      rps = Math.max(opts.minRps, Math.round(rps / growth));
    } else break;
  }
  // Bisect.
  for (;;) {
    const lo: number = pass!;
    const hi: number = fail!;
    if (hi <= lo * (1 + opts.precision) || hi - lo <= 1) return done(false);
    if (!(await run(Math.round((lo + hi) / 2)))) return done(true);
  }
}

function clampRate(rps: number, opts: RateSearchOptions): number {
  return Math.min(opts.maxRps, Math.max(opts.minRps, Math.round(rps)));
}
