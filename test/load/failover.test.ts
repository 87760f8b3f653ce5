import { afterEach, describe, expect, it } from 'vitest';
import type { VirtualUser } from '../../src/load/virtual-user.js';
import { REFUSED_BACKOFF_MS } from '../../src/load/closed-model.js';
import { startTopology } from '../../src/topology/topology.js';
import type { Topology } from '../../src/topology/types.js';
import { HAS_REDIS } from '../helpers/redis.js';
import { expectBoundUnlessDisturbed } from '../helpers/quality.js';
import { closedLoad, measure, sleep } from './measure.js';

let topology: Topology | undefined;
afterEach(async () => {
  await topology?.stop();
  topology = undefined;
});

interface KillRun {
  /** Users holding a session pinned to the victim just before the kill. */
  pinnedAtKill: number;
  /** Of those, users not already logging out (a failed logout ends a session without a loss). */
  stayingAtKill: number;
  lost: number;
  okAfterKill: number;
  m: Awaited<ReturnType<typeof measure>>;
}

/** 30 closed-model users on 3 replicas; replica-2 is SIGKILLed 1 s into a 2.5 s window. */
async function killMidRun(architecture: string): Promise<KillRun> {
  const t = await startTopology({ architecture, replicas: 3 });
  topology = t;
  let users: readonly VirtualUser[] = [];
  let pinnedAtKill = -1;
  let stayingAtKill = -1;
  let killedAtMs = 0;
  let fault: Promise<unknown> | undefined;
  const m = await measure(t, {
    load: closedLoad({ users: 30 }),
    warmupMs: 500,
    durationMs: 2500,
    onUsers: (u) => (users = u),
    onWindowStart: () => {
      fault = sleep(1000).then(() => {
        const victim = t.replicas.find((r) => r.name === 'replica-2')!;
        // Counted synchronously right before the signal: sessions the victim holds now.
        const pinned = users.filter((u) => u.token !== undefined && u.pinned === victim);
        pinnedAtKill = pinned.length;
        stayingAtKill = pinned.filter((u) => u.phase !== 'logout').length;
        killedAtMs = performance.now();
        return t.kill('replica-2');
      });
    },
  });
  await fault;
  const seconds = m.recorder.timeline;
  const killSecond = Math.floor((killedAtMs - m.stats.windowStartMs) / 1000);
  const okAfterKill = seconds.slice(killSecond + 1).reduce((n, s) => n + s.ok, 0);
  return { pinnedAtKill, stayingAtKill, lost: m.summary.sessions.lost, okAfterKill, m };
}

describe('killing a replica under closed load', () => {
  it('sticky: the sessions pinned to the killed replica are lost, about as many as it held', async () => {
    const run = await killMidRun('sticky');
    const r = run.m.summary.requests;
    console.log(
      `sticky kill: ${run.pinnedAtKill} sessions pinned to replica-2 at the kill (${run.stayingAtKill} not logging out), ${run.lost} lost, ` +
        `${run.m.summary.updatesLost} items lost; errors ${JSON.stringify(r.errors)}`,
    );
    // Logins go round robin, so about a third of the 30 users live on each replica; a new user
    // (after a logout) carries no affinity, so the split drifts from 10/10/10 as users come and
    // go (full test runs have seen 2 and 18 on the victim). What matters is that the victim held
    // some, not all, and that exactly those are lost.
    expect(run.pinnedAtKill).toBeGreaterThanOrEqual(1);
    expect(run.pinnedAtKill).toBeLessThan(30);
    // Every session the victim held is lost, except those whose logout fails (they were ending
    // anyway; the engine drops them without a 401 to see). Counting happens just before SIGKILL,
    // and answers the victim had already written still arrive: each checkout among them becomes
    // a failed logout. Under a full test run two such were seen (8 staying, 6 lost); more would
    // mean sessions are not being lost, which is what this test guards. On a machine that
    // starves the processes, the victim answers more before the signal lands (10 staying, 7 lost
    // beside two CPU hogs) and more users log in on it between the count and the kill (9 lost of
    // 7 pinned): then the run's figures must say so, and most sessions must still be lost.
    expect(run.lost).toBeGreaterThanOrEqual(Math.ceil(run.stayingAtKill / 2));
    expectBoundUnlessDisturbed(run.m.summary.measurementQuality, 'sessions lost with the killed replica', () => {
      expect(run.lost).toBeGreaterThanOrEqual(run.stayingAtKill - 2);
      expect(run.lost).toBeLessThanOrEqual(run.pinnedAtKill + 1);
    });
    expect(r.errors['session-lost']).toBe(run.lost);
    // Each lost user logs in elsewhere and carries on (a loose bound: the machine may be busy).
    expect(run.okAfterKill).toBeGreaterThan(100);
    expect(r.sent).toBe(r.ok + r.failed + r.unfinished);
    expect(run.m.summary.error).toBeUndefined();
  });

  it.skipIf(!HAS_REDIS)('redis: no session is lost, and no acknowledged item', async () => {
    const run = await killMidRun('redis');
    const r = run.m.summary.requests;
    console.log(`redis kill: ${run.pinnedAtKill} sessions logged in at replica-2, ${run.lost} lost; errors ${JSON.stringify(r.errors)}`);
    expect(run.lost).toBe(0);
    expect(run.m.summary.updatesLost).toBe(0);
    expect(r.errors['session-lost']).toBe(0);
    expect(r.errors['update-lost']).toBe(0);
    expect(run.okAfterKill).toBeGreaterThan(100);
    expect(r.sent).toBe(r.ok + r.failed + r.unfinished);
    expect(run.m.summary.error).toBeUndefined();
  });

  it('the only replica killed: users back off and the event loop stays free (no spin on instant refusals)', async () => {
    const t = await startTopology({ architecture: 'sticky', replicas: 1 });
    topology = t;
    const users = 5;
    // A 10 ms heartbeat: a synchronous spin inside the engine would hold it for the rest of the window.
    let maxGapMs = 0;
    let last = performance.now();
    const heartbeat = setInterval(() => {
      const now = performance.now();
      maxGapMs = Math.max(maxGapMs, now - last);
      last = now;
    }, 10);
    let fault: Promise<unknown> | undefined;
    try {
      const m = await measure(t, {
        load: closedLoad({ users }),
        warmupMs: 200,
        durationMs: 1500,
        onWindowStart: () => {
          fault = sleep(300).then(() => t.kill('replica-1'));
        },
      });
      await fault;
      const r = m.summary.requests;
      console.log(`only replica killed: heartbeat max gap ${maxGapMs.toFixed(0)} ms; errors ${JSON.stringify(r.errors)}`);
      expect(maxGapMs).toBeLessThan(250);
      // After the kill each user retries about every REFUSED_BACKOFF_MS for the remaining ~1.2 s.
      const bound = (users * 1500) / REFUSED_BACKOFF_MS;
      expect(r.errors.refused).toBeGreaterThan(users);
      expect(r.errors.refused).toBeLessThan(bound);
      expect(r.sent).toBe(r.ok + r.failed + r.unfinished);
      expect(m.summary.error).toBeUndefined();
    } finally {
      clearInterval(heartbeat);
    }
  });
});
