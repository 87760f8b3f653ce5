import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { FAULTS } from '../../src/faults/index.js';
import { scenarioJsonSchemaText } from '../../src/scenario/schema.js';

const committed = fileURLToPath(new URL('../../schema/scenario.schema.json', import.meta.url));

test('schema/scenario.schema.json is what the zod schema generates (run src/scenario/write-json-schema.ts)', () => {
  expect(readFileSync(committed, 'utf8')).toBe(scenarioJsonSchemaText());
});

test('the JSON Schema is strict and describes every fault kind', () => {
  const schema = JSON.parse(scenarioJsonSchemaText());
  expect(schema.additionalProperties).toBe(false);
  expect(schema.properties.load.additionalProperties).toBe(false);
  const kinds = schema.properties.faults.items.oneOf.map((k: { title: string }) => k.title);
  expect(kinds).toEqual([...FAULTS.keys()]);
  for (const kind of schema.properties.faults.items.oneOf) expect(kind.required).toEqual(expect.arrayContaining(['at', kind.title]));
});

test('unit patterns in the JSON Schema accept what the parsers accept', () => {
  const schema = JSON.parse(scenarioJsonSchemaText());
  const duration = new RegExp(schema.properties.duration.pattern);
  for (const ok of ['30s', '500ms', '1m30s', '0.5ms', '2h']) expect(duration.test(ok)).toBe(true);
  for (const bad of ['30', '30S', 'soon']) expect(duration.test(bad)).toBe(false);
  const rate = new RegExp(schema.properties.load.properties.rate.pattern);
  expect(['2000/s', '120/m'].every((r) => rate.test(r))).toBe(true);
  expect(rate.test('2000')).toBe(false);
  const keys = new RegExp(schema.properties.thresholds.propertyNames.pattern);
  expect(['p99', 'sticky.sessions-lost', 'redis.error-rate'].every((k) => keys.test(k))).toBe(true);
  expect(keys.test('p98')).toBe(false);
});
