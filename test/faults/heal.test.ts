import { afterAll, describe, expect, it } from 'vitest';
import { startFaultTimeline } from '../../src/faults/timeline.js';
import type { FaultSpec } from '../../src/scenario/types.js';
import { startTopology } from '../../src/topology/topology.js';
import type { Topology } from '../../src/topology/types.js';
import { call } from '../helpers/http.js';

let topology: Topology | undefined;
afterAll(async () => {
  await topology?.stop();
});

describe('healing a timeline (Jepsen teardown)', () => {
  it('restarts what was killed and resumes what was left paused, newest first, and says so on the events', async () => {
    topology = await startTopology({ architecture: 'sticky', replicas: 3 });
    const faults: FaultSpec[] = [
      { atMs: 0, kind: 'kill', target: 'replica-1' },
      { atMs: 0, kind: 'pause', target: 'replica-2' },
      // Healed by itself before it returned: nothing left to undo.
      { atMs: 0, kind: 'pause', target: 'replica-3', forMs: 50 },
    ];
    const timeline = startFaultTimeline(topology, faults, performance.now());
    await new Promise((resolve) => setTimeout(resolve, 500));
    await timeline.stop();
    expect(topology.replicas.map((r) => r.state)).toEqual(['killed', 'paused', 'up']);

    await timeline.heal();
    expect(topology.replicas.map((r) => r.state)).toEqual(['up', 'up', 'up']);
    for (const r of topology.replicas) expect((await call(r.url, 'GET', '/healthz')).status).toBe(200);
    const byTarget = Object.fromEntries(timeline.events.map((e) => [`${e.kind} ${e.target}`, e.healed]));
    expect(byTarget).toEqual({ 'kill replica-1': true, 'pause replica-2': true, 'pause replica-3': undefined });
  }, 30_000);
});
