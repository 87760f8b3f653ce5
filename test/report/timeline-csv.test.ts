import { describe, expect, it } from 'vitest';
import { ERROR_KINDS } from '../../src/load/outcome.js';
import { renderTimelineCsv } from '../../src/report/timeline-csv.js';
import { loadFixture } from './load-fixture.js';

/** RFC 4180 back into rows, for checking what a spreadsheet would read. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else field += c;
  }
  return rows;
}

describe('renderTimelineCsv', () => {
  const result = loadFixture('kill-one-replica');

  it('one row per second of each architecture, every row as wide as the header, figures as the result holds them', () => {
    const rows = parseCsv(renderTimelineCsv(result));
    const [header, ...body] = rows;
    expect(header.slice(0, 6)).toEqual(['architecture', 'repetition', 'second', 'completed', 'ok', 'errors']);
    expect(header).toContain('p99_us');
    expect(header.filter((h) => h.startsWith('errors_'))).toHaveLength(ERROR_KINDS.length);
    expect(body).toHaveLength(result.architectures.reduce((n, a) => n + a.timeline.length, 0));
    for (const row of body) expect(row).toHaveLength(header.length);
    const col = (name: string): number => header.indexOf(name);
    const sticky = result.architectures[0];
    const s = sticky.timeline[3];
    const row = body.find((r) => r[0] === sticky.architecture && r[col('second')] === String(s.second))!;
    expect(row[col('p99_us')]).toBe(String(s.p99Us));
    expect(row[col('completed')]).toBe(String(s.completed));
    expect(Number(row[col('errors')])).toBe(Object.values(s.errors).reduce((a: number, b) => a + (b ?? 0), 0));
  });

  it('quotes what needs quoting, leaves absent figures empty, and labels several results in a run column', () => {
    const awkward = loadFixture('kill-one-replica');
    awkward.architectures[0].timeline[0].faults = ['kill "replica-2", hard'];
    delete awkward.architectures[0].timeline[0].foreignCores;
    const text = renderTimelineCsv([
      { label: 'baseline', result: awkward },
      { label: 'current', result },
    ]);
    const [header, first] = parseCsv(text);
    expect(header[0]).toBe('run');
    expect(first[0]).toBe('baseline');
    expect(first[header.indexOf('faults')]).toBe('kill "replica-2", hard');
    expect(first[header.indexOf('foreign_cores')]).toBe('');
    expect(text).toContain('"kill ""replica-2"", hard"');
  });
});
