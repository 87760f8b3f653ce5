import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { ARCHITECTURES } from '../architectures/index.js';
import { InvalidInputError, type InputProblem } from '../errors.js';
import { FAULTS } from '../faults/index.js';
import { parseScenario } from '../scenario/load-scenario.js';
import type { Scenario } from '../scenario/types.js';
import { REPLICA_ENV } from '../../targets/replica-config.js';
import { SECRET_ENV, STORE_URL_ENV } from '../../targets/protocol.js';

/** Options of {@link kubernetesManifests}. */
export interface KubernetesOptions {
  /** Generator pods, each running `run --shard i/n` (an Indexed Job of this many completions). */
  shards: number;
  /** The shop's image (the Dockerfile's default target). */
  image: string;
  /** statebench's own image, with kubectl (the Dockerfile's `generator` target). */
  generatorImage: string;
  /** Use this Redis instead of deploying one (its URL goes into a Secret, never into the scenario). */
  redisUrl?: string;
  /** `run --start-at` for every shard. */
  startAt?: string;
  /** Put every object in this namespace (default: kubectl's). */
  namespace?: string;
}

/** A Kubernetes object as printed. */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } } & Record<string, unknown>;

const PORT = 8080;
const PREFIX = 'statebench';
const REDIS = `${PREFIX}-redis`;
const SECRET = `${PREFIX}-store`;
const RESULTS = `${PREFIX}-results`;
const ACCOUNT = `${PREFIX}-generator`;
/** How long a fault command may take in a cluster: a pod deletion waits for its kubelet. */
const COMMAND_TIMEOUT = '60s';
/** The generator's heap flags, as in the bin and npm scripts. */
const NODE = ['node', '--max-semi-space-size=4', '--max-old-space-size=512', 'dist/src/main.js'];

/** The fault commands in a cluster, by key: a pod deleted at once is a crash; a Deployment makes a new one. */
const KUBECTL: Record<string, string> = {
  kill: 'kubectl delete pod {replica} --grace-period=0 --force',
  'store-kill': `kubectl delete pod -l app.kubernetes.io/name=${REDIS} --grace-period=0 --force`,
  'store-restart': `kubectl rollout status deployment/${REDIS} --timeout=60s`,
};

const shopName = (architecture: string): string => `${PREFIX}-shop-${architecture}`;
const labels = (name: string, component: string): Record<string, string> => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': PREFIX, 'app.kubernetes.io/component': component });

/**
 * Everything one experiment needs in a cluster, in apply order: the Secret with the store's
 * address and keys, a Redis (unless `redisUrl`), per architecture the shop's Deployment and a
 * headless Service (its name resolves to every ready pod, so the generators route to pods
 * themselves, sticky sessions included), the scenario as a ConfigMap with its external topology
 * and kubectl fault commands filled in, what the generators may do (delete pods, watch rollouts),
 * a volume for results, an Indexed Job of `shards` generators (`run --shard i/n`), and a Job that
 * merges their results once all are written.
 *
 * `data` is the scenario file as parsed YAML; `scenario` the same, validated. Throws
 * InvalidInputError (exit 2) for what has no Kubernetes form here: an SQLite file shared by
 * pods, stores without a manifest, faults without a kubectl command, replicas named rather than
 * `random` (pods have generated names), a scenario that already has a topology.
 */
export function kubernetesManifests(scenario: Scenario, data: Record<string, unknown>, file: string, opts: KubernetesOptions): Manifest[] {
  checkKubernetes(scenario, file, opts);
  const password = randomBytes(18).toString('base64url');
  const cookieSecret = randomBytes(32).toString('base64url');
  const usesRedis = scenario.architectures.some((a) => ARCHITECTURES.get(a)!.store?.name === 'redis');
  const ns = opts.namespace === undefined ? {} : { namespace: opts.namespace };
  const meta = (name: string, component: string) => ({ name, ...ns, labels: labels(name, component) });

  const manifests: Manifest[] = [];
  manifests.push({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(SECRET, 'store'),
    type: 'Opaque',
    stringData: {
      'redis-password': password,
      'redis-url': opts.redisUrl ?? `redis://:${password}@${REDIS}:6379`,
      'cookie-secret': cookieSecret,
    },
  });
  if (usesRedis && opts.redisUrl === undefined) manifests.push(...redisManifests(meta));
  for (const name of scenario.architectures) manifests.push(...shopManifests(name, scenario, meta, opts));
  manifests.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(`${PREFIX}-scenario`, 'generator'), data: { 'scenario.yaml': clusterScenario(scenario, data, opts) } });
  manifests.push(...generatorAccess(meta));
  manifests.push({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: meta(RESULTS, 'generator'),
    // Every generator pod writes here, on whichever node it runs: ReadWriteMany (NFS, CephFS,
    // EFS…). On a one-node cluster ReadWriteOnce does.
    spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } } },
  });
  manifests.push(generatorJob(scenario, meta, opts), mergeJob(meta, opts));
  return manifests;
}

