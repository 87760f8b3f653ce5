import { InvalidInputError } from '../errors.js';
import {
  type ParseOptions,
  STDIN_SOURCE,
  loadScenarioFile,
  parseScenario,
  readScenarioStream,
  resolveBuiltinScenario,
  scenarioFromDefaults,
} from '../scenario/load-scenario.js';
import { overridesFromEnv, type AdHocFlag, type ScenarioOverride } from '../scenario/overrides.js';
import type { Scenario } from '../scenario/types.js';
import type { CliIO } from './io.js';

/** The flags that change a scenario's fields (commander's option names). */
export interface ScenarioFlags {
  duration?: string;
  warmup?: string;
  replicas?: string;
  rate?: string;
  users?: string;
  /** `-c`: autocannon's and wrk's word for closed-model users. */
  connections?: string;
  arch?: string;
  workers?: string;
  balancer?: string;
  pairing?: string;
  /** `--set path=value`, repeatable. */
  set?: string[];
}

/** The flags in the order they apply (a later one wins where two set one field). */
const FLAG_ORDER: { option: keyof ScenarioFlags; flag: AdHocFlag }[] = [
  { option: 'arch', flag: 'arch' },
  { option: 'replicas', flag: 'replicas' },
  { option: 'duration', flag: 'duration' },
  { option: 'warmup', flag: 'warmup' },
  { option: 'rate', flag: 'rate' },
  { option: 'users', flag: 'users' },
  { option: 'connections', flag: 'users' },
  { option: 'workers', flag: 'workers' },
  { option: 'balancer', flag: 'balancer' },
  { option: 'pairing', flag: 'pairing' },
];

/**
 * Flags that only choose among what a scenario holds or how it runs: alone, they leave the
 * default scenario in place. Any other flag without a file starts from the defaults instead
 * (`run -d 5s` is not kill-one-replica cut short before its faults).
 */
const NOT_SHAPING: ReadonlySet<AdHocFlag> = new Set(['arch', 'workers', 'balancer', 'pairing']);

/** What a command runs: the resolved scenario, the file it came from, and how to name it. */
export interface ScenarioSource {
  scenario: Scenario;
  /** The absolute path read; absent for stdin and for the defaults. */
  file?: string;
}

/**
 * The scenario `run` (and `validate`) means: a file or a shipped scenario's name, `-` for
 * standard input, or none; changed by the environment (`STATEBENCH_*`), then `--set`, then the
 * named flags. Without a file, shaping flags start from the defaults, and `fallback` (the shipped
 * scenario a bare command runs) is used otherwise. Everything is validated before anything
 * starts; notices (unknown `STATEBENCH_` variables, thresholds `--arch` left out) go to stderr.
 */
export async function resolveScenarioSource(
  arg: string | undefined,
  flags: ScenarioFlags,
  io: CliIO,
  fallback?: string,
  /** A command's own flags that set fields (`capacity --replicas`): applied last, and never a reason to leave `fallback`. */
  extra: readonly ScenarioOverride[] = [],
  /** Leave out the notices about unknown `STATEBENCH_` variables (`validate` says them once, not per file). */
  quietEnv = false,
  /** `run --sweep`: replaces the scenario's `sweep:`. */
  sweep?: ParseOptions['sweep'],
): Promise<ScenarioSource> {
  const env = overridesFromEnv(io.env);
  if (!quietEnv) for (const notice of env.notices) io.stderr.write(`notice: ${notice}\n`);
  const shaping = [...env.overrides, ...commandLineOverrides(flags)];
  const source = await load(arg, shaping, extra, io, fallback, sweep === undefined ? {} : { sweep });
  const applied = source.scenario.overrides ?? [];
  // Two flags on one field: the later wins (the named flag over --set), which deserves a word.
  applied.forEach((o, i) => {
    const earlier = applied.slice(0, i).filter((e) => e.path === o.path && e.source.startsWith('-') && o.source.startsWith('-') && e.source !== o.source);
    for (const e of earlier) io.stderr.write(`notice: ${e.source} ${o.path}=${JSON.stringify(e.value)} is replaced by ${o.source} (${JSON.stringify(o.value)})\n`);
  });
  for (const o of applied) {
    const key = /^thresholds\["([^"]+)"\]$/.exec(o.path)?.[1];
    if (o.removed && key !== undefined && /(^--|_)arch$/i.test(o.source)) io.stderr.write(`notice: threshold ${key} not checked: ${o.source} leaves out ${key.split('.')[0]}\n`);
  }
  return source;
}

async function load(
  arg: string | undefined,
  flags: ScenarioOverride[],
  extra: readonly ScenarioOverride[],
  io: CliIO,
  fallback: string | undefined,
  parse: Pick<ParseOptions, 'sweep'>,
): Promise<ScenarioSource> {
  const overrides = [...flags, ...extra];
  if (arg === '-') {
    if (io.stdin === undefined) throw new InvalidInputError([{ file: STDIN_SOURCE, path: '', message: 'no standard input to read a scenario from' }]);
    return { scenario: parseScenario(await readScenarioStream(io.stdin), STDIN_SOURCE, { ...parse, overrides, defaultName: 'stdin' }) };
  }
  if (arg !== undefined) return loadScenarioFile(resolveBuiltinScenario(arg), { ...parse, overrides });
  const shaping = flags.some((o) => !('flag' in o) || !NOT_SHAPING.has(o.flag));
  if (shaping || fallback === undefined) {
    io.stderr.write(`notice: no scenario file: the defaults plus ${overrides.map((o) => o.source).filter((s, i, all) => all.indexOf(s) === i).join(', ') || 'nothing'} (\`statebench list\` shows the shipped scenarios)\n`);
    return { scenario: scenarioFromDefaults({ ...parse, overrides }) };
  }
  return loadScenarioFile(resolveBuiltinScenario(fallback), { ...parse, overrides });
}

/** `--set` assignments first, then the named flags; `--rate` with `--users` is refused (two load models). */
function commandLineOverrides(flags: ScenarioFlags): ScenarioOverride[] {
  const models = (['rate', 'users', 'connections'] as const).filter((k) => flags[k] !== undefined);
  if (models.length > 1) {
    throw new InvalidInputError([
      {
        file: `--${models[0]}`,
        path: '',
        message: `and --${models[1]} ask for two load models: --rate is an open load (arrivals per second), --users (-u, -c) a closed one (a fixed number of users); give one`,
      },
    ]);
  }
  return [
    ...(flags.set ?? []).map((set) => ({ source: '--set', set })),
    ...FLAG_ORDER.filter(({ option }) => flags[option] !== undefined).map(({ option, flag }) => ({ source: `--${option}`, flag, value: String(flags[option]) })),
  ];
}
