import { afterAll, describe, expect, it } from 'vitest';
import { startTopology } from '../../src/topology/topology.js';
import type { Topology } from '../../src/topology/types.js';
import { expectBoundUnlessDisturbed } from '../helpers/quality.js';
import { closedLoad, measure, openLoad, sleep, type Measured } from './measure.js';

let topology: Topology | undefined;
afterAll(async () => {
  await topology?.stop();
});

/** Runs `run` with replica-1 SIGSTOPped `pauseAfterMs` into the window, resumed after the run. */
async function pausedAtTheEnd(pauseAfterMs: number, run: (t: Topology, onWindowStart: () => void) => Promise<Measured>): Promise<Measured> {
  topology ??= await startTopology({ architecture: 'sticky', replicas: 1 });
  const t = topology;
  let fault: Promise<unknown> | undefined;
  try {
    return await run(t, () => {
      fault = sleep(pauseAfterMs).then(() => t.pause('replica-1'));
    });
  } finally {
    await fault;
    await t.resume('replica-1');
  }
}

function expectAccounted(m: Measured): void {
  const r = m.summary.requests;
  expect(r.sent).toBe(r.ok + r.failed + r.unfinished);
  // The engine's own count agrees with the recorder's (summarize flags a disagreement as an error).
  expect(m.stats.unfinished).toBe(r.unfinished);
  expect(m.summary.error).toBeUndefined();
  expect(m.summary.complete).toBe(true);
}

describe('the hard stop', () => {
  it('closed model: requests stuck past the grace period are unfinished, and sent = ok + failed + unfinished', async () => {
    const users = 6;
    const m = await pausedAtTheEnd(800, (t, onWindowStart) =>
      measure(t, { load: closedLoad({ users, graceMs: 150, timeoutMs: 5000 }), warmupMs: 200, durationMs: 1200, onWindowStart }),
    );
    const r = m.summary.requests;
    console.log(`closed, paused at the end: sent ${r.sent} ok ${r.ok} failed ${r.failed} unfinished ${r.unfinished}`);
    expect(r.failed).toBe(0);
    expectAccounted(m);
    // Every user had exactly one request stuck in the stopped replica, if the pause landed inside
    // the window: on a machine that holds the test's timer back by 0.5 s it lands after the hard
    // stop, and the run's figures must say so.
    expectBoundUnlessDisturbed(m.summary.measurementQuality, 'requests stuck in the paused replica', () =>
      expect(r.unfinished).toBe(users),
    );
  });

  it('open model: requests still in the backlog when the window closes count as sent and unfinished, not lost', async () => {
    const sessions = 5;
    const m = await pausedAtTheEnd(700, (t, onWindowStart) =>
      measure(t, {
        load: openLoad({ rateRps: 200, sessions, graceMs: 150, timeoutMs: 5000 }),
        warmupMs: 200,
        durationMs: 1200,
        onWindowStart,
      }),
    );
    const r = m.summary.requests;
    console.log(
      `open, paused at the end: due ${m.stats.open?.due} sent ${r.sent} ok ${r.ok} unfinished ${r.unfinished} dropped ${r.dropped} backlog peak ${m.stats.open?.maxBacklog}`,
    );
    expect(m.stats.open?.due).toBe(240);
    expect(r.sent).toBe(240);
    expect(r.dropped).toBe(0);
    // ~0.5 s of arrivals (~100) waited behind the 5 stuck sessions.
    expect(r.unfinished).toBeGreaterThan(60);
    expectAccounted(m);
  });

  for (const maxBacklog of [20, 0]) {
    it(`open model: beyond the backlog bound (${maxBacklog}), requests are dropped and counted, never silently skipped`, async () => {
      const m = await pausedAtTheEnd(700, (t, onWindowStart) =>
        measure(t, {
          load: openLoad({ rateRps: 200, sessions: 5, maxBacklog, graceMs: 150, timeoutMs: 5000 }),
          warmupMs: 200,
          durationMs: 1200,
          onWindowStart,
        }),
      );
      const r = m.summary.requests;
      console.log(`open, backlog bound ${maxBacklog}: due ${m.stats.open?.due} sent ${r.sent} unfinished ${r.unfinished} dropped ${r.dropped}`);
      expect(r.sent + r.dropped).toBe(m.stats.open?.due);
      expect(m.stats.open?.dropped).toBe(r.dropped);
      expect(m.stats.open?.maxBacklog).toBe(maxBacklog);
      expect(r.dropped).toBeGreaterThan(40);
      expect(r.unfinished).toBe(5 + maxBacklog); // the stuck sessions and a full backlog
      expectAccounted(m);
    });
  }
});
