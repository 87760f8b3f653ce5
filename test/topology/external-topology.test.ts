import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ARCHITECTURES } from '../../src/architectures/index.js';
import { startFaultTimeline } from '../../src/faults/timeline.js';
import { ExternalTopologyError, discoverReplicas, startExternalTopology } from '../../src/topology/external-topology.js';
import type { ExternalTargets } from '../../src/topology/external-spec.js';
import { fillCommand, shellWord } from '../../src/topology/shell-command.js';
import { startTopology } from '../../src/topology/topology.js';
import type { Topology } from '../../src/topology/types.js';
import type { FaultSpec } from '../../src/scenario/types.js';
import { isAlive, waitFor } from '../helpers/processes.js';

const sticky = ARCHITECTURES.get('sticky')!;
const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** Replicas statebench starts, then looked at from outside as an external topology would. */
async function ownReplicas(n: number): Promise<Topology> {
  const own = await startTopology({ architecture: 'sticky', replicas: n });
  stops.push(() => own.stop());
  return own;
}

function targets(own: Topology, commands: Record<string, string>, extra: Partial<ExternalTargets> = {}): ExternalTargets {
  return { replicas: own.replicas.map((r) => ({ url: r.url, pid: r.pid })), commands, commandTimeoutMs: 5000, ...extra };
}

describe('shell commands', () => {
  it('fill placeholders as single shell words, so a replica name cannot add a command', () => {
    expect(fillCommand('kubectl delete pod {replica}', { replica: 'shop-7d9f-x2' })).toBe('kubectl delete pod shop-7d9f-x2');
    expect(fillCommand('docker kill {replica}', { replica: "x; rm -rf ~ #'" })).toBe(`docker kill 'x; rm -rf ~ #'\\'''`);
    expect(shellWord('$(reboot)')).toBe("'$(reboot)'");
    expect(() => fillCommand('kill -9 {pid}', {})).toThrow(/needs \{pid\}/);
  });
});

