import { Command, CommanderError, InvalidArgumentError as CommanderInvalidArgument, Option } from 'commander';
import { EXIT, InvalidInputError, StatebenchError } from './errors.js';
import type { CliIO } from './commands/io.js';
import { statebenchVersion } from './run/environment.js';
import { ARCHITECTURE_NAMES, architecturesHelp } from './architectures/index.js';

const EXAMPLES_RUN = `
Examples:
  $ statebench run                              the default: sticky vs redis vs sqlite vs cookie, one replica killed
  $ statebench run scenarios/ci-smoke.yaml --markdown --junit junit.xml
  $ statebench run kill-one-replica --arch sticky,sqlite --out results/mine.json
  $ statebench run --json > result.json         the result JSON on stdout, nothing else

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

  program
    .command('run')
    .description('run a scenario: every architecture in turn under the same load and faults, then a side-by-side report')
    .argument('[scenario]', 'a scenario file, or the name of a shipped one (scenarios/NAME.yaml)', 'kill-one-replica')
    .option('-o, --out <path>', 'where to write the result JSON (default: results/<time>-<scenario>.json); rewritten after every architecture')
    .option('--force', 'replace the file at --out if it exists (otherwise refused)')
    .option('--json', 'print the result JSON on stdout and nothing else there')
    .option('-q, --quiet', 'no progress output')
    .option('--no-color', 'no colours (NO_COLOR is respected too)')
    .option('--arch <list>', `only these architectures, comma-separated (${ARCHITECTURE_NAMES.join(',')})`)
    .option('--redis-url <url>', 'use this Redis instead of starting redis-server (store faults then refused)')
    .addOption(new Option('--repeat <n>', 'run each architecture n times, keeping every run (for compare\'s noise rule)').argParser(positiveInt))
    .option('--markdown [path]', 'also write a Markdown summary (default: beside the result)')
    .option('--html [path]', 'also write a self-contained HTML report (default: beside the result)')
    .option('--junit <path>', 'also write thresholds as JUnit XML')
    .addOption(new Option('--pairing <mode>', 'sequential: one architecture after another; concurrent: all at once, each with 1/N of the load (default for 2+ architectures without faults)').choices(['sequential', 'concurrent']))
    .addOption(new Option('--balancer <list>', 'what routes requests: router (in-process), haproxy, or router,haproxy to measure the hop'))
    .addOption(new Option('--workers <n>', 'engines generating the load, each in a worker thread (keep 1 on 2 cores)').argParser(positiveInt))
    .option('--strict', 'exit with code 98 when the machine disturbed the run (generator late, foreign CPU, steal)')
    .option('--endpoints', 'add the per-endpoint table (login, add, read, checkout, logout) to the terminal report')
    .addHelpText('after', EXAMPLES_RUN)
    .action(async (scenario: string, options) => {
      const { runCommand } = await import('./commands/run.js');
      exit.code = await runCommand(scenario, options, io);
    });

  program
    .command('capacity')
    .description('find the highest rate each architecture sustains within an SLO, per replica count, and project beyond')
    .argument('[scenario]', 'a scenario file, or the name of a shipped one (scenarios/NAME.yaml)', 'capacity')
    .option('-o, --out <path>', 'where to write the result JSON, every probe included (default: results/<time>-<scenario>.json)')
    .option('--json', 'print the result JSON on stdout and nothing else there')
    .option('-q, --quiet', 'no progress output')
    .option('--no-color', 'no colours (NO_COLOR is respected too)')
    .option('--arch <list>', `only these architectures, comma-separated (${ARCHITECTURE_NAMES.join(',')})`)
    .option('--replicas <list>', 'replica counts to search, comma-separated (default: the scenario\'s `capacity.replicas`, or 1,2,4)')
    .option('--redis-url <url>', 'use this Redis instead of starting redis-server')
    .option('--markdown [path]', 'also write a Markdown summary (default: beside the result)')
    .option('--html [path]', 'also write a self-contained HTML report with the chart (default: beside the result)')
    .addHelpText('after', EXAMPLES_CAPACITY)
    .action(async (scenario: string, options) => {
      const { capacityCommand } = await import('./commands/capacity.js');
      exit.code = await capacityCommand(scenario, options, io);
    });

  program
    .command('validate')
    .description('check scenario files (every problem at once) without starting anything')
    .argument('<files...>', 'scenario files or shipped scenario names')
    .addHelpText('after', '\nExamples:\n  $ statebench validate scenarios/*.yaml\n  $ statebench validate my-experiment.yaml      every problem at once, exit 2 if any')
    .action(async (files: string[]) => {
      const { validateCommand } = await import('./commands/validate.js');
      exit.code = await validateCommand(files, io);
    });

  program
    .command('report')
    .description('print the report of a saved result again, or render it as Markdown or HTML')
    .argument('<result>', 'a result JSON written by `statebench run`')
    .option('--markdown [path]', 'write a Markdown summary (default: beside the result)')
    .option('--html [path]', 'write a self-contained HTML report (default: beside the result)')
    .option('--json', 'print the result JSON')
    .option('--no-color', 'no colours')
    .option('--endpoints', 'add the per-endpoint table (login, add, read, checkout, logout) to the terminal report')
    .addHelpText('after', '\nExample:\n  $ statebench report results/2026-11-27T05-04-23-kill-one-replica.json --html')
    .action(async (file: string, options) => {
      const { reportCommand } = await import('./commands/report.js');
      exit.code = await reportCommand(file, options, io);
    });

  program
    .command('compare')
    .description('compare two result files; exit 99 when a metric regressed beyond tolerance and noise')
    .argument('<baseline>', 'the baseline result JSON')
    .argument('<current>', 'the current result JSON')
    .option('--max-regress <list>', 'tolerances, e.g. p99=10%,throughput=5% (see README for defaults)')
    .option('--markdown [path]', 'write the comparison as Markdown (stdout when no path)')
    .option('--json', 'print the comparison as JSON')
    .option('--no-color', 'no colours')
    .addHelpText(
      'after',
      '\nExamples:\n  $ statebench run ci-smoke --repeat 3 --out ci/baseline.json   a baseline that knows its run-to-run noise\n' +
        '  $ statebench compare ci/baseline.json results/latest.json --max-regress p99=15%\n\n' +
        'Exit codes: 0 no regression (inconclusive metrics included) · 2 invalid input, or two different experiments ·\n' +
        '99 a regression beyond tolerance and noise, coverage lost, or a threshold failed',
    )
    .action(async (baseline: string, current: string, options) => {
      const { compareCommand } = await import('./commands/compare.js');
      exit.code = await compareCommand(baseline, current, options, io);
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
