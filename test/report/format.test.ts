import { describe, expect, test } from 'vitest';
import {
  formatChange,
  formatDelta,
  formatDurationMs,
  formatLatencyRangeUs,
  formatLatencyUs,
  formatPercent,
  formatRange,
  formatRate,
  plural,
} from '../../src/report/format.js';

describe('formatLatencyUs', () => {
  test.each([
    [0, '0 µs'],
    [412, '412 µs'],
    [999.4, '999 µs'],
    // Rounds into the next unit rather than printing `1000 µs`.
    [999.6, '1.00 ms'],
    [1830, '1.83 ms'],
    [18_340, '18.3 ms'],
    [183_400, '183 ms'],
    [999_700, '1.00 s'],
    [1_020_000, '1.02 s'],
    [12_345_678, '12.3 s'],
    [-410, '-410 µs'],
    // Decimals chosen after rounding: three significant digits, never four.
    [9996, '10.0 ms'],
    [99_970, '100 ms'],
    [9_996_000, '10.0 s'],
  ])('%d µs reads %s', (us, text) => expect(formatLatencyUs(us)).toBe(text));

  test('missing values read as a dash', () => {
    expect(formatLatencyUs(null)).toBe('–');
    expect(formatLatencyUs(Number.NaN)).toBe('–');
  });
});

test('latency ranges share the unit of the larger end', () => {
  expect(formatLatencyRangeUs(1710, 1950)).toBe('1.71–1.95 ms');
  expect(formatLatencyRangeUs(980, 1200)).toBe('0.98–1.20 ms');
  expect(formatLatencyRangeUs(405, 431)).toBe('405–431 µs');
});

test('a range whose ends read the same is no range', () => {
  expect(formatRange(1701, 1704, 'us')).toBeUndefined();
  expect(formatRange(12, 12, 'count')).toBeUndefined();
  expect(formatRange(70, 82, 'count')).toBe('70–82');
  expect(formatRange(0.0041, 0.0046, 'ratio')).toBe('0.41–0.46%');
});

test('rates are grouped, with decimals only below 100/s', () => {
  expect(formatRate(2043.4)).toBe('2,043');
  expect(formatRate(45.23)).toBe('45.2');
  expect(formatRate(50)).toBe('50');
});

test('small percentages keep two significant digits', () => {
  expect(formatPercent(0.384)).toBe('38.4%');
  expect(formatPercent(0.0043)).toBe('0.43%');
  expect(formatPercent(0.004)).toBe('0.40%');
  expect(formatPercent(0.00097)).toBe('0.097%');
  expect(formatPercent(0)).toBe('0.0%');
  expect(formatPercent(0.000001)).toBe('<0.001%');
});

test('deltas are signed in the metric unit; ratios in percentage points', () => {
  expect(formatDelta(410, 'us')).toBe('+410 µs');
  expect(formatDelta(-1200, 'us')).toBe('-1.20 ms');
  expect(formatDelta(-152, 'rps')).toBe('-152/s');
  expect(formatDelta(3, 'count')).toBe('+3');
  expect(formatDelta(0.012, 'ratio')).toBe('+1.2 pp');
  expect(formatDelta(0, 'us')).toBe('±0');
});

test('relative changes', () => {
  expect(formatChange(1805, 2043)).toBe('-12%');
  expect(formatChange(2210.7, 2043.4)).toBe('+8.2%');
  expect(formatChange(5, 0)).toBe('new');
  expect(formatChange(0, 0)).toBe('±0%');
});

test('durations', () => {
  expect(formatDurationMs(860)).toBe('860 ms');
  expect(formatDurationMs(1240)).toBe('1.24 s');
  expect(formatDurationMs(12_500)).toBe('12.5 s');
  expect(formatDurationMs(125_000)).toBe('2m05s');
  // The latency rules from a millisecond up: one format for every time statebench writes.
  expect(formatDurationMs(9996)).toBe('10.0 s');
  expect(formatDurationMs(5000)).toBe('5.00 s');
  expect(formatDurationMs(999.7)).toBe('1.00 s');
  for (const ms of [1000, 2345, 9995, 10_000, 99_960, 119_000]) expect(formatDurationMs(ms)).toBe(formatLatencyUs(ms * 1000));
});

test('counts agree with their nouns', () => {
  expect(plural(1, 'fault')).toBe('1 fault');
  expect(plural(0, 'fault')).toBe('0 faults');
  expect(plural(1204, 'session')).toBe('1,204 sessions');
  expect(plural(1, 'replica was', 'replicas were')).toBe('1 replica was');
});
