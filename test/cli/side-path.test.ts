import { describe, expect, it } from 'vitest';
import { sidePath } from '../../src/commands/side-path.js';

describe('sidePath (where --markdown / --html write)', () => {
  it('swaps the extension of a .json result, or appends one, and never returns the result file itself', () => {
    expect(sidePath(true, 'results/r.json', '.html')).toBe('results/r.html');
    expect(sidePath(true, 'results/R.JSON', '.md')).toBe('results/R.md');
    expect(sidePath(true, 'results/mine', '.html')).toBe('results/mine.html');
    expect(sidePath('x.md', 'r.json', '.md')).toBe('x.md');
    expect(sidePath(undefined, 'r.json', '.md')).toBeUndefined();
    expect(sidePath(false, 'r.json', '.md')).toBeUndefined();
  });
});
