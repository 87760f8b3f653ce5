import { describe, expect, it } from 'vitest';
import { searchRate, type ProbeVerdict } from '../../src/capacity/rate-search.js';

/** A system that sustains up to `limit` req/s; records the rates probed. */
function system(limit: number) {
  const probed: number[] = [];
  const probe = async (rps: number): Promise<ProbeVerdict> => {
    probed.push(rps);
    return rps <= limit ? 'pass' : 'fail';
  };
  return { probe, probed };
}

const OPTS = { startRps: 100, maxRps: 20_000, minRps: 5, precision: 0.1 };

describe('the rate search', () => {
  it('doubles while probes pass, then bisects to within the precision', async () => {
    const s = system(730);
    const out = await searchRate(s.probe, OPTS);
    expect(s.probed.slice(0, 5)).toEqual([100, 200, 400, 800, 600]);
    expect(out.sustainableRps).toBeLessThanOrEqual(730);
    expect(out.failedRps).toBeGreaterThan(730);
    expect(out.failedRps! / out.sustainableRps!).toBeLessThanOrEqual(1.1);
    expect(out.stopped).toBe(false);
    // Each rate is probed once.
    expect(new Set(s.probed).size).toBe(s.probed.length);
  });

  it('halves from a start that already fails', async () => {
    const s = system(30);
    const out = await searchRate(s.probe, OPTS);
    expect(s.probed.slice(0, 3)).toEqual([100, 50, 25]);
    expect(out.sustainableRps).toBeLessThanOrEqual(30);
    expect(out.failedRps! / out.sustainableRps!).toBeLessThanOrEqual(1.1);
  });

  it('reports nothing sustainable when even the minimum fails, and a lower bound at the ceiling', async () => {
    expect(await searchRate(system(1).probe, OPTS)).toEqual({ sustainableRps: null, failedRps: 5, stopped: false });
    const top = system(1e9);
    expect(await searchRate(top.probe, { ...OPTS, maxRps: 1000 })).toEqual({ sustainableRps: 1000, failedRps: null, stopped: false });
    expect(Math.max(...top.probed)).toBe(1000);
  });

  it('stops when a probe says so, keeping what it found', async () => {
    let n = 0;
    const out = await searchRate(async () => (++n > 2 ? 'stop' : 'pass'), OPTS);
    expect(out).toEqual({ sustainableRps: 200, failedRps: null, stopped: true });
  });
});