/** The manifests as one YAML stream, each document after `---`. */
export function renderManifests(manifests: readonly Manifest[], header: string): string {
  return `${header}${manifests.map((m) => `---\n${stringify(m, { lineWidth: 0 })}`).join('')}`;
}

function checkKubernetes(scenario: Scenario, file: string, opts: KubernetesOptions): void {
  const problems: InputProblem[] = [];
  const say = (path: string, message: string): void => {
    problems.push({ file, path, message });
  };
  if (scenario.topology !== undefined) say('topology', '`statebench k8s` writes the external topology itself (the pods it deploys): remove `topology`');
  scenario.architectures.forEach((name, i) => {
    const store = ARCHITECTURES.get(name)!.store;
    if (store === undefined || store.name === 'redis') return;
    say(
      `architectures[${i}]`,
      store.name === 'sqlite'
        ? `\`${name}\` keeps sessions in an SQLite file, which pods on several nodes cannot share`
        : `\`${name}\` needs ${store.title}, which \`statebench k8s\` has no manifest for yet: deploy it yourself and write \`topology.external\``,
    );
  });
  scenario.faults.forEach((spec, i) => {
    const fault = FAULTS.get(spec.kind)!;
    const keys = fault.commands?.(spec as never);
    const missing = keys === undefined ? [spec.kind] : keys.filter((k) => KUBECTL[k] === undefined);
    if (missing.length > 0) {
      say(`faults[${i}].${spec.kind}`, `has no kubectl form here (${missing.map((k) => `\`${k}\``).join(', ')}): in a cluster statebench kills pods (\`kill\`), and the store (\`store-kill\`, \`store-restart\`); a Deployment replaces a killed pod by itself`);
      return;
    }
    const target = (spec as { target?: unknown }).target;
    if (fault.targetsReplica && typeof target === 'string' && target !== 'random') say(`faults[${i}].${spec.kind}`, `names \`${target}\`, but pods have generated names: use \`random\``);
  });
  if (scenario.store.latencyMs > 0 || scenario.store.jitterMs > 0 || scenario.store.replicas !== undefined || scenario.store.sentinels !== undefined || scenario.store.redisUrl !== undefined) {
    say('store', 'only `store.ttl` carries over to a cluster (store latency, replication and `redisUrl` configure stores statebench starts): use `--redis-url` for your own Redis');
  }
  if (scenario.hosts !== undefined) say('hosts', 'CPU budgets are the pods\' `resources` in a cluster: remove `hosts`');
  if ((scenario.balancers ?? []).some((b) => b !== 'router')) say('balancer', 'the generators route to pods themselves in a cluster: remove `balancer`');
  const users = scenario.load.model === 'closed' ? scenario.load.users : scenario.load.sessions;
  if (opts.shards > users) say('--shards', `${opts.shards} shards of ${users} ${scenario.load.model === 'closed' ? 'users' : 'sessions'}: some shard would generate nothing`);
  if (problems.length > 0) throw new InvalidInputError(problems);
}

function redisManifests(meta: (name: string, component: string) => Manifest['metadata']): Manifest[] {
  const selector = { 'app.kubernetes.io/name': REDIS };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(REDIS, 'store'),
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: meta(REDIS, 'store').labels },
          spec: {
            containers: [
              {
                name: 'redis',
                image: 'redis:7',
                // Kubernetes fills $(REDIS_PASSWORD) in from the Secret; no persistence, as statebench's own Redis.
                args: ['--requirepass', '$(REDIS_PASSWORD)', '--save', '', '--appendonly', 'no'],
                env: [{ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: SECRET, key: 'redis-password' } } }],
                ports: [{ name: 'redis', containerPort: 6379 }],
                readinessProbe: { tcpSocket: { port: 6379 }, periodSeconds: 1 },
              },
            ],
          },
        },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: meta(REDIS, 'store'), spec: { selector, ports: [{ name: 'redis', port: 6379, targetPort: 6379 }] } },
  ];
}

