import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { haproxyConfig, haproxyConfigProblems, serverKeywords, type HaproxyConfigOptions } from '../../src/balancer/haproxy-config.js';
import { parseHaproxyVersion } from '../../src/balancer/haproxy-version.js';
import { HAS_HAPROXY } from './has-haproxy.js';

const servers = [
  { name: 'replica-1', host: '127.0.0.1', port: 40001 },
  { name: 'replica-2', host: '127.0.0.1', port: 40002 },
  { name: 'slot-1', host: '127.0.0.1', port: 1, state: 'maint' as const },
];
const base: HaproxyConfigOptions = { port: 40100, servers, mode: 'sticky', socketPath: '/tmp/statebench-haproxy-test/admin.sock' };

const variants: Record<string, HaproxyConfigOptions> = {
  'sticky, stick table (default)': base,
  'sticky, cookie': { ...base, stickiness: 'cookie' },
  'round robin, user health and timeouts': {
    ...base,
    mode: 'round-robin',
    health: { intervalMs: 2000, rise: 3, fall: 3, errorLimit: 0 },
    timeouts: { serverMs: 5000 },
    maxconn: 1000,
    threads: 2,
    retries: 3,
  },
};

describe('haproxy config', () => {
  for (const [label, options] of Object.entries(variants)) {
    it(`writes the expected text: ${label}`, () => {
      expect(haproxyConfig(options)).toMatchSnapshot();
    });
  }

  it('binds 127.0.0.1 only, health checks /healthz, redispatches and reuses server connections', () => {
    const text = haproxyConfig(base);
    expect(text.match(/^\s*bind .*$/gm)).toEqual(['  bind 127.0.0.1:40100']);
    expect(text).toContain('option httpchk GET /healthz');
    expect(text).toContain('option redispatch 1');
    expect(text).toContain('http-reuse safe');
    expect(text).toContain('stats socket /tmp/statebench-haproxy-test/admin.sock mode 600 level admin');
    expect(haproxyConfig({ ...base, mode: 'round-robin' })).not.toMatch(/stick|cookie/);
  });

  it('a server added at run time gets the same keywords as a configured one', () => {
    expect(serverKeywords(base, { name: 'replica-9' }).join(' ')).toBe(
      'check inter 1000ms rise 2 fall 3 observe layer4 error-limit 1 on-error mark-down',
    );
    expect(serverKeywords({ ...base, stickiness: 'cookie' }, { name: 'replica-9' }).slice(-2)).toEqual(['cookie', 'replica-9']);
  });

  it('reports every bad setting at once', () => {
    const bad: HaproxyConfigOptions = {
      port: 0,
      mode: 'sticky',
      servers: [
        { name: 'a b', host: 'localhost', port: 70000 },
        { name: 'x', host: '127.0.0.1', port: 1 },
        { name: 'x', host: '127.0.0.1', port: 2 },
      ],
      health: { intervalMs: 0, fall: 1.5 },
      socketPath: `/tmp/${'x'.repeat(120)}`,
    };
    const paths = haproxyConfigProblems(bad).map((p) => p.path);
    expect(paths).toEqual([
      'port',
      'servers[0].name',
      'servers[0].host',
      'servers[0].port',
      'servers[2].name',
      'health.intervalMs',
      'health.fall',
      'socketPath',
    ]);
    expect(() => haproxyConfig(bad)).toThrow(InvalidInputError);
  });

  it('parses haproxy -v and knows which versions add servers at run time', () => {
    const v = parseHaproxyVersion('HAProxy version 2.6.12-1+deb12u4 2026/10/17 - https://haproxy.org/');
    expect(v).toEqual({ text: '2.6.12-1+deb12u4', major: 2, minor: 6, dynamicServers: true, dynamicServerPrefix: '' });
    expect(parseHaproxyVersion('HA-Proxy version 2.4.22 2023/02/14')?.dynamicServerPrefix).toBe('experimental-mode on; ');
    expect(parseHaproxyVersion('HA-Proxy version 2.2.9 2021/02/06')?.dynamicServers).toBe(false);
    expect(parseHaproxyVersion('HAProxy version 3.0.5')?.dynamicServers).toBe(true);
    expect(parseHaproxyVersion('nothing')).toBeUndefined();
  });

  describe.skipIf(!HAS_HAPROXY)('haproxy -c accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'statebench-haproxy-config-test-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    for (const [label, options] of Object.entries(variants)) {
      it(label, () => {
        const file = join(dir, 'haproxy.cfg');
        writeFileSync(file, haproxyConfig({ ...options, socketPath: join(dir, 'admin.sock') }));
        const r = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8' });
        expect(`${r.stdout}${r.stderr}`).toContain('Configuration file is valid');
        // Warnings would mean HAProxy reads the file differently from what its comments say.
        expect(r.stderr).not.toContain('[WARNING]');
        expect(r.status).toBe(0);
      });
    }
  });
});
