import { createElement as h } from 'react';
import { renderToString } from 'ink';
import { describe, expect, it } from 'vitest';
import { DemoScreen, timelineText } from '../../src/demo/demo-screen.js';
import { DemoState } from '../../src/demo/demo-state.js';
import { buildStory } from '../../src/demo/story.js';
import { defaultStoryScenario } from '../../src/demo/default-story.js';
import { barChart } from '../../src/demo/sparkline.js';
import { DemoShow } from '../../src/demo/demo-show.js';
import { concludeDemo } from '../../src/demo/conclusions.js';
import { loadFixture } from '../report/load-fixture.js';

/** The built-in story 14 s in: replica-2 killed at 12 s, sticky has lost 47 sessions. */
function stateAtKill(): DemoState {
  const story = buildStory(defaultStoryScenario());
  const state = new DemoState(story, ['sticky', 'redis'], 'sticky and redis run at once, sharing 2 cores: 150 users each, of 300 users', false);
  state.phase = 'running';
  for (let i = 0; i < 14; i++) {
    for (const arch of ['sticky', 'redis']) {
      state.second(
        arch,
        {
          second: i, completed: i === 12 ? 900 : 1400, ok: 1400, errors: i === 12 ? { refused: 3 } : {},
          sessionsLost: arch === 'sticky' && i === 12 ? 47 : 0, updatesLost: 0, dropped: 0, p50Us: 2000,
          p99Us: i === 12 ? 49_000 : 9000, storeP50Us: arch === 'redis' ? 1600 : 0,
          byReplica: { 'replica-1': 470, 'replica-2': i >= 12 ? 0 : 460, 'replica-3': 470 }, faults: [],
        },
        (i + 1) * 1000,
      );
    }
  }
  const replicas = [{ name: 'replica-1', state: 'up' as const }, { name: 'replica-2', state: 'killed' as const }, { name: 'replica-3', state: 'up' as const }];
  state.replicas('sticky', replicas);
  state.replicas('redis', replicas);
  state.actNumber = 2;
  state.say('in 5 s replica-2 will be killed');
  state.say('act 2: replica-2 is killed');
  state.say('2 s after replica-2 was killed: sticky: 47 users were logged out; redis: 0');
  return state;
}

function screen(columns: number, rows: number): string[] {
  return renderToString(h(DemoScreen, { state: stateAtKill(), columns, rows, color: false }), { columns }).split('\n');
}

describe('DemoScreen', () => {
  it('fits 80x24 with a row to spare, and shows the replicas, the kill and the losses', () => {
    const lines = screen(80, 24);
    expect(lines.length).toBeLessThanOrEqual(23);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
    const text = lines.join('\n');
    expect(text).toContain('replica-1');
    expect(text.match(/✖ KILLED/g)).toHaveLength(2);
    expect(text).toContain('lost sessions 47');
    expect(text).toContain('lost sessions 0');
    expect(text).toContain('470/s');
    expect(text).toContain('◆kill r2');
    expect(text).toContain('▲ 14s');
    expect(text).toContain('sticky: 47 users were logged out; redis: 0');
  });

  it('uses a larger terminal for taller charts and more history', () => {
    const small = screen(80, 24);
    const large = screen(160, 48);
    expect(large.length).toBeLessThanOrEqual(47);
    expect(large.length).toBeGreaterThan(small.length);
    for (const line of large) expect([...line].length).toBeLessThanOrEqual(160);
    const chartRows = (lines: string[]) => lines.filter((l) => /^│ (req\/s| {5}) /.test(l) && /[▁-█]/.test(l)).length;
    expect(chartRows(large)).toBeGreaterThan(chartRows(small));
  });

  it('falls back to a compact view below 60 columns, still naming the kill', () => {
    const text = screen(50, 16).join('\n');
    expect(text).toContain('sticky: lost 47 · replica-2 KILLED');
    expect(text).toContain('redis: lost 0 · replica-2 KILLED');
  });
});

describe('timelineText', () => {
  it('places faults and the cursor in proportion to story time', () => {
    const state = stateAtKill();
    const { line, cursor } = timelineText(state, 80);
    expect(line.startsWith('0s ')).toBe(true);
    expect(line.endsWith(' 55s')).toBe(true);
    expect(line.indexOf('◆kill r2')).toBeLessThan(line.indexOf('◆restart r2'));
    // 14 s of 55 s, like 12 s for the kill marker: the cursor sits just right of it.
    expect(cursor.indexOf('▲')).toBeGreaterThan(line.indexOf('◆kill r2'));
    expect(cursor.indexOf('▲')).toBeLessThan(line.indexOf('◆restart r2'));
  });
});

