import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { cli } from '../helpers/cli.js';

/**
 * `statebench k8s` prints YAML that Kubernetes' own OpenAPI schemas accept (kubernetes-models
 * validates offline), shaped as the experiment needs: the shop per architecture behind a
 * headless Service, a Redis, an Indexed Job of n generators each running its slice, a merge.
 */

// Each kind's model: `validate()` checks an object against the Kubernetes OpenAPI schema.
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  Deployment,
  Job,
  Role,
  RoleBinding,
  ConfigMap,
  PersistentVolumeClaim,
  Secret,
  Service,
  ServiceAccount,
};

type Doc = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [key: string]: any };
let docs: Doc[];
let stdout: string;
const dir = mkdtempSync(path.join(tmpdir(), 'statebench-k8s-'));

beforeAll(async () => {
  const run = await cli(['k8s', 'cluster-kill-pod', '--shards', '3', '--namespace', 'bench', '--start-at', new Date(Date.now() + 3_600_000).toISOString()]);
  expect(run.code, run.stderr).toBe(0);
  stdout = run.stdout;
  const parsed = parseAllDocuments(stdout);
  for (const d of parsed) expect(d.errors).toEqual([]);
  docs = parsed.map((d) => d.toJS() as Doc).filter((d) => d !== null);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const find = (kind: string, name: string): Doc => {
  const doc = docs.find((d) => d.kind === kind && d.metadata.name === name);
  expect(doc, `${kind}/${name}`).toBeDefined();
  return doc!;
};

describe('statebench k8s', () => {
  it('prints objects the Kubernetes schemas accept, all in the namespace asked for', () => {
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'Secret/statebench-store',
      'Deployment/statebench-redis',
      'Service/statebench-redis',
      'Deployment/statebench-shop-sticky',
      'Service/statebench-shop-sticky',
      'Deployment/statebench-shop-redis',
      'Service/statebench-shop-redis',
      'ConfigMap/statebench-scenario',
      'ServiceAccount/statebench-generator',
      'Role/statebench-generator',
      'RoleBinding/statebench-generator',
      'PersistentVolumeClaim/statebench-results',
      'Job/statebench-generators',
      'Job/statebench-merge',
    ]);
    for (const doc of docs) {
      expect(doc.metadata.namespace).toBe('bench');
      const Model = MODELS[doc.kind];
      expect(Model, doc.kind).toBeDefined();
      expect(() => new Model(doc as never).validate(), `${doc.kind}/${doc.metadata.name}`).not.toThrow();
    }
  });

  it('runs n generators as an Indexed Job, each its own slice, begun together, then a merge', () => {
    const job = find('Job', 'statebench-generators');
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 3, parallelism: 3 });
    const pod = job.spec.template.spec;
    expect(pod.serviceAccountName).toBe('statebench-generator');
    const command = pod.containers[0].command.join(' ');
    expect(command).toContain('--shard "$((JOB_COMPLETION_INDEX + 1))/3"');
    expect(command).toContain('--allow-exec');
    expect(command).toMatch(/--start-at \d{4}-\d\d-\d\dT/);
    expect(command).toContain('--out "/results/shard-$((JOB_COMPLETION_INDEX + 1)).json"');
    expect(pod.volumes.map((v: { name: string }) => v.name)).toEqual(['scenario', 'results']);
    const merge = find('Job', 'statebench-merge').spec.template.spec;
    expect(merge.initContainers[0].command.join(' ')).toContain('-ge 3');
    expect(merge.containers[0].command.join(' ')).toContain('merge /results/shard-*.json --out /results/merged.json');
  });

  it('deploys the shop headless, named by pod, its store by Secret; the generators may delete pods', () => {
    const service = find('Service', 'statebench-shop-redis');
    expect(service.spec.clusterIP).toBe('None');
    const shop = find('Deployment', 'statebench-shop-redis').spec;
    expect(shop.replicas).toBe(3);
    const env = Object.fromEntries(shop.template.spec.containers[0].env.map((e: { name: string; value?: string; valueFrom?: unknown }) => [e.name, e.value ?? e.valueFrom]));
    expect(env.STATEBENCH_STORE).toBe('redis');
    expect(env.STATEBENCH_REPLICA_NAME).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
    expect(env.STATEBENCH_STORE_URL).toEqual({ secretKeyRef: { name: 'statebench-store', key: 'redis-url' } });
    expect(shop.template.spec.containers[0].readinessProbe.httpGet.path).toBe('/healthz');
    const rules = find('Role', 'statebench-generator').rules;
    expect(rules).toContainEqual({ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'delete'] });
    expect(stdout).not.toMatch(/redis:\/\/:[^@\s]+@statebench-redis:6379[^\n]*\n[^\n]*kind: ConfigMap/);
  });

  it('hands the generators a valid scenario whose external topology kills pods with kubectl', () => {
    const text = find('ConfigMap', 'statebench-scenario').data['scenario.yaml'] as string;
    const scenario = parseScenario(text, 'scenario.yaml');
    expect(scenario.topology?.external.redis).toMatchObject({
      replicas: [{ url: 'http://statebench-shop-redis:8080' }],
      store: { kind: 'redis', url: 'redis://statebench-redis:6379' },
      commands: { kill: 'kubectl delete pod {replica} --grace-period=0 --force' },
    });
    expect(text).not.toContain('redis-password');
  });

  it('refuses what has no cluster form, naming each field, exit 2', async () => {
    const run = await cli(['k8s', 'kill-one-replica']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('architectures[4]: `sqlite` keeps sessions in an SQLite file, which pods on several nodes cannot share');
    expect(run.stderr).toContain('architectures[3]: `postgres` needs PostgreSQL, which `statebench k8s` has no manifest for yet');
    expect(run.stderr).toContain('faults[0].kill: names `replica-2`, but pods have generated names: use `random`');
    expect(run.stderr).toContain('faults[1].restart: has no kubectl form here');
    const file = path.join(dir, 'few.yaml');
    writeFileSync(file, 'architectures: [redis]\nload: { users: 2 }\n');
    const few = await cli(['k8s', file, '--shards', '3']);
    expect(few.code).toBe(2);
    expect(few.stderr).toContain('--shards: 3 shards of 2 users');
  });
});
