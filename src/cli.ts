import { Command, CommanderError, InvalidArgumentError as CommanderInvalidArgument, Option } from 'commander';
import { EXIT, InvalidInputError, StatebenchError } from './errors.js';
import type { CliIO } from './commands/io.js';
import { statebenchVersion } from './run/environment.js';
import { ARCHITECTURE_NAMES, architecturesHelp } from './architectures/index.js';

const EXAMPLES_RUN = `
Examples:
  $ statebench run                              the default: sticky vs the stores, one replica killed
  $ statebench run --arch sticky,redis -d 5s -r 1000/s     no file: the defaults plus the flags
  $ statebench run kill-one-replica --arch sticky,sqlite --set load.rate=500/s
  $ statebench run scenarios/ci-smoke.yaml --markdown summary.md --junit junit.xml
  $ statebench run - < my.yaml --json > result.json        a scenario on stdin, the result JSON on stdout
  $ STATEBENCH_DURATION=10s statebench run two-tabs          any flag above as STATEBENCH_<FLAG>; STATEBENCH_SET="a=1;b=2"
  $ statebench run session-size                            a sweep: every architecture at each session size
  $ statebench run ci-smoke --sweep store.latency=0ms,0.5ms,2ms

Scenario fields change in this order, a later one winning: the file (or the defaults), STATEBENCH_SET,
STATEBENCH_<FLAG>, --set, the flags. Outputs: a path writes a file; no path (or -) writes stdout,
which then holds that output alone.

Exit codes: 0 ok · 1 run failed or did not measure · 2 invalid input · 3 result or report not written where asked
(path on stderr) · 99 thresholds failed · 130/143/129 interrupted by SIGINT/SIGTERM/SIGHUP`;

const EXAMPLES_DEMO = `
Examples:
  $ statebench demo                              about a minute: a replica is killed, restarted, another frozen
  $ statebench demo --pace slow                  a key press before each act, to explain what comes
  $ statebench demo --print-script > story.yaml  then edit it and: statebench demo --script story.yaml

Uses redis when redis-server is installed, sqlite otherwise. Full screen on a terminal
(at least 80x24), plain narrated lines when piped or in CI.`;

const EXAMPLES_CAPACITY = `
Examples:
  $ statebench capacity                          sticky, redis and cookie at 1, 2 and 4 replicas of 0.2 core each
  $ statebench capacity --arch redis --replicas 1,2,4,8 --html
  $ statebench report results/<time>-capacity.json --markdown   rebuild the reports from the saved probes

Each probe is a few seconds of open load at one rate; a search takes minutes per architecture.
CPU budgets (\`hosts:\`) need root or a delegated cgroup v2 cpu controller.`;

/** A repeatable option's values, in the order given. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The output flags `run`, `report`, `compare` share: a path writes a file, none (or `-`) stdout. */
function outputOptions(command: Command, what: { json: string; junit: string; csv: string }): Command {
  return command
    .option('--json', `${what.json} on stdout, and nothing else there`)
    .option('--markdown [path]', 'a Markdown summary, to PATH or stdout')
    .option('--html [path]', 'a self-contained HTML report, to PATH or stdout')
    .option('--junit <path>', `${what.junit} as JUnit XML, to PATH (- for stdout)`)
    .option('--csv <path>', `${what.csv} as CSV, to PATH (- for stdout)`);
}

/** The flags that change a scenario's fields, for `run`. */
function scenarioOptions(command: Command): Command {
  return command
    .option('-d, --duration <time>', 'measured window per architecture, e.g. 10s (sets `duration`)')
    .option('-r, --rate <rate>', 'an open load at this arrival rate, e.g. 1000/s (sets `load.model: open`, `load.rate`)')
    .option('-u, --users <n>', 'a closed load of n users, each sending when its last answer came (k6 VUs; sets `load.model: closed`, `load.users`)')
    .addOption(new Option('-c, --connections <n>', 'the same as --users (autocannon and wrk say -c)').hideHelp())
    .option('--replicas <n>', 'application replicas per architecture (sets `replicas`)')
    .option('--warmup <time>', 'load before measuring, e.g. 2s (sets `warmup`)')
    .option('--arch <list>', `only these architectures, comma-separated (${ARCHITECTURE_NAMES.join(',')}); the file is validated for these alone`)
    .option('--set <path=value>', 'any scenario field, validated as in the file, e.g. --set store.latency=1ms; repeatable', (value: string, previous: string[] = []) => [...previous, value])
    .option('--workers <n>', 'engines generating the load, each in a worker thread (keep 1 on 2 cores; sets `load.workers`)')
    .option('--balancer <list>', 'what routes requests: router (in-process), haproxy, or router,haproxy to measure the hop (sets `balancer`)')
    .addOption(new Option('--pairing <mode>', 'sequential (the default): one architecture after another; concurrent: all at once, each with 1/N of the load (sets `pairing`)').choices(['sequential', 'concurrent']));
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CommanderInvalidArgument('expected a whole number of 1 or more');
  return n;
}