function shopManifests(architecture: string, scenario: Scenario, meta: (name: string, component: string) => Manifest['metadata'], opts: KubernetesOptions): Manifest[] {
  const a = ARCHITECTURES.get(architecture)!;
  const name = shopName(architecture);
  const selector = { 'app.kubernetes.io/name': name };
  const secretEnv = (env: string, key: string) => ({ name: env, valueFrom: { secretKeyRef: { name: SECRET, key } } });
  const env: Record<string, unknown>[] = [
    { name: REPLICA_ENV.store, value: a.targetStore },
    { name: REPLICA_ENV.port, value: String(PORT) },
    { name: REPLICA_ENV.sessionTtl, value: String(scenario.store.sessionTtlS) },
  ];
  // The pod's name is the replica's name (X-Replica): what `kubectl delete pod {replica}` takes.
  env.push({ name: REPLICA_ENV.name, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
  if (a.store?.name === 'redis') env.push(secretEnv(STORE_URL_ENV, 'redis-url'));
  if (a.store === undefined && a.targetStore !== 'memory') env.push(secretEnv(SECRET_ENV, 'cookie-secret'));
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(name, 'shop'),
      spec: {
        replicas: scenario.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: meta(name, 'shop').labels },
          spec: {
            securityContext: { runAsNonRoot: true },
            // A deleted pod is gone at once, as a crash: no grace period for its sessions.
            terminationGracePeriodSeconds: 5,
            containers: [
              {
                name: 'shop',
                image: opts.image,
                env,
                ports: [{ name: 'http', containerPort: PORT }],
                readinessProbe: { httpGet: { path: '/healthz', port: PORT }, periodSeconds: 1, failureThreshold: 1 },
                resources: { requests: { cpu: '250m', memory: '128Mi' } },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(name, 'shop'),
      // Headless: the name resolves to every ready pod, and statebench routes to each itself.
      spec: { clusterIP: 'None', selector, ports: [{ name: 'http', port: PORT, targetPort: PORT }] },
    },
  ];
}

/** The scenario file as the generators read it: the user's, with the cluster's external topology. */
function clusterScenario(scenario: Scenario, data: Record<string, unknown>, opts: KubernetesOptions): string {
  const { replicas: _replicas, store, ...rest } = data;
  const external: Record<string, unknown> = {};
  for (const name of scenario.architectures) {
    const a = ARCHITECTURES.get(name)!;
    const commands: Record<string, string> = {};
    for (const spec of scenario.faults) {
      if (FAULTS.get(spec.kind)!.storeAction !== undefined && a.store === undefined) continue;
      for (const key of FAULTS.get(spec.kind)!.commands!(spec as never)) commands[key] = KUBECTL[key];
    }
    external[name] = {
      replicas: `http://${shopName(name)}:${PORT}`,
      ...(a.store === undefined ? {} : { store: { kind: a.store.name, url: opts.redisUrl === undefined ? `redis://${REDIS}:6379` : opts.redisUrl.replace(/\/\/[^@/]*@/, '//') } }),
      ...(Object.keys(commands).length === 0 ? {} : { commands }),
      commandTimeout: COMMAND_TIMEOUT,
    };
  }
  const text = stringify({ ...rest, topology: { external } }, { lineWidth: 0 });
  // What the generators will read must validate: a mistake here is statebench's, found now.
  parseScenario(text, 'scenario.yaml');
  void store;
  return text;
}

function generatorAccess(meta: (name: string, component: string) => Manifest['metadata']): Manifest[] {
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(ACCOUNT, 'generator') },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(ACCOUNT, 'generator'),
      // The fault commands: delete pods (`kill`, `store-kill`), watch the store come back (`store-restart`).
      rules: [
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'delete'] },
        { apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(ACCOUNT, 'generator'),
      subjects: [{ kind: 'ServiceAccount', name: ACCOUNT, ...(meta(ACCOUNT, '').namespace === undefined ? {} : { namespace: meta(ACCOUNT, '').namespace }) }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: ACCOUNT },
    },
  ];
}

