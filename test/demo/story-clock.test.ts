import { describe, expect, it } from 'vitest';
import { StoryClock } from '../../src/demo/story-clock.js';

describe('StoryClock', () => {
  it('does not count the time the presenter held the story', () => {
    const clock = new StoryClock();
    expect(clock.storyMs(500)).toBe(0);
    clock.start(1000);
    expect(clock.storyMs(4000)).toBe(3000);
    clock.hold(4000);
    expect(clock.storyMs(9000)).toBe(3000);
    expect(clock.holding).toBe(true);
    clock.release(10_000);
    expect(clock.storyMs(11_000)).toBe(4000);
    expect(clock.wallMsAt(8000, 11_000)).toBe(15_000);
  });
});
