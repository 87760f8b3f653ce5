import { cpus } from 'node:os';
import { EXIT } from '../errors.js';
import { loadScenarioFile, resolveBuiltinScenario } from '../scenario/load-scenario.js';
import type { Scenario } from '../scenario/types.js';
import { ARCHITECTURES } from '../architectures/index.js';
import { prepareScenario } from '../run/run-scenario.js';
import { ResultFile } from '../run/result-file.js';
import { renderTerminalReport } from '../report/terminal-table.js';
import { formatRate, plural } from '../report/format.js';
import { wrapWords } from '../report/wrap-lines.js';
import { DEFAULT_STORY_YAML, defaultStoryScenario } from '../demo/default-story.js';
import { buildStory } from '../demo/story.js';
import { demoLineup, type DemoLineup } from '../demo/demo-lineup.js';
import { DemoShow, type DemoSink } from '../demo/demo-show.js';
import { runDemoOnStageThread } from '../demo/demo-thread.js';
import { plainNarration } from '../demo/plain-narration.js';
import { concludeDemo } from '../demo/conclusions.js';
import type { LiveView } from '../demo/live-view.js';
import type { RunResult } from '../result/types.js';
import { useColor, type CliIO } from './io.js';

export interface DemoCommandOptions {
  /** A scenario file (or shipped scenario name) to tell instead of the built-in story. */
  script?: string;
  pace?: 'normal' | 'slow';
  color?: boolean;
  redisUrl?: string;
  /** Also save the result JSON here (for `statebench report --html`). */
  out?: string;
  /** Print the built-in story and exit: the starting point for a custom `--script`. */
  printScript?: boolean;
}

/**
 * `statebench demo`: tells a story live, full screen on a terminal and as plain narrated lines
 * elsewhere, then prints the comparison table and three sentences of conclusion. Returns the
 * exit code (130 after Ctrl-C, 1 when an architecture failed, 99 when a threshold failed).
 */
export async function demoCommand(options: DemoCommandOptions, io: CliIO, stdin: NodeJS.ReadStream = process.stdin): Promise<number> {
  if (options.printScript) {
    io.stdout.write(DEFAULT_STORY_YAML);
    return EXIT.ok;
  }
  const file = options.script ? resolveBuiltinScenario(options.script) : undefined;
  const scenario = file ? (await loadScenarioFile(file)).scenario : defaultStoryScenario();
  const redisUrl = options.redisUrl ?? scenario.store.redisUrl;
  const store = { ...scenario.store, ...(redisUrl === undefined ? {} : { redisUrl }) };
  const lineup = demoLineup(scenario, { unavailable: (a) => ARCHITECTURES.get(a)?.store?.unavailable(store) });
  // Checked like `statebench run` checks, before the screen opens: a fault that cannot apply is exit 2.
  prepareScenario({ ...scenario, architectures: lineup.architectures }, { redisUrl, scenarioFile: file });
  const story = buildStory(scenario);
  const color = useColor(io, 'stdout', options.color);
  // `--out` is checked and claimed before the show, as `run` does: never found unwritable after it.
  const resultFile = options.out === undefined ? undefined : await ResultFile.reserve({ requested: options.out, scenarioName: scenario.name, startedAt: new Date().toISOString() });
  try {
    return await tell(options, io, stdin, { scenario, story, lineup, redisUrl, color, resultFile });
  } finally {
    await resultFile?.release();
  }
}

