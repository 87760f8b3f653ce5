import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../../src/result/types.js';

/** Absolute path of a result fixture (see test/fixtures/results/generate.mjs). */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/results/${name}.json`, import.meta.url));
}

/** A fresh copy of a result fixture, safe to mutate in a test. */
export function loadFixture(name: string): RunResult {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8')) as RunResult;
}