/**
 * Builds the commander program. Commands are imported lazily so `--help` stays instant, and
 * each returns its exit code through `exit` rather than calling process.exit (tests run the
 * program in-process).
 */
export function buildProgram(io: CliIO, exit: { code: number }): Command {
  const program = new Command('statebench')
    .description('Measure what it costs, and what it buys, to move session state out of application servers.')
    .version(statebenchVersion())
    .option('--verbose', 'print stack traces of setup errors')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  const run = program
    .command('run')
    .description('run a scenario: every architecture under the same load and faults, then a side-by-side report')
    .argument('[scenario]', 'a scenario file, a shipped scenario\'s name (statebench list), or - for stdin; none: kill-one-replica, or the defaults when flags change fields');
  scenarioOptions(run)
    .option('-o, --out <path>', 'where to write the result JSON (default: results/<time>-<scenario>.json); rewritten after every architecture')
    .option('--force', 'replace the file at --out if it exists (otherwise refused)')
    .option('-q, --quiet', 'no progress output')
    .option('--no-color', 'no colours (NO_COLOR is respected too)')
    .option('--redis-url <url>', 'use this Redis instead of starting redis-server (store faults then refused)')
    .addOption(new Option('--repeat <n>', 'run each architecture n times, keeping every run (for compare\'s noise rule)').argParser(positiveInt))
    .option('--strict', 'exit with code 98 when the machine disturbed the run (generator late, foreign CPU, steal)')
    .option('--shard <i/n>', 'generate slice i of n of the load (against `topology.external`); `statebench merge` adds the slices up')
    .option('--start-at <time>', 'begin the load at this ISO time (e.g. 2026-05-01T12:00:00Z), so shards on several machines begin together')
    .option('--allow-exec', 'let an external topology run the shell commands its scenario gives for faults (refused without it)')
    .option('--endpoints', 'add the per-endpoint table (login, add, read, checkout, logout) to the terminal report')
    .option('--sweep <field=values>', 'run every architecture at each value, e.g. session.payload=64B,512B,2KiB (twice for a grid); replaces the file\'s sweep:', collect, []);
  outputOptions(run, { json: 'the result JSON', junit: 'thresholds', csv: 'the per-second timeline' })
    .addHelpText('after', EXAMPLES_RUN)
    .action(async (scenario: string | undefined, options) => {
      const { runCommand } = await import('./commands/run.js');
      exit.code = await runCommand(scenario, options, io);
    });

  program
    .command('capacity')
    .description('find the highest rate each architecture sustains within an SLO, per replica count, and project beyond')
    .argument('[scenario]', 'a scenario file, a shipped scenario\'s name, or - for stdin (default: capacity)')
    .option('-o, --out <path>', 'where to write the result JSON, every probe included (default: results/<time>-<scenario>.json)')
    .option('--force', 'replace the file at --out if it exists (otherwise refused)')
    .option('--json', 'the result JSON on stdout, and nothing else there')
    .option('-q, --quiet', 'no progress output')
    .option('--no-color', 'no colours (NO_COLOR is respected too)')
    .option('--arch <list>', `only these architectures, comma-separated (${ARCHITECTURE_NAMES.join(',')})`)
    .option('--replicas <list>', 'replica counts to search, comma-separated (default: the scenario\'s `capacity.replicas`, or 1,2,4)')
    .option('--redis-url <url>', 'use this Redis instead of starting redis-server')
    .option('--markdown [path]', 'a Markdown summary, to PATH or stdout')
    .option('--html [path]', 'a self-contained HTML report with the chart, to PATH or stdout')
    .addHelpText('after', EXAMPLES_CAPACITY)
    .action(async (scenario: string, options) => {
      const { capacityCommand } = await import('./commands/capacity.js');
      exit.code = await capacityCommand(scenario, options, io);
    });

  program
    .command('validate')
    .description('check scenario files (every problem at once) without starting anything')
    .argument('<files...>', 'scenario files, shipped scenario names, or - for stdin')
    .option('--arch <list>', 'validate for these architectures alone, as `run --arch` would run them')
    .addHelpText(
      'after',
      '\nExamples:\n  $ statebench validate scenarios/*.yaml\n  $ statebench validate my-experiment.yaml      every problem at once, exit 2 if any\n  $ statebench validate - < my-experiment.yaml\n\nSTATEBENCH_* variables apply as they would to `run`.',
    )
    .action(async (files: string[], options) => {
      const { validateCommand } = await import('./commands/validate.js');
      exit.code = await validateCommand(files, io, options);
    });

  program
    .command('list')
    .description('the shipped scenarios, one line each')
    .option('--json', 'as JSON: name, file, description, architectures, duration')
    .action(async (options) => {
      const { listCommand } = await import('./commands/list.js');
      exit.code = await listCommand(options, io);
    });

  const report = program
    .command('report')
    .description('rebuild the reports of a saved result (a run or a capacity search) without running anything')
    .argument('<result>', 'a result JSON written by `statebench run` (a run, a sweep) or `statebench capacity`')
    .option('--point <point>', 'a sweep\'s point, as a run report: its number (1-based), value (`512B`) or label (`session.payload=512B`)')
    .option('--endpoints', 'add the per-endpoint table to the terminal report')
    .option('--no-color', 'no colours');
  outputOptions(report, { json: 'the result JSON', junit: 'thresholds', csv: 'the per-second timeline' })
    .addHelpText(
      'after',
      '\nExamples:\n  $ statebench report results/2026-11-27T05-04-23-kill-one-replica.json\n' +
        '  $ statebench report results/latest.json --html report.html --csv timeline.csv\n' +
        '  $ statebench report results/latest.json --markdown >> "$GITHUB_STEP_SUMMARY"\n\n' +
        'The terminal table when no output is asked for; otherwise exactly the outputs asked for.',
    )
    .action(async (file: string, options) => {
      const { reportCommand } = await import('./commands/report.js');
      exit.code = await reportCommand(file, options, io);
    });

  const compare = program
    .command('compare')
    .description('compare two result files; exit 99 when a metric regressed beyond tolerance and noise')
    .argument('<baseline>', 'the baseline result JSON')
    .argument('<current>', 'the current result JSON')
    .option('--max-regress <list>', 'tolerances, e.g. p99=10%,throughput=5% (defaults: docs/ci.md)')
    .option('--no-color', 'no colours');
  outputOptions(compare, { json: 'the comparison as JSON', junit: 'each metric\'s verdict (a regression fails)', csv: 'both runs\' per-second timelines' })
    .addHelpText(
      'after',
      '\nExamples:\n  $ statebench run ci-smoke --repeat 3 --out ci/baseline.json   a baseline that knows its run-to-run noise\n' +
        '  $ statebench compare ci/baseline.json results/latest.json --max-regress p99=15%\n' +
        '  $ statebench compare ci/baseline.json current.json --markdown compare.md --junit compare.xml\n\n' +
        'Exit codes: 0 no regression (inconclusive metrics included) · 2 invalid input, or two different experiments ·\n' +
        '3 an output could not be written · 99 a regression beyond tolerance and noise, coverage lost, or a threshold failed',
    )
    .action(async (baseline: string, current: string, options) => {
      const { compareCommand } = await import('./commands/compare.js');
      exit.code = await compareCommand(baseline, current, options, io);
    });

  program
    .command('merge')
    .description('add up the shard results of one experiment (run --shard i/n on several generators) exactly: histograms added, counts summed, timelines aligned on wall-clock time')
    .argument('<results...>', 'the shard result JSON files, every slice of the load once')
    .option('-o, --out <path>', 'where to write the merged result (default: results/<time>-<scenario>-merged.json)')
    .option('--force', 'replace the file at --out if it exists (otherwise refused)')
    .option('--json', 'print the merged result JSON on stdout and nothing else there')
    .option('--no-color', 'no colours')
    .addHelpText(
      'after',
      '\nExamples:\n  $ statebench merge shard-1.json shard-2.json --out merged.json\n  $ statebench report merged.json --html\n\n' +
        'Exit codes: 0 merged · 2 unreadable files, or files that are not every slice of one experiment (the reasons on stderr) · 3 not written where asked',
    )
    .action(async (files: string[], options) => {
      const { mergeCommand } = await import('./commands/merge.js');
      exit.code = await mergeCommand(files, options, io);
    });

  program
    .command('k8s')
    .description('print the Kubernetes manifests of one experiment: the shop, a Redis, an Indexed Job of generators (run --shard) and a merge')
    .argument('[scenario]', 'a scenario file, or the name of a shipped one (scenarios/NAME.yaml)', 'cluster-kill-pod')
    .addOption(new Option('--shards <n>', 'generator pods, each running one slice of the load').argParser(positiveInt).default(2))
    .option('--image <name>', "the shop's image (the Dockerfile's default target)", 'statebench')
    .option('--generator-image <name>', "statebench's image with kubectl (the Dockerfile's `generator` target)", 'statebench-generator')
    .option('--redis-url <url>', 'use this Redis instead of deploying one (kept in a Secret)')
    .option('--start-at <time>', 'every generator begins its load at this ISO time')
    .option('--namespace <name>', 'put every object in this namespace')
    .addHelpText('after', '\nExample:\n  $ statebench k8s cluster-kill-pod --shards 3 --start-at $(date -u -d "+3 min" +%FT%TZ) | kubectl apply -f -')
    .action(async (scenario: string, options) => {
      const { k8sCommand } = await import('./commands/k8s.js');
      exit.code = await k8sCommand(scenario, options, io);
    });

  program
    .command('demo')
    .description('a narrated live experiment for a room: sticky and a stateless architecture side by side while servers fail')
    .option('--script <file>', 'tell this scenario file (or shipped scenario) instead of the built-in story')
    .addOption(new Option('--pace <pace>', '`slow`: wait for a key press before each act').choices(['normal', 'slow']).default('normal'))
    .option('--redis-url <url>', 'use this Redis instead of starting redis-server')
    .option('-o, --out <path>', 'also save the result JSON (for `statebench report --html`)')
    .option('--print-script', 'print the built-in story, a starting point for --script, and exit')
    .option('--no-color', 'no colours (NO_COLOR is respected too)')
    .addHelpText('after', EXAMPLES_DEMO)
    .action(async (options) => {
      const { demoCommand } = await import('./commands/demo.js');
      exit.code = await demoCommand(options, io);
    });

  const targets = program.command('targets').description('start and poke the application replicas by hand');
  targets
    .command('up')
    .description('start a topology, print its URLs, and keep it up until Ctrl-C')
    .addOption(new Option('--arch <name>', 'architecture').choices(ARCHITECTURE_NAMES).default('sticky'))
    .addOption(new Option('--replicas <n>', 'number of replicas').argParser(positiveInt).default(3))
    .option('--redis-url <url>', 'use this Redis instead of starting one')
    .addOption(new Option('--balancer <kind>', 'haproxy: a real HAProxy in front, one URL for any tool').choices(['router', 'haproxy']).default('router'))
    .addHelpText('after', `\nExamples:\n  $ statebench targets up --arch redis --replicas 3\n  $ statebench targets up --arch sticky --balancer haproxy\n\n${architecturesHelp()}`)
    .action(async (options) => {
      const { targetsUp } = await import('./commands/targets.js');
      await targetsUp({ arch: options.arch, replicas: options.replicas, redisUrl: options.redisUrl, balancer: options.balancer }, io.stdout, io.signal);
      exit.code = 0;
    });

  return program;
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const exit = { code: 0 };
  const program = buildProgram(io, exit);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exit.code;
  } catch (err) {
    return reportError(err, io, argv.includes('--verbose'));
  }
}

function reportError(err: unknown, io: CliIO, verbose: boolean): number {
  if (err instanceof CommanderError) {
    // Help and version are "errors" only to commander's control flow.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    return EXIT.invalidInput;
  }
  if (err instanceof InvalidInputError) {
    io.stderr.write(`statebench: invalid input (${err.problems.length} problem${err.problems.length === 1 ? '' : 's'})\n`);
    for (const p of err.problems) io.stderr.write(`  ${p.file}${p.path ? ` › ${p.path}` : ''}: ${p.message}\n`);
    if (err.problems.length === 0) io.stderr.write(`  ${err.message}\n`);
  } else if (err instanceof StatebenchError) {
    io.stderr.write(`statebench: ${err.message} [${err.code}]\n`);
  } else {
    io.stderr.write(`statebench: unexpected error: ${(err as Error)?.message ?? String(err)}\n`);
  }
  if (verbose && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  else if (!(err instanceof InvalidInputError)) io.stderr.write('  (run with --verbose for the stack trace)\n');
  return err instanceof StatebenchError ? err.exitCode : EXIT.runFailed;
}
