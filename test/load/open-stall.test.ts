import { afterAll, describe, expect, it } from 'vitest';
import { percentilesOf } from '../../src/hdr/histogram.js';
import { startTopology } from '../../src/topology/topology.js';
import type { Topology } from '../../src/topology/types.js';
import { measure, openLoad, sleep } from './measure.js';
import { describeQuality, expectBoundUnlessDisturbed } from '../helpers/quality.js';

let topology: Topology | undefined;
afterAll(async () => {
  await topology?.stop();
});

const us = (v: number): string => `${(v / 1000).toFixed(1)} ms`;

describe('open model against a real replica', () => {
  it('sends on time: with nothing stalling, latency from the intended time ≈ latency from the send', async () => {
    topology ??= await startTopology({ architecture: 'sticky', replicas: 1 });
    // A low rate makes any systematic lateness of the pacer obvious: sending each request one
    // interval late would add 50 ms to every corrected latency here.
    const m = await measure(topology, { load: openLoad({ rateRps: 20, sessions: 5 }), warmupMs: 300, durationMs: 2000 });
    const { summary } = m;
    const uncorrected = percentilesOf(m.recorder.uncorrected);
    console.log(`20 req/s: corrected mean ${us(summary.latencyUs.mean)}, uncorrected mean ${us(uncorrected.mean)}; ${describeQuality(summary.measurementQuality)}`);
    expect(summary.requests.sent).toBe(40);
    expect(summary.requests.ok).toBe(40);
    expect(m.stats.open?.due).toBe(40);
    // Timers fire a millisecond or so late; a busy machine adds a few more, never tens, unless
    // the machine holds the generator up, which the run's own figures then say.
    expectBoundUnlessDisturbed(summary.measurementQuality, 'corrected − uncorrected mean at 20 req/s', () =>
      expect(summary.latencyUs.mean - uncorrected.mean).toBeLessThan(10_000),
    );
  });

  it('keeps its own lateness out of the median: corrected p50 within 0.5 ms of uncorrected at 1,000 req/s', async () => {
    topology ??= await startTopology({ architecture: 'sticky', replicas: 1 });
    // With setTimeout pacing, every request went out up to a millisecond after its intended
    // time and the corrected median read ~0.7 ms above the uncorrected one at 3,000/s; the
    // sub-millisecond timer keeps the gap to the order of 0.1 ms (a busy machine adds some).
    const m = await measure(topology, { load: openLoad({ rateRps: 1000, sessions: 50 }), warmupMs: 500, durationMs: 3000 });
    const uncorrected = percentilesOf(m.recorder.uncorrected);
    console.log(`1,000 req/s: corrected p50 ${m.summary.latencyUs.p50} µs, uncorrected p50 ${uncorrected.p50} µs; ${describeQuality(m.summary.measurementQuality)}`);
    expect(m.summary.requests.sent).toBe(3000);
    // On a machine busy enough to hold the generator up (two CPU hogs: a gap of seconds, as the
    // backlog grows), the run must say so; otherwise the gap stays under 0.5 ms.
    expectBoundUnlessDisturbed(m.summary.measurementQuality, 'corrected − uncorrected p50 at 1,000 req/s', () =>
      expect(m.summary.latencyUs.p50 - uncorrected.p50).toBeLessThan(500),
    );
  });

  it('a 1 s SIGSTOP in a 10 s window at 400 req/s: corrected p99 ≈ the stall, uncorrected p99 does not see it', async () => {
    topology ??= await startTopology({ architecture: 'sticky', replicas: 1 });
    const t = topology;
    let pausedAtMs = 0;
    let resumedAtMs = 0;
    let fault: Promise<void> | undefined;
    const closedAtMs: number[] = [];
    const m = await measure(t, {
      onSecond: (s) => (closedAtMs[s.second] = performance.now()),
      // 20 sessions: only the ~20 requests already sent when the replica stops see the stall from
      // the actual send (0.5% of 4000, below p99); the ~380 due during the stall wait for a session
      // in the backlog, their clocks running from their intended time. Timeout above the stall.
      load: openLoad({ rateRps: 400, sessions: 20, timeoutMs: 3000, graceMs: 3000 }),
      warmupMs: 1000,
      durationMs: 10_000,
      onWindowStart: () => {
        fault = (async () => {
          await sleep(4600);
          pausedAtMs = performance.now();
          await t.pause('replica-1');
          await sleep(Math.max(0, 1000 - (performance.now() - pausedAtMs)));
          resumedAtMs = performance.now();
          await t.resume('replica-1');
        })();
      },
    });
    await fault;
    const stallMs = resumedAtMs - pausedAtMs;
    const { summary } = m;
    const uncorrected = percentilesOf(m.recorder.uncorrected);
    const r = summary.requests;
    console.log(
      `stall ${stallMs.toFixed(0)} ms: corrected p99 ${us(summary.latencyUs.p99)} max ${us(summary.latencyUs.max)}; ` +
        `uncorrected p99 ${us(uncorrected.p99)} max ${us(uncorrected.max)}; ` +
        `sent ${r.sent} ok ${r.ok} failed ${r.failed} unfinished ${r.unfinished} dropped ${r.dropped}; ` +
        `backlog peak ${m.stats.open?.maxBacklog}; ${describeQuality(summary.measurementQuality)}`,
    );
    const lagMs = closedAtMs[4] - (m.stats.windowStartMs + 5000);
    console.log(`second 4 closed ${lagMs.toFixed(0)} ms after its end`);

    // Every due request was sent (none dropped: the backlog holds the stall), and accounted for,
    // however busy the machine.
    expect(m.stats.open?.due).toBe(4000);
    expect(r.dropped).toBe(0);
    expect(r.sent).toBe(4000);
    expect(r.sent).toBe(r.ok + r.failed + r.unfinished);
    expect(r.failed).toBe(0);
    expect(r.unfinished).toBe(0);
    expect(m.stats.unfinished).toBe(0);
    expect(summary.error).toBeUndefined();
    // The timing of the stall and what the percentiles make of it, on any machine the run calls
    // quiet: a busy one delays the test's own pause and resume, and the seconds around them.
    expectBoundUnlessDisturbed(summary.measurementQuality, 'the stall in the timeline and the percentiles', () => {
      // Second 4 ends during the stall (4.6 s → 5.6 s), when nothing completes: it must still
      // close on time (live progress shows the stall as it happens), not when the replica resumes.
      expect(lagMs).toBeLessThan(450);
      expect(m.recorder.timeline[4].completed).toBeLessThan(400 * 0.6 + 20);
      expect(stallMs).toBeGreaterThan(950);
      expect(stallMs).toBeLessThan(1300);
      expect(m.stats.open?.maxBacklog).toBeGreaterThan(300);
      // A tenth of the requests were due during the stall, waiting 0..1 s: p99 is ~0.9 s.
      expect(summary.latencyUs.p99).toBeGreaterThan(700_000);
      expect(summary.latencyUs.p99).toBeLessThan(1_300_000);
      expect(summary.latencyUs.max).toBeGreaterThan(900_000);
      // The requests in flight at the pause saw the stall from their actual send...
      expect(uncorrected.max).toBeGreaterThan(800_000);
      expect(uncorrected.max).toBeLessThan(1_500_000);
      // ...but they are 0.5% of all, so the uncorrected p99 hides it: coordinated omission.
      expect(uncorrected.p99).toBeLessThan(summary.latencyUs.p99 / 3);
      expect(uncorrected.p99).toBeLessThan(300_000);
    });
  });
});
