import { afterAll, describe, expect, it } from 'vitest';
import { renderTerminalReport } from '../../src/report/terminal-table.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { watchdogPid } from '../../src/process/reaper.js';
import { leftoverChildren } from '../helpers/processes.js';
import { expectBoundUnlessDisturbed } from '../helpers/quality.js';
import { HAS_REDIS } from '../helpers/redis.js';

afterAll(async () => {
  expect(await leftoverChildren(watchdogPid())).toEqual([]);
});

describe.skipIf(!HAS_REDIS)('scale under load', () => {
  it('stateless load spreads over new replicas at once; sticky sessions stay where they were born', async () => {
    // Sessions outlast the run (no user logs in again), so sticky has no new session to send
    // to the new replicas: the extreme case of "old sessions stay on old replicas".
    const scenario = parseScenario(
      `architectures: [sticky, redis]
replicas: 1
duration: 5s
warmup: 500ms
load: { model: closed, users: 6 }
session: { adds: 100000, thinkTime: 5ms }
faults:
  - at: 1s
    scale: +2
  - at: 3s
    scale: -1
`,
      'scale.yaml',
    );
    const result = await runScenario(scenario);
    expect(result.complete).toBe(true);
    const [sticky, redis] = result.architectures;
    for (const run of [sticky, redis]) {
      expect(run.faults.map((f) => `${f.kind} ${f.target} ${f.ok} ${f.detail}`)).toEqual([
        'scale +2 true added replica-2, replica-3',
        'scale -1 true removed replica-3',
      ]);
      // Adding and draining replicas fails no request. A request may time out only on a machine
      // that starves the replicas for seconds, and the run's figures must then say so.
      const { failed, errors } = run.requests;
      expect(failed - errors.timeout, `${run.architecture}: ${JSON.stringify(errors)}`).toBe(0);
      expectBoundUnlessDisturbed(run.measurementQuality, `${run.architecture}: timeouts while scaling`, () =>
        expect(errors.timeout, run.architecture).toBe(0),
      );
    }
    const lastShare = (run: typeof redis): Record<string, number> => run.phases!.at(-1)!.replicaShare;
    expect(lastShare(sticky)['replica-1']).toBeGreaterThan(0.95);
    expect(Object.keys(lastShare(redis))).toEqual(['replica-1', 'replica-2']);
    expect(lastShare(redis)['replica-1']).toBeGreaterThan(0.35);
    expect(lastShare(redis)['replica-2']).toBeGreaterThan(0.35);
    const phaseWithThree = redis.phases!.find((p) => p.after.includes('scale +2'))!;
    for (const name of ['replica-1', 'replica-2', 'replica-3']) expect(phaseWithThree.replicaShare[name], name).toBeGreaterThan(0);
    // Each new replica takes its third at once, unless the machine starves their start (a
    // share of 0.07–0.13 beside other test runs), which the run's figures must then say.
    expectBoundUnlessDisturbed(redis.measurementQuality, 'redis: the new replicas’ share of the load', () => {
      for (const name of ['replica-1', 'replica-2', 'replica-3']) expect(phaseWithThree.replicaShare[name], name).toBeGreaterThan(0.2);
    });

    const report = renderTerminalReport(result, { color: false, width: 100 });
    expect(report).toContain('Load per replica after the last scale (from 4.00 s)');
    // Whether one second of two replicas counts as "even" depends on scheduling on a busy
    // machine (one second has to carry 40% on each); the shares checked above are the finding.
    expect(report).toMatch(/redis\s+replica-1 \d+% · replica-2 \d+%\n\s+(even \d\.\d\d s after the scale|never even)/);
    expect(report).toMatch(/sticky\s+replica-1 100% · replica-2 0%\n\s+never even/);
  });
});
