import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { snapshotWaits, waitShares } from '../../src/capacity/run-queue-wait.js';
import { CpuBudget, cpuBudgetsUnavailable } from '../../src/process/cpu-budget.js';

describe('run-queue wait', () => {
  it('takes the most delayed of a component\'s processes, and its budget\'s throttling out of its waits', () => {
    const before = { waits: new Map([['store@1', 0], ['store#2@2', 0], ['replica-1@3', 0]]), throttled: new Map([['replica-1', 0]]) };
    const after = { waits: new Map([['store@1', 100e6], ['store#2@2', 50e6], ['replica-1@3', 700e6], ['replica-2@4', 5e6]]), throttled: new Map([['replica-1', 600e6]]) };
    expect(waitShares(before, after, 1000)).toEqual({ machine: { store: 0.1, 'replica-1': 0.1 }, throttled: { 'replica-1': 0.6 } });
  });

  it.skipIf(cpuBudgetsUnavailable() !== undefined)('sees a busy process on a 0.1-core budget held back by it most of the time', async () => {
    const budget = CpuBudget.create('test-spin', 0.1);
    const line = budget.command(process.execPath, ['-e', 'const t = Date.now(); while (Date.now() - t < 1500) {}']);
    const child = spawn(line.command, line.args, { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const processes = new Map([['spin', child.pid!]]);
      const before = snapshotWaits(processes);
      const startMs = performance.now();
      await new Promise((r) => setTimeout(r, 800));
      const shares = waitShares(before, snapshotWaits(processes), performance.now() - startMs);
      console.log(`spinning on 0.1 core: throttled ${shares.throttled.spin}, waited for others ${shares.machine.spin}`);
      // Running 0.1 of the time, it spends the other 0.9 throttled or, on a busy machine, waiting for others.
      expect(shares.throttled.spin).toBeGreaterThan(0.3);
      expect(shares.throttled.spin + shares.machine.spin).toBeGreaterThan(0.7);
      expect(shares.throttled.spin + shares.machine.spin).toBeLessThan(1.05);
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      expect(await budget.remove()).toBe(true);
    }
  });
});