const volumes = [
  { name: 'scenario', configMap: { name: `${PREFIX}-scenario` } },
  { name: 'results', persistentVolumeClaim: { claimName: RESULTS } },
];
const mounts = [
  { name: 'scenario', mountPath: '/scenario', readOnly: true },
  { name: 'results', mountPath: '/results' },
];

function generatorJob(scenario: Scenario, meta: (name: string, component: string) => Manifest['metadata'], opts: KubernetesOptions): Manifest {
  const n = opts.shards;
  // JOB_COMPLETION_INDEX counts from 0; statebench's slices from 1. A `.done` file once the
  // result is final (the result file exists from the start, rewritten as the run goes).
  const slice = '$((JOB_COMPLETION_INDEX + 1))';
  const run = [
    ...NODE,
    'run',
    '/scenario/scenario.yaml',
    '--shard',
    `"${slice}/${n}"`,
    '--allow-exec',
    ...(opts.startAt === undefined ? [] : ['--start-at', opts.startAt]),
    '--out',
    `"/results/shard-${slice}.json"`,
    '--force',
    '--no-color',
  ].join(' ');
  const waitForShops = scenario.architectures.map((a) => `http://${shopName(a)}:${PORT}/healthz`);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta(`${PREFIX}-generators`, 'generator'),
    spec: {
      completionMode: 'Indexed',
      completions: n,
      parallelism: n,
      backoffLimit: 0,
      template: {
        metadata: { labels: meta(`${PREFIX}-generators`, 'generator').labels },
        spec: {
          serviceAccountName: ACCOUNT,
          restartPolicy: 'Never',
          securityContext: { runAsNonRoot: true },
          initContainers: [
            {
              name: 'wait-for-shops',
              image: opts.generatorImage,
              command: ['node', '-e', waitScript(waitForShops)],
            },
          ],
          containers: [
            {
              name: 'statebench',
              image: opts.generatorImage,
              command: ['sh', '-c', `${run}; code=$?; touch "/results/shard-${slice}.done"; exit $code`],
              env: [{ name: SECRET_ENV, valueFrom: { secretKeyRef: { name: SECRET, key: 'redis-password' } } }],
              volumeMounts: mounts,
              resources: { requests: { cpu: '1', memory: '512Mi' } },
            },
          ],
          volumes,
        },
      },
    },
  };
}

function mergeJob(meta: (name: string, component: string) => Manifest['metadata'], opts: KubernetesOptions): Manifest {
  const n = opts.shards;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta(`${PREFIX}-merge`, 'merge'),
    spec: {
      backoffLimit: 0,
      // Shards that never finish leave nothing to merge: give up after a day.
      activeDeadlineSeconds: 86_400,
      template: {
        metadata: { labels: meta(`${PREFIX}-merge`, 'merge').labels },
        spec: {
          restartPolicy: 'Never',
          securityContext: { runAsNonRoot: true },
          initContainers: [
            {
              name: 'wait-for-shards',
              image: opts.generatorImage,
              command: ['sh', '-c', `until [ "$(ls /results/shard-*.done 2>/dev/null | wc -l)" -ge ${n} ]; do sleep 5; done`],
              volumeMounts: mounts,
            },
          ],
          containers: [
            {
              name: 'merge',
              image: opts.generatorImage,
              // The merged result on stdout too: `kubectl logs job/statebench-merge > merged.json`.
              command: ['sh', '-c', `${NODE.join(' ')} merge /results/shard-*.json --out /results/merged.json --force --json`],
              volumeMounts: mounts,
            },
          ],
          volumes,
        },
      },
    },
  };
}

/** A Node one-liner polling each URL until it answers 200 (at most 10 minutes). */
function waitScript(urls: readonly string[]): string {
  return [
    `const urls = ${JSON.stringify(urls)};`,
    'const deadline = Date.now() + 600000;',
    'const ok = (u) => fetch(u).then((r) => r.ok, () => false);',
    '(async () => { for (const u of urls) { while (!(await ok(u))) { if (Date.now() > deadline) { console.error(`${u}: no answer`); process.exit(1); } await new Promise((r) => setTimeout(r, 1000)); } } })();',
  ].join(' ');
}