describe('an external topology', () => {
  it('finds each replica by the name it answers /healthz with', async () => {
    const own = await ownReplicas(2);
    const found = await discoverReplicas(own.replicas.map((r) => ({ url: r.url })));
    expect(found.map((r) => [r.name, r.url])).toEqual(own.replicas.map((r) => [r.name, r.url]));
  });

  it('refuses a URL where nothing answers, naming the entry', async () => {
    const own = await ownReplicas(1);
    const dead = await new Promise<string>((resolve) => {
      const s = http.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(`http://127.0.0.1:${port}`));
      });
    });
    const error = await discoverReplicas([{ url: own.replicas[0].url }, { url: dead }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExternalTopologyError);
    expect((error as ExternalTopologyError).problems).toEqual([{ path: 'replicas[1]', message: `${dead}: nothing answers /healthz (ECONNREFUSED)` }]);
  });

  it('kills a replica with the scenario command, and stamps the command on the fault event', async () => {
    const own = await ownReplicas(2);
    const victim = { name: own.replicas[1].name, pid: own.replicas[1].pid! };
    const external = await startExternalTopology({ architecture: sticky, targets: targets(own, { kill: 'kill -9 {pid} && echo killed {replica}' }), allowExec: true });
    stops.push(() => external.stop());
    expect(external.processes().get(victim.name)).toBe(victim.pid);
    const timeline = startFaultTimeline(external, [{ atMs: 0, kind: 'kill', target: victim.name }] as FaultSpec[], performance.now());
    await waitFor(() => timeline.events.length === 1, 10_000);
    await timeline.stop();
    const [event] = timeline.events;
    expect(event).toMatchObject({ kind: 'kill', target: victim.name, ok: true });
    expect(event.commands).toEqual([{ command: `kill -9 ${victim.pid} && echo killed ${victim.name}`, exitCode: 0, tookMs: expect.any(Number), output: `killed ${victim.name}` }]);
    expect(await waitFor(() => !isAlive(victim.pid), 5000)).toBe(true);
    expect(external.replicas.find((r) => r.name === victim.name)?.state).toBe('killed');
  });

  it('records a failing or hanging command as a failed fault, with its exit code and output', async () => {
    const own = await ownReplicas(1);
    const external = await startExternalTopology({
      architecture: sticky,
      targets: targets(own, { pause: 'echo no such pod {replica} >&2; exit 3', kill: 'sleep 30' }, { commandTimeoutMs: 300 }),
      allowExec: true,
    });
    stops.push(() => external.stop());
    const name = own.replicas[0].name;
    const timeline = startFaultTimeline(external, [{ atMs: 0, kind: 'pause', target: name }, { atMs: 0, kind: 'kill', target: 'random' }] as FaultSpec[], performance.now());
    await waitFor(() => timeline.events.length === 2, 10_000);
    await timeline.stop();
    const pause = timeline.events.find((e) => e.kind === 'pause')!;
    expect(pause.ok).toBe(false);
    expect(pause.error).toBe(`\`echo no such pod ${name} >&2; exit 3\` exited 3: no such pod ${name}`);
    expect(pause.commands?.[0]).toMatchObject({ exitCode: 3, output: `no such pod ${name}` });
    const kill = timeline.events.find((e) => e.kind === 'kill')!;
    expect(kill.ok).toBe(false);
    expect(kill.error).toContain('did not finish within 300 ms');
    expect(kill.commands?.[0]).toMatchObject({ command: 'sleep 30', exitCode: null, timedOut: true });
    expect(isAlive(own.replicas[0].pid!)).toBe(true);
  });

  it('runs no command without --allow-exec', async () => {
    const own = await ownReplicas(1);
    const external = await startExternalTopology({ architecture: sticky, targets: targets(own, { kill: 'kill -9 {pid}' }), allowExec: false });
    stops.push(() => external.stop());
    await expect(external.kill()).rejects.toThrow(/--allow-exec/);
    expect(isAlive(own.replicas[0].pid!)).toBe(true);
  });

  it('expands a host name into one replica per address, and follows it as addresses come and go', async () => {
    // Two "pods" on one port at two loopback addresses, behind a name a fake DNS resolves.
    const pods: http.Server[] = [];
    const pod = (address: string, name: string, port: number) =>
      new Promise<number>((resolve) => {
        const s = http.createServer((_req, res) => res.writeHead(200, { 'x-replica': name }).end('ok'));
        pods.push(s);
        s.listen(port, address, () => resolve((s.address() as { port: number }).port));
      });
    stops.push(() => Promise.all(pods.map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => undefined));
    const port = await pod('127.0.0.2', 'shop-a', 0);
    await pod('127.0.0.3', 'shop-b', port);
    let addresses = ['127.0.0.2', '127.0.0.3'];
    const lookup = async (host: string) => (host === 'shop.test' ? addresses : [host]);
    const external = await startExternalTopology({ architecture: sticky, targets: { replicas: [{ url: `http://shop.test:${port}` }], commands: {}, commandTimeoutMs: 1000 }, allowExec: false, lookup, refreshMs: 50 });
    stops.push(() => external.stop());
    expect(external.replicas.map((r) => [r.name, r.url])).toEqual([
      ['shop-a', `http://127.0.0.2:${port}`],
      ['shop-b', `http://127.0.0.3:${port}`],
    ]);
    const events: string[] = [];
    external.on('replica-added', (r) => events.push(`+${r.name}`));
    external.on('replica-removed', (r) => events.push(`-${r.name}`));
    await pod('127.0.0.4', 'shop-c', port);
    addresses = ['127.0.0.3', '127.0.0.4'];
    expect(await waitFor(() => events.length === 2, 5000)).toBe(true);
    expect(events.sort()).toEqual(['+shop-c', '-shop-a']);
    expect(external.replicas.map((r) => r.name)).toEqual(['shop-b', 'shop-c']);
  });
});
