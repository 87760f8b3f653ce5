import { expect, test } from 'vitest';
import { wrapWords } from '../../src/report/wrap-lines.js';

test('a figure never parts from its unit at the end of a line', () => {
  const sentence = 'and p99 was about the same (4.70 ms against 4.67 ms for sticky).';
  const lines = wrapWords(sentence, 34);
  expect(lines).toEqual(['and p99 was about the same', '  (4.70 ms against 4.67 ms for', '  sticky).']);
  for (const width of [20, 31, 32, 33, 40]) {
    for (const line of wrapWords(sentence, width)) expect(line).not.toMatch(/\d$/);
  }
  // Only units: a number before a word still wraps like any word.
  expect(wrapWords('at 12 replicas the store', 14)).toEqual(['at 12 replicas', '  the store']);
});
