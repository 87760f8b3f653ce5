import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressListener } from '../../src/commands/progress.js';
import type { TimelineSecond } from '../../src/result/types.js';
import type { Scenario } from '../../src/scenario/types.js';

const SCENARIO = { replicas: 3, durationMs: 10_000, warmupMs: 1000 } as Scenario;

function second(n: number, p99Us: number, errors: Record<string, number> = {}): TimelineSecond {
  return { second: n, completed: 2043, ok: 2043, errors, sessionsLost: 0, updatesLost: 0, dropped: 0, p50Us: 400, p99Us, storeP50Us: 0, byReplica: {}, faults: [] };
}

/** Feeds ten seconds in which the last second's p99 stays near 10 ms while the window's climbs to 425 ms. */
function feed(tty: boolean): string {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const progress = progressListener(out, { tty, color: false });
  progress.architecture!('redis', 1, 'starting', SCENARIO);
  progress.architecture!('redis', 1, 'running', SCENARIO);
  for (let s = 0; s < 10; s++) progress.second!('redis', second(s, 9850 + s * 100, s === 3 ? { refused: 2 } : {}), { completed: 2043 * (s + 1), p99Us: s < 2 ? 11_400 : 425_000 });
  return text;
}

describe('progress lines', () => {
  it('label the last second and show the measured window so far beside it', () => {
    // What a terminal shows at the end: every \r rewrite collapsed to its last version.
    const screen = feed(true).split('\n').map((l) => l.split('\r').at(-1)!.replace(/\x1b\[2K/g, ''));
    const header = screen.findIndex((l) => l.includes('last 1 s'));
    expect(header).toBeGreaterThan(0);
    expect(screen[header]).toMatch(/│ last 1 s +│ measured window so far$/);
    expect(screen[header + 1]).toMatch(/time │ +req\/s +p99 │ +p99 +errors +lost$/);
    expect(screen[header + 2]).toMatch(/^ {2}redis +10s\/10s │ +2,043 +10\.8 ms │ +425 ms +2 +0$/);
    // Both p99s sit under their own labels, one column each.
    expect(screen[header + 2].indexOf('425 ms') + 6).toBe(screen[header + 1].lastIndexOf('p99') + 3);
    for (const l of screen) expect([...l].length).toBeLessThanOrEqual(80);
  });

  it('print a plain line every few seconds under one header in a log', () => {
    const lines = feed(false).trimEnd().split('\n');
    expect(lines.filter((l) => l.includes('last 1 s'))).toHaveLength(1);
    const figures = lines.filter((l) => /^ {2}redis +\d+s\/10s/.test(l));
    expect(figures.map((l) => /(\d+)s\/10s/.exec(l)![1])).toEqual(['5', '10']);
    expect(figures[1]).toContain('425 ms');
  });
});
