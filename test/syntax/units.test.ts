import { describe, expect, test } from 'vitest';
import { formatDuration, formatSize, parseDuration, parseRate, parseSize, type UnitResult } from '../../src/syntax/units.js';

const value = (r: UnitResult) => (r.ok ? r.value : r.error);

describe('parseDuration (milliseconds)', () => {
  test.each([
    ['30s', 30_000],
    ['500ms', 500],
    ['1m', 60_000],
    ['1m30s', 90_000],
    ['2h', 7_200_000],
    ['0.5ms', 0.5],
    ['1.5s', 1500],
    ['0.1s', 100],
    ['250us', 0.25],
    ['250µs', 0.25],
    ['2min', 120_000],
    [' 10 s ', 10_000],
    ['0', 0],
    [0, 0],
  ])('%j → %d', (input, ms) => {
    expect(parseDuration(input)).toEqual({ ok: true, value: ms });
  });

  test('a bare number is rejected with a message saying which unit to add', () => {
    expect(value(parseDuration(30))).toBe('`30` has no unit: write `30s` or `30ms`');
    expect(value(parseDuration('30'))).toBe('`30` has no unit: write `30s` or `30ms`');
  });

  test.each([['-1s'], ['abc'], ['10 seconds'], ['1x'], ['30S'], [''], ['1.2.3s']])('%j is rejected', (input) => {
    const parsed = parseDuration(input);
    expect(parsed.ok).toBe(false);
  });

  test('an unusable type names what was expected', () => {
    expect(value(parseDuration(true))).toMatch(/expected a duration such as `30s`/);
    expect(value(parseDuration({}))).toMatch(/expected a duration/);
  });
});

describe('parseRate (requests per second)', () => {
  test.each([
    ['2000/s', 2000],
    ['120/m', 2],
    ['120/min', 2],
    ['7200/h', 2],
    ['5/ms', 5000],
    ['2000rps', 2000],
    ['0.5/s', 0.5],
  ])('%j → %d', (input, rps) => {
    expect(parseRate(input)).toEqual({ ok: true, value: rps });
  });

  test('a bare number is rejected: per second and per minute are both plausible', () => {
    expect(value(parseRate(2000))).toBe('`2000` has no unit: write `2000/s` (per second) or `2000/m` (per minute)');
    expect(value(parseRate('2000'))).toMatch(/has no unit/);
  });

  test.each([['fast'], ['2000/d'], ['-5/s'], [null]])('%j is rejected', (input) => {
    expect(parseRate(input).ok).toBe(false);
  });
});

describe('parseSize (bytes)', () => {
  test.each([
    ['64B', 64],
    ['64b', 64],
    ['1KiB', 1024],
    ['2kb', 2000],
    ['2kB', 2000],
    ['1.5KiB', 1536],
    ['1MiB', 1_048_576],
    ['1MB', 1_000_000],
    [0, 0],
  ])('%j → %d', (input, bytes) => {
    expect(parseSize(input)).toEqual({ ok: true, value: bytes });
  });

  test('a bare number is rejected with a suggestion', () => {
    expect(value(parseSize(64))).toBe('`64` has no unit: write `64B` (bytes) or `64KiB`');
  });

  test.each([['12 bytes'], ['1TB'], ['big']])('%j is rejected, listing the units', (input) => {
    expect(value(parseSize(input))).toMatch(/units: B, kB, KiB/);
  });
});

describe('formatDuration', () => {
  test.each([
    [0, '0s'],
    [0.5, '0.5ms'],
    [250, '250ms'],
    [1500, '1.5s'],
    [30_000, '30s'],
    [90_000, '1m30s'],
    [7_200_000, '2h'],
    [3_723_000, '1h2m3s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  test('round-trips through parseDuration', () => {
    for (const ms of [0.25, 1, 999, 1000, 61_500, 3_600_000, 5_025_500]) {
      expect(parseDuration(formatDuration(ms))).toEqual({ ok: true, value: ms });
    }
  });
});

test('formatSize uses IEC prefixes', () => {
  expect(formatSize(64)).toBe('64B');
  expect(formatSize(1024)).toBe('1KiB');
  expect(formatSize(1536)).toBe('1.5KiB');
});
