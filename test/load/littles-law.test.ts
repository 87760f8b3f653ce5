import { afterAll, describe, expect, it } from 'vitest';
import { startTopology } from '../../src/topology/topology.js';
import type { Topology } from '../../src/topology/types.js';
import { describeQuality, expectBoundUnlessDisturbed } from '../helpers/quality.js';
import { closedLoad, measure } from './measure.js';

let topology: Topology | undefined;
afterAll(async () => {
  await topology?.stop();
});

describe('closed model against a real replica', () => {
  it("obeys Little's law: mean latency × throughput = users within 5%, and exactly once the generator's own time is counted", async () => {
    topology = await startTopology({ architecture: 'sticky', replicas: 1 });
    const users = 20;
    const m = await measure(topology, { load: closedLoad({ users }), warmupMs: 500, durationMs: 3000 });
    const completed = m.recorder.completedCount;
    const measuredS = m.stats.measuredMs / 1000;
    const throughputRps = completed / measuredS;
    const meanLatencyS = m.recorder.sumLatencyUs / completed / 1e6;
    // Time users spent in the generator between a completion and their next send (no think time
    // here): interpreting and recording the answer, and any scheduling delay of this process.
    const meanBetweenS = m.stats.closed!.betweenRequestsMs / m.summary.requests.sent / 1000;
    const inFlight = meanLatencyS * throughputRps;
    const ratio = inFlight / users;
    const cycleRatio = ((meanLatencyS + meanBetweenS) * throughputRps) / users;
    console.log(
      `Little's law: ${completed} requests, mean ${(meanLatencyS * 1000).toFixed(3)} ms × ${throughputRps.toFixed(0)} req/s = ` +
        `${inFlight.toFixed(2)} of ${users} users (ratio ${ratio.toFixed(4)}); generator time between requests ` +
        `${(meanBetweenS * 1e6).toFixed(1)} µs each; with it, ratio ${cycleRatio.toFixed(4)}; ${describeQuality(m.summary.measurementQuality)}`,
    );
    expect(completed).toBeGreaterThan(100);
    expect(m.summary.requests.failed).toBe(0);
    expect(m.summary.requests.unfinished).toBe(0);
    expectBoundUnlessDisturbed(m.summary.measurementQuality, "Little's law on a closed loop", () => {
      // A quiet machine serves far more than this in 3 s; two CPU hogs beside it, about 900.
      expect(completed).toBeGreaterThan(1000);
      // The whole cycle is accounted for. What remains is edge effects: requests in flight across
      // the window's start are not counted, those across its end are; they balance, except that a
      // pause of this process (GC, preemption) straddling an edge shifts the sum by pause / window:
      // ~0.3% for a 10 ms pause here, 2% and more when CPU hogs preempt it for tens of ms.
      expect(cycleRatio).toBeGreaterThan(0.98);
      expect(cycleRatio).toBeLessThan(1.02);
      // Users are in a request nearly all the time: the generator's overhead is small beside the
      // latency. (Starve the generator of CPU and this is the ratio that drops, not the one above.)
      expect(ratio).toBeGreaterThan(0.95);
      expect(ratio).toBeLessThan(1.05);
    });
  });
});