async function tell(
  options: DemoCommandOptions,
  io: CliIO,
  stdin: NodeJS.ReadStream,
  { scenario, story, lineup, redisUrl, color, resultFile }: { scenario: Scenario; story: ReturnType<typeof buildStory>; lineup: DemoLineup; redisUrl: string | undefined; color: boolean; resultFile: ResultFile | undefined },
): Promise<number> {

  const live = Boolean(io.stdout.isTTY) && !inCi(io.env);
  const paced = options.pace === 'slow' && live && Boolean(stdin.isTTY);
  if (options.pace === 'slow' && !paced) io.stderr.write('notice: --pace slow needs a terminal to read keys from: the story runs at normal pace\n');

  let view: LiveView | undefined;
  const sink: DemoSink = live ? { changed: (state) => view?.changed(state) } : plainNarration(io.stdout);
  const show = new DemoShow(story, lineup.architectures, sharingLine(lineup, scenario), paced, sink);
  // Said before the live view opens, so its first frame already shows the opening.
  show.begin();
  if (live) {
    // Loaded only for a terminal: React and ink are the heaviest modules statebench has.
    const { openLiveView } = await import('../demo/live-view.js');
    view = openLiveView(show.state, {
      stdout: io.stdout as NodeJS.WriteStream,
      stdin,
      color,
      // Raw mode swallows the terminal's SIGINT: send it, so Ctrl-C means what it means everywhere
      // (the first stops the demo gracefully, a second one at once).
      onInterrupt: () => process.kill(process.pid, 'SIGINT'),
    });
  }

  let result: RunResult;
  try {
    result = await runDemoOnStageThread({
      story,
      lineup,
      redisUrl,
      signal: io.signal,
      listener: show,
      waitForPresenter: paced
        ? async () => {
            await view!.waitForKey();
            show.released();
          }
        : undefined,
    });
    // The last frame: the result condensed to fit the screen, until a key (or a while) has
    // passed; the full report follows on the terminal given back. Not after a Ctrl-C: the room
    // asked to stop.
    if (view !== undefined && !io.signal.aborted) await lastFrame(show, view, result, { paced, keys: Boolean(stdin.isTTY), signal: io.signal });
  } finally {
    view?.close();
  }

  const outcome = await resultFile?.finish(result);
  const width = io.stdout.columns ?? 80;
  io.stdout.write(renderTerminalReport(result, { color, width }));
  io.stdout.write('\nWhat the numbers say\n');
  for (const sentence of concludeDemo(result)) io.stdout.write(`${wrapWords(sentence, width, '  ', '    ').join('\n')}\n`);
  if (outcome?.saved === 'asked') io.stdout.write(`\nresult: ${outcome.path}\n`);
  if (outcome !== undefined && outcome.saved !== 'asked') {
    io.stderr.write(`statebench: could not write the result to ${outcome.asked} (${outcome.error})${outcome.saved === 'fallback' ? `; it is in ${outcome.path} instead` : ''}\n`);
    return EXIT.outputNotWritten;
  }

  if (io.signal.aborted) return EXIT.interrupted;
  if (result.architectures.some((a) => a.error !== undefined)) return EXIT.runFailed;
  if (result.thresholds.some((t) => !t.passed)) return EXIT.thresholdsFailed;
  return EXIT.ok;
}

/** How long the last frame stays without a key press: the presenter's keyboard, or nobody's. */
const LAST_FRAME_MS = { keys: 60_000, noKeys: 10_000 };

/**
 * Shows the last frame and waits: under `--pace slow` for the presenter's key (the story is over
 * when they say so), otherwise for a key or {@link LAST_FRAME_MS}, whichever comes first.
 */
async function lastFrame(show: DemoShow, view: LiveView, result: RunResult, opts: { paced: boolean; keys: boolean; signal: AbortSignal }): Promise<void> {
  const waitMs = opts.paced ? undefined : opts.keys ? LAST_FRAME_MS.keys : LAST_FRAME_MS.noKeys;
  const after = waitMs === undefined ? '' : ` (or in ${Math.round(waitMs / 1000)} s)`;
  const dismiss = opts.keys ? `any key: exit, and the full report follows${after}` : `the full report follows in ${Math.round((waitMs ?? 0) / 1000)} s`;
  show.finish({ result, conclusions: concludeDemo(result), dismiss });
  let timer: NodeJS.Timeout | undefined;
  const waits: Promise<unknown>[] = [new Promise((r) => opts.signal.addEventListener('abort', r, { once: true }))];
  if (opts.keys) waits.push(view.waitForKey());
  if (waitMs !== undefined) waits.push(new Promise((r) => (timer = setTimeout(r, waitMs))));
  await Promise.race(waits);
  clearTimeout(timer);
}

/** How the architectures share the machine, said on screen because it shapes every figure. */
function sharingLine(lineup: DemoLineup, scenario: Scenario): string {
  const share = lineup.load.model === 'closed' ? plural(lineup.load.users, 'user') : `${formatRate(lineup.load.rateRps)} req/s`;
  if (lineup.architectures.length < 2) return `${lineup.architectures[0]} alone, with ${share}`;
  const total = scenario.load.model === 'closed' ? plural(scenario.load.users, 'user') : `${formatRate(scenario.load.rateRps)} req/s`;
  return `${lineup.architectures.join(' and ')} run at once, sharing ${plural(cpus().length, 'core')}: ${share} each, of ${total}`;
}

/** The same test ink applies: in CI it draws only the last frame, so the live view would stay blank. */
function inCi(env: NodeJS.ProcessEnv): boolean {
  return ['CI', 'CONTINUOUS_INTEGRATION'].some((k) => env[k] !== undefined && env[k] !== '0' && env[k] !== 'false');
}