describe('barChart', () => {
  it('scales to the maximum, right-aligns a short history and keeps a trickle visible', () => {
    expect(barChart([0, 1, 8], 5, 1)).toEqual(['  ' + ' ▁█']);
    expect(barChart([4, 8], 2, 2)).toEqual([' █', '██']);
    expect(barChart([1, 2, 3, 4], 2, 1, 8)).toEqual(['▃▄']);
  });
});

describe('the opening and the last frame at 80x24', () => {
  const SHARING = 'sticky and redis run at once, sharing 2 cores: 150 users each, of 300 users';

  /** The built-in story as it opens: the opening said, then status lines, then `seconds` of story. */
  function opening(seconds: number): DemoState {
    const show = new DemoShow(buildStory(defaultStoryScenario()), ['sticky', 'redis'], SHARING, false, { changed() {} });
    const state = show.state;
    show.begin();
    show.phase('starting');
    show.phase('warmup');
    state.phase = 'running';
    state.storyMs = seconds * 1000;
    if (seconds >= 7) state.say('in 5 s replica-2 will be killed');
    if (seconds >= 9) state.say('so far the store added 1.60 ms to every redis request (median round trip)');
    return state;
  }
  const render = (state: DemoState): string => renderToString(h(DemoScreen, { state, columns: 80, rows: 24, color: false }), { columns: 80 });

  it('keeps the opening sentence on screen while the start and the warm-up scroll beneath it', () => {
    for (const seconds of [0, 3, 7]) {
      const text = render(opening(seconds));
      expect(text, `at ${seconds} s`).toContain('› Two copies of the same shop under the same load.');
      expect(text.split('\n').length).toBeLessThanOrEqual(23);
    }
    // The newest line still shows, below the opening.
    expect(render(opening(0))).toContain('› warm-up: 3 s of load before measuring');
    expect(render(opening(7))).toContain('› in 5 s replica-2 will be killed');
    // The header says how the machine is shared: the narration does not repeat it.
    expect(render(opening(0)).split(SHARING)).toHaveLength(2);
  });

  it('lets the opening go once the story is under way', () => {
    expect(render(opening(9))).not.toContain('Two copies of the same shop');
  });

  it('condenses the result into the last frame, every error kind named, with the conclusions', () => {
    const state = stateAtKill();
    const result = loadFixture('kill-one-replica');
    result.architectures = result.architectures.slice(0, 2);
    state.final = { result, conclusions: concludeDemo(result), dismiss: 'any key: exit, and the full report follows' };
    const lines = render(state).split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
    const text = lines.join('\n');
    expect(text).toMatch(/^ +sticky +redis$/m);
    expect(text).toMatch(/^p99 +1\.73 ms +3\.47 ms$/m);
    for (const kind of ['session-lost', 'refused', 'update-lost']) expect(text).toMatch(new RegExp(`^  ${kind} +\\d+ +\\d+$`, 'm'));
    expect(text).toMatch(/^lost items +655 +0$/m);
    expect(text).toContain('What the numbers say');
    expect(text).toContain('sticky logged out 214 users');
    expect(lines.at(-1)).toContain('any key: exit, and the full report follows');
  });

  it('keeps the losses and every error kind when the screen runs short, and drops whole conclusions instead', () => {
    const state = stateAtKill();
    const result = loadFixture('kill-one-replica');
    result.architectures = result.architectures.slice(0, 2);
    const sticky = result.architectures[0];
    sticky.requests.errors = { ...sticky.requests.errors, timeout: 60, reset: 44, 'http-5xx': 3 };
    const long = 'Over the 3 faults of the story, sticky logged out 83 users (2.2% of its sessions; 42 when replica-2 was killed, 41 when replica-1 was frozen for 2.00 s), losing 292 cart items, and redis logged out no one, losing 13 cart items.';
    state.final = { result, conclusions: [long, long, long], dismiss: 'any key: exit' };
    const lines = render(state).split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    const text = lines.join('\n');
    for (const row of ['lost sessions', 'lost items', '  timeout', '  reset', '  http-5xx', '  session-lost', '  refused', '  update-lost']) expect(text).toContain(`\n${row} `);
    // Whole sentences only: the first is told, the last is not cut halfway.
    expect(text).toContain('  Over the 3 faults of the story');
    expect(text.split('Over the 3 faults').length - 1).toBeLessThan(3);
    const body = lines.filter((l) => l.trim() !== '');
    expect(body.at(-2)).toMatch(/items\.$/);
  });
});
