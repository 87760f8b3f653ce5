import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAS_REDIS } from '../helpers/redis.js';

const MAIN = path.resolve('dist/src/main.js');
const SHORT_STORY = path.resolve('test/demo/fixtures/short-story.yaml');

describe('statebench demo without a terminal', () => {
  it('narrates in plain lines, then prints the table and three sentences', async () => {
    const child = spawn(process.execPath, [MAIN, 'demo', '--script', SHORT_STORY], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, stderr).toBe(0);

    const stateless = HAS_REDIS ? 'redis' : 'sqlite';
    // No escape codes at all: a CI log shows exactly these lines.
    expect(stdout).not.toContain('\x1b');
    expect(stdout).toMatch(/^\[ {2}0 s\] A short story for tests\./m);
    expect(stdout).toMatch(new RegExp(`^\\[ {2}0 s\\] sticky and ${stateless} run at once, sharing \\d+ cores: 100 users each, of 200 users$`, 'm'));
    expect(stdout).toMatch(/^\[ {2}\d s\] in \d s replica-2 will be killed$/m);
    expect(stdout).toMatch(/^\[ {2}4 s\] act 2: replica-2 is killed$/m);
    const toll = new RegExp(`\\] \\d s after replica-2 was killed: sticky: (\\d+) users? (?:was|were) logged out; ${stateless}: (\\d+)$`, 'm').exec(stdout);
    expect(toll, stdout).not.toBeNull();
    expect(Number(toll![1])).toBeGreaterThan(0);
    expect(Number(toll![2])).toBe(0);
    expect(stdout).toMatch(/so far the store added .+ to every \w+ request \(median round trip\); sticky pays nothing/);
    expect(stdout).toMatch(/sticky [\d,]+ req\/s, p99 .+, \d+ lost \(replica-2 killed\)/);

    const summary = stdout.slice(stdout.indexOf('statebench · short-story'));
    expect(summary).toContain('lost sessions');
    const sentences = summary.slice(summary.indexOf('What the numbers say')).split('\n').filter((l) => /^ {2}\S/.test(l));
    expect(sentences).toHaveLength(3);
    expect(sentences[0]).toMatch(new RegExp(`^ {2}When replica-2 was killed at 4\\.\\d\\d s, sticky logged out \\d+ users?`));
  }, 60_000);
});
