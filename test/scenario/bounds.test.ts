import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { InvalidInputError, type InputProblem } from '../../src/errors.js';
import { loadScenarioFile, parseScenario } from '../../src/scenario/load-scenario.js';
import { LIMITS } from '../../src/syntax/limits.js';

/** Issue 12: every input that was accepted and then hung, crashed or lost the result is refused before anything starts. */

function problemsOf(text: string): InputProblem[] {
  try {
    parseScenario(text, 'x.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).exitCode).toBe(2);
    return (error as InvalidInputError).problems;
  }
  throw new Error(`accepted:\n${text}`);
}

const messages = (text: string): string[] => problemsOf(text).map((p) => `${p.path}: ${p.message}`);
const HUGE = '1'.repeat(400);

describe('durations are bounded by what timers hold and by a day', () => {
  test.each([
    ['duration: 876000h', 'duration: must be at most `24h` (the longest duration statebench runs), got `876000h` (line 1)'],
    ['warmup: 876000h', 'warmup: must be at most `24h` (the longest duration statebench runs), got `876000h` (line 1)'],
    ['duration: 597h', 'duration: must be at most `24h` (the longest duration statebench runs), got `597h` (line 1)'],
    ['session: {thinkTime: 876000h}', 'session.thinkTime: must be at most `24h` (the longest duration statebench runs), got `876000h` (line 1)'],
    ['load: {timeout: 25h}', 'load.timeout: must be at most `24h` (the longest duration statebench runs), got `25h` (line 1)'],
  ])('%s', (line, expected) => {
    expect(messages(`${line}\n`)).toEqual([expected]);
  });

  test('a 400-digit duration is refused, not written as null', () => {
    expect(messages(`warmup: ${HUGE}s\n`)).toEqual([expect.stringMatching(/^warmup: `1{40}…` \(401 characters\) is too large to be a duration \(line 1\)$/)]);
    expect(messages(`store: {ttl: ${HUGE}s}\n`)[0]).toMatch(/^store.ttl: .* is too large to be a duration/);
  });

  test('a TTL beyond what Memcached reads as a duration', () => {
    expect(messages('store: {ttl: 31d}\n')[0]).toMatch(/^store.ttl: expected a duration/);
    expect(messages('store: {ttl: 745h}\n')).toEqual(['store.ttl: must be at most `720h` (Memcached reads a longer expiry as a date in 1970), got `745h` (line 1)']);
  });

  test('fault intervals and pauses', () => {
    expect(messages('faults:\n  - at: 1s\n    deploy: {interval: 876000h}\n')).toEqual([
      'faults[0].deploy.interval: must be at most `24h` (the longest duration statebench runs), got `876000h` (line 3)',
    ]);
    expect(messages('faults:\n  - at: 1s\n    pause: replica-1\n    for: 25h\n')[0]).toMatch(/^faults\[0\]\.for: must be at most `24h`/);
    expect(messages('architectures: [redis]\nfaults:\n  - at: 1s\n    store-latency: 2m\n')[0]).toMatch(/^faults\[0\]\.store-latency: must be at most `1m` \(a store that far away/);
  });
});

describe('rates, sessions and sizes are bounded by what the generator and memory hold', () => {
  test('rates', () => {
    expect(messages('load: {model: open, rate: 10000000/s}\n')).toEqual([
      'load.rate: must be at most `100000/s` (the most one generator can pace and count; see docs/commands.md "Limits"), got `10000000/s` (line 1)',
    ]);
    expect(messages('load: {model: open, rate: 100/s, rampTo: 50000000/s}\n')[0]).toMatch(/^load.rampTo: must be at most `100000\/s`/);
    expect(messages(`load: {model: open, rate: ${HUGE}/s}\n`)[0]).toMatch(/^load.rate: .* is too large to be a rate/);
    expect(() => parseScenario(`load: {model: open, rate: ${LIMITS.rateRps}/s}\n`, 'x.yaml')).not.toThrow();
  });

  test('sessions, users, backlog', () => {
    expect(messages('load: {model: open, rate: 10/s, sessions: 50000000}\n')).toEqual(['load.sessions: must be at most 100000, got `50000000` (line 1)']);
    expect(messages('load: {users: 10001}\n')[0]).toMatch(/^load.users: must be at most 10000/);
    expect(messages('load: {model: open, rate: 10/s, maxBacklog: 1000000000}\n')[0]).toMatch(/^load.maxBacklog: must be at most 1000000/);
  });

  test('payload and cart size', () => {
    expect(messages('session: {payload: 1GiB}\n')).toEqual(['session.payload: must be at most `512KiB` (replicas refuse request bodies over 1MiB), got `1GiB` (line 1)']);
    expect(messages('session: {payload: 512KiB, adds: 1000}\n')).toEqual([
      'session.payload: 1000 adds of 512KiB make a 500MiB cart per session; at most 64MiB (every request loads and saves it): fewer `adds` or a smaller `payload` (line 1)',
    ]);
  });

  test('replicas, including those a scale adds', () => {
    expect(messages('replicas: 65\n')[0]).toMatch(/^replicas: must be at most 64/);
    expect(messages('replicas: 60\nfaults:\n  - at: 1s\n    scale: +10\n')).toEqual(['faults[0].scale: would make 70 replicas (60 before it): at most 64 run at once (line 4)']);
    expect(messages('faults:\n  - at: 1s\n    scale: +1000000\n')[0]).toMatch(/^faults\[0\]\.scale: must add or remove at most 64 replicas/);
  });
});

describe('names, URLs, tags', () => {
  test('a 300-letter name is refused before the run, not at ENAMETOOLONG after it', () => {
    expect(messages(`name: ${'a'.repeat(300)}\n`)).toEqual(['name: must be at most 100 characters, got the text `aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…` (300 characters) (line 1)']);
  });

  test('a Redis URL is parsed, naming the field', () => {
    expect(messages('architectures: [redis]\nstore: {redisUrl: "redis://::::::not a url"}\n')).toEqual([
      'store.redisUrl: expected a Redis URL such as `redis://127.0.0.1:6379` or `rediss://:password@host:6380/0`, got `redis://::::::not a url`, which is not a URL (line 2)',
    ]);
    expect(messages('architectures: [redis]\nstore: {redisUrl: "http://x"}\n')[0]).toMatch(/^store.redisUrl: expected a `redis:\/\/` or `rediss:\/\/` URL/);
    expect(messages('architectures: [redis]\nstore: {redisUrl: "redis://"}\n')[0]).toMatch(/^store.redisUrl: names no host/);
  });

  test('an unknown YAML tag is refused, not read as plain text', () => {
    expect(messages('duration: !evil 10s\n')).toEqual(['duration: the tag `!evil` is not allowed: a scenario takes plain values (remove the tag) (line 1)'.replace(/^duration/, '')]);
    expect(messages('load: !!binary aGVsbG8=\n')[0]).toMatch(/the tag `tag:yaml.org,2002:binary` is not allowed/);
    // The plain core tags mean what they say.
    expect(parseScenario('duration: !!str 10s\n', 'x.yaml').durationMs).toBe(10_000);
  });

  test('`%YAML 1.1` does not bring back merge keys or `yes` booleans', () => {
    expect(messages('%YAML 1.1\n---\n<<: {duration: 5s}\n')[0]).toMatch(/unknown field `<<`/);
    expect(messages('%YAML 1.1\n---\nstore: {persistence: yes}\n')[0]).toMatch(/^store.persistence: expected `true` or `false`/);
  });
});

describe('files: size and linear-time validation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'statebench-bounds-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a 2.2 MB file of 200,000 keys is refused at once, by its size', async () => {
    const file = join(dir, 'big.yaml');
    writeFileSync(file, Array.from({ length: 200_000 }, (_, i) => `key${i}: 1`).join('\n'));
    const t0 = performance.now();
    const error = (await loadScenarioFile(file).catch((e: unknown) => e)) as InvalidInputError;
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(error.problems).toEqual([{ file: expect.any(String), path: '', message: 'is 2.37MiB: a scenario file is at most 256KiB (the shipped ones are under 2KiB)' }]);
  });

  test('under the size limit, 20,000 keys are refused in linear time (was 22.7 s)', () => {
    const text = Array.from({ length: 20_000 }, (_, i) => `k${i}: 1`).join('\n');
    const t0 = performance.now();
    expect(messages(text)).toEqual([': a mapping of 20000 keys: at most 1000 (line 1)']);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  test('1000 unknown keys: fast, and the first 50 problems shown with a count of the rest', () => {
    const text = Array.from({ length: 1000 }, (_, i) => `k${i}: 1`).join('\n');
    const t0 = performance.now();
    const problems = problemsOf(text);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(problems).toHaveLength(51);
    expect(problems[50].message).toBe('… and 950 more problems');
  });

  test('duplicate keys are still found, with line and column, and deep nesting is refused', () => {
    expect(messages('duration: 5s\nwarmup: 1s\nduration: 6s\n')).toEqual([': invalid YAML at line 3, column 1: Map keys must be unique']);
    expect(messages(`load: ${'['.repeat(40)}${']'.repeat(40)}\n`)[0]).toMatch(/nests deeper than 32 levels/);
  });

  test('not a regular file', async () => {
    const error = (await loadScenarioFile('/dev/zero').catch((e: unknown) => e)) as InvalidInputError;
    expect(error.problems[0].message).toBe('is not a regular file, expected a scenario file');
  });
});

describe('overlapping faults on one replica are refused', () => {
  test('pause + two kills of the same replica + resume within 1 s', () => {
    const text = `faults:
  - at: 1s
    pause: replica-2
  - at: 1200ms
    kill: replica-2
  - at: 1400ms
    kill: replica-2
  - at: 1800ms
    resume: replica-2
`;
    expect(messages(text)).toEqual([
      'faults[2].kill: replica-2 is already killed at 1.4s by faults[1] at 1.2s: add a `restart` before it (line 7)',
      'faults[3].resume: replica-2 is already killed at 1.8s by faults[1] at 1.2s: add a `restart` before it (line 9)',
    ]);
  });

  test('a fault inside a timed pause of the same replica', () => {
    expect(messages('faults:\n  - at: 1s\n    pause: replica-1\n    for: 2s\n  - at: 2s\n    kill: replica-1\n')[0]).toMatch(
      /^faults\[1\]\.kill: replica-1 is still paused by faults\[0\] at 2s \(it resumes by itself at 3s\)/,
    );
  });

  test('what is consistent passes: kill, restart, kill; pause, resume; after a random fault nothing is assumed', () => {
    expect(() => parseScenario('faults:\n  - {at: 1s, kill: replica-2}\n  - {at: 2s, restart: replica-2}\n  - {at: 3s, kill: replica-2}\n', 'x.yaml')).not.toThrow();
    expect(() => parseScenario('faults:\n  - {at: 1s, pause: replica-1, for: 1s}\n  - {at: 2s, kill: replica-1}\n', 'x.yaml')).not.toThrow();
    expect(() => parseScenario('faults:\n  - {at: 1s, kill: random}\n  - {at: 2s, kill: replica-1}\n', 'x.yaml')).not.toThrow();
    expect(() => parseScenario('faults:\n  - {at: 1s, kill: replica-1}\n  - {at: 2s, deploy: {}}\n  - {at: 9s, kill: replica-1}\n', 'x.yaml')).not.toThrow();
  });
});
