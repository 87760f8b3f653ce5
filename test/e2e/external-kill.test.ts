import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { watchdogPid } from '../../src/process/reaper.js';
import type { RunResult } from '../../src/result/types.js';
import { startTopology } from '../../src/topology/topology.js';
import type { Topology } from '../../src/topology/types.js';
import { cli } from '../helpers/cli.js';
import { isAlive, leftoverChildren } from '../helpers/processes.js';
import { HAS_REDIS } from '../helpers/redis.js';

/**
 * Issue 16: replicas started as `targets up` starts them (not by the run), used as an external
 * topology whose `kill` is `kill -9 {pid}`: a kill loses sessions for sticky and none for redis,
 * as on the built-in topology, and the command is on the fault event. Without --allow-exec the
 * scenario is refused and nothing is killed.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'statebench-external-'));
const own: Topology[] = [];
afterAll(async () => {
  await Promise.all(own.map((t) => t.stop()));
  rmSync(dir, { recursive: true, force: true });
  expect(await leftoverChildren(watchdogPid())).toEqual([]);
});

async function targetsUp(architecture: string): Promise<Topology> {
  const t = await startTopology({ architecture, replicas: 3 });
  own.push(t);
  return t;
}

function entry(name: string, t: Topology): string {
  return [`    ${name}:`, '      replicas:', ...t.replicas.map((r) => `        - { url: ${r.url}, pid: ${r.pid} }`), '      commands:', '        kill: kill -9 {pid}'].join('\n');
}

describe.skipIf(!HAS_REDIS)('an external topology broken by kill -9 {pid}', () => {
  it('loses sessions for sticky and none for redis; the command is on the event; nothing runs without --allow-exec', async () => {
    const sticky = await targetsUp('sticky');
    const redis = await targetsUp('redis');
    const scenario = path.join(dir, 'kill.yaml');
    writeFileSync(
      scenario,
      ['name: external-kill', 'architectures: [sticky, redis]', 'duration: 3s', 'warmup: 500ms', 'load: { users: 30 }', 'faults:', '  - at: 1s', '    kill: replica-2', 'topology:', '  external:', entry('sticky', sticky), entry('redis', redis), ''].join('\n'),
    );

    const refused = await cli(['run', scenario, '--out', path.join(dir, 'refused.json')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('topology.external.sticky.commands.kill: would run `kill -9 {pid}` for a fault; statebench runs commands from a scenario only with --allow-exec');
    expect([...sticky.replicas, ...redis.replicas].every((r) => r.pid !== undefined && isAlive(r.pid))).toBe(true);

    const victims = [sticky, redis].map((t) => t.replicas[1].pid!);
    const run = await cli(['run', scenario, '--allow-exec', '--out', path.join(dir, 'kill.json'), '-q']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(readFileSync(path.join(dir, 'kill.json'), 'utf8')) as RunResult;
    const [s, r] = ['sticky', 'redis'].map((name) => result.architectures.find((a) => a.architecture === name)!);
    // With what the kill did and when: beside two CPU hogs a run once counted no lost session.
    console.log(
      `sticky lost ${s.sessions.lost} of ${s.sessions.started} sessions; redis lost ${r.sessions.lost} of ${r.sessions.started};` +
        ` sticky faults ${JSON.stringify(s.faults.map((f) => ({ atMs: f.atMs, ok: f.ok })))}, errors ${JSON.stringify(s.requests.errors)}, served ${JSON.stringify(s.perReplica)}`,
    );
    expect(s.sessions.lost).toBeGreaterThan(0);
    expect(r.sessions.lost).toBe(0);
    expect(r.updatesLost).toBe(0);
    [s, r].forEach((a, i) => {
      expect(a.replicas).toBe(3);
      expect(a.faults).toHaveLength(1);
      expect(a.faults[0]).toMatchObject({ kind: 'kill', target: 'replica-2', ok: true, commands: [{ command: `kill -9 ${victims[i]}`, exitCode: 0, output: '' }] });
      expect(isAlive(victims[i])).toBe(false);
    });
  });
});
