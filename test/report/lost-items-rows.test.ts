import { expect, test } from 'vitest';
import { buildSummaryTable } from '../../src/report/summary-table.js';
import { loadFixture } from './load-fixture.js';

function lossLabels(result: ReturnType<typeof loadFixture>): [string, string[]][] {
  const losses = buildSummaryTable(result).sections.find((s) => s.title === 'Losses')!;
  return losses.rows.map((r) => [r.shortLabel, r.cells.map((c) => c.text)]);
}

test('lost items are split into lost with sessions and overwritten when the result says', () => {
  const result = loadFixture('kill-one-replica'); // sticky lost 655 items, redis/sqlite/cookie none
  for (const a of result.architectures) a.itemsLostWithSessions = a.architecture === 'sticky' ? 640 : 0;
  expect(lossLabels(result)).toEqual([
    ['lost sessions', ['214', '0', '0', '0']],
    ['lost items', ['655', '0', '0', '0']],
    ['  with sessions', ['640', '0', '0', '0']],
    ['  overwritten', ['15', '0', '0', '0']],
  ]);
});

test('results written before the split, or without losses, keep the two loss rows', () => {
  expect(lossLabels(loadFixture('kill-one-replica')).map(([label]) => label)).toEqual(['lost sessions', 'lost items']);
  const none = loadFixture('kill-one-replica');
  for (const a of none.architectures) Object.assign(a, { updatesLost: 0, itemsLostWithSessions: 0 });
  expect(lossLabels(none).map(([label]) => label)).toEqual(['lost sessions', 'lost items']);
});
