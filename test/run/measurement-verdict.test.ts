import { describe, expect, it } from 'vitest';
import type { ArchitectureResult, TimelineSecond } from '../../src/result/types.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderTerminalReport } from '../../src/report/terminal-table.js';
import { renderHtml } from '../../src/report/html.js';
import { exitCodeFor } from '../../src/commands/run.js';
import { unmeasuredReason } from '../../src/run/measurement-verdict.js';
import { addArchitecture } from '../../src/run/run-scenario.js';
import { craftArchitecture, craftRun } from '../demo/crafted-result.js';

/** Issue 12: a run that did not measure is not a measurement. */

function second(n: number, completed: number, failed: number, kind = 'http-5xx'): TimelineSecond {
  return {
    second: n,
    completed,
    ok: completed - failed,
    errors: failed > 0 ? { [kind]: failed } : {},
    sessionsLost: 0,
    updatesLost: 0,
    dropped: 0,
    p50Us: 1000,
    p99Us: 3000,
    storeP50Us: 200,
    byReplica: {},
    faults: [],
  };
}

/** An architecture's result from a per-second list of [completed, failed]. */
function run(seconds: [number, number][], extra: Partial<ArchitectureResult> = {}): ArchitectureResult {
  const arch = craftArchitecture({ architecture: 'redis', lost: 0, p99Us: 3000, throughputRps: 1000 });
  const timeline = seconds.map(([c, f], i) => second(i, c, f));
  const failed = seconds.reduce((s, [, f]) => s + f, 0);
  const completed = seconds.reduce((s, [c]) => s + c, 0);
  arch.measuredMs = seconds.length * 1000;
  arch.timeline = timeline;
  arch.requests = { ...arch.requests, sent: completed, ok: completed - failed, failed, errors: { ...arch.requests.errors, 'http-5xx': failed } };
  return { ...arch, ...extra };
}

describe('unmeasuredReason', () => {
  it('a healthy run, and one with a few errors here and there, measured', () => {
    expect(unmeasuredReason(run([[1000, 0], [1000, 0], [1000, 0], [1000, 0]]))).toBeUndefined();
    expect(unmeasuredReason(run([[1000, 20], [1000, 0], [1000, 700], [1000, 0], [1000, 600]]))).toBeUndefined();
  });

  it('the store killed from outside: every request fails from second 2 on, no fault scheduled', () => {
    const reason = unmeasuredReason(run([[1000, 0], [1000, 0], [900, 900], [800, 800], [800, 800], [800, 800]]));
    expect(reason).toMatch(/^from second 2 on, 100% of requests failed \(http-5xx 3,300\) outside any fault the scenario scheduled/);
  });

  it('the same errors inside a scheduled fault window that never recovered are the experiment', () => {
    const arch = run([[1000, 0], [1000, 0], [900, 900], [800, 800], [800, 800], [800, 800]]);
    arch.faultWindows = [{ kind: 'store-kill', startMs: 2000, recoveredAtMs: null, timeToRecoverMs: null, errors: {}, sessionsLost: 0, updatesLost: 0, p99Us: 0 }];
    expect(unmeasuredReason(arch)).toBeUndefined();
  });

  it('…but not once the window recovered', () => {
    const arch = run([[1000, 0], [1000, 900], [1000, 0], [1000, 0], [800, 800], [800, 800], [800, 800]]);
    arch.faultWindows = [{ kind: 'kill', startMs: 1000, recoveredAtMs: 2000, timeToRecoverMs: 1000, errors: {}, sessionsLost: 0, updatesLost: 0, p99Us: 0 }];
    expect(unmeasuredReason(arch)).toMatch(/^from second 4 on/);
  });

  it('targets that never came up, nothing sent, nothing succeeded, nothing completed', () => {
    const never = run([], { error: 'replica-1 failed to start: cannot connect to Redis at redis://127.0.0.1:1' });
    expect(unmeasuredReason(never)).toBe('the targets never came up: replica-1 failed to start: cannot connect to Redis at redis://127.0.0.1:1');
    expect(unmeasuredReason(run([]))).toBe('no request was sent in the measured window');
    expect(unmeasuredReason(run([[500, 500], [500, 500]]))).toBe('not one of 1,000 requests succeeded (http-5xx 1,000)');
    const stuck = run([[0, 0]]);
    stuck.requests = { ...stuck.requests, sent: 170, ok: 0, failed: 0, unfinished: 170, dropped: 499_830 };
    expect(unmeasuredReason(stuck)).toBe('none of the 170 requests sent completed, 499,830 more were due and dropped: the generator or the targets could not keep up at all');
  });
});

describe('the verdict in the result, the reports and the exit code', () => {
  const bad = run([[1000, 0], [1000, 0], [900, 900], [800, 800], [800, 800]]);
  const good = craftArchitecture({ architecture: 'sticky', lost: 0, p99Us: 3000, throughputRps: 1000 });
  const result = craftRun([]);
  addArchitecture(result, good);
  addArchitecture(result, bad);

  it('is recorded on the architecture, and `run` exits 1', () => {
    expect(result.architectures[1].unmeasured?.reason).toMatch(/^from second 2 on/);
    expect(result.architectures[0].unmeasured).toBeUndefined();
    expect(exitCodeFor(result)).toBe(1);
  });

  it('no table of zeros: the column shows no figure and the report says why', () => {
    const text = renderTerminalReport(result, { color: false, width: 120 });
    expect(text).toMatch(/✗ redis was not measured: from second 2 on, .*Its figures are left out\./s);
    const throughput = text.split('\n').find((l) => l.includes('req/s') && l.includes('│'))!;
    expect(throughput).toMatch(/1,000.*–/);
    expect(renderMarkdown(result)).toMatch(/\*\*✗ redis \(repetition 1\) was not measured\*\*: from second 2 on/);
    expect(renderHtml(result)).toMatch(/redis was not measured<\/strong>: from second 2 on/);
  });
});
