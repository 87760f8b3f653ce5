import pc from 'picocolors';
import type { TimelineSecond } from '../result/types.js';
import type { RunListener } from '../run/run-scenario.js';
import type { Scenario } from '../scenario/types.js';
import { formatLatencyUs } from '../report/format.js';

/** In CI logs: one line every this many seconds, never a flood. */
const PLAIN_EVERY_S = 5;

/**
 * Progress on stderr (stdout stays clean for `--json`). On a terminal, one live line per
 * architecture rewritten each second; elsewhere, a plain line every few seconds. It listens to
 * the recorder's once-a-second events and never sits in the request loop.
 */
export function progressListener(
  stderr: NodeJS.WritableStream,
  opts: { tty: boolean; color: boolean },
): RunListener {
  const c = opts.color ? pc : pc.createColors(false);
  let scenario: Scenario | undefined;
  let totals = { completed: 0, errors: 0, lost: 0 };
  let current = '';
  let lineOpen = false;

  const endLine = (): void => {
    if (lineOpen) stderr.write('\n');
    lineOpen = false;
  };
  const line = (arch: string, s: TimelineSecond): string => {
    const total = scenario ? Math.round(scenario.durationMs / 1000) : 0;
    const errs = Object.values(s.errors).reduce((a, b) => a + (b ?? 0), 0);
    return [
      c.bold(arch.padEnd(7)),
      `${String(s.second + 1).padStart(3)}s/${total}s`,
      `${String(s.completed).padStart(6)} req/s`,
      `p99 ${formatLatencyUs(s.p99Us).padStart(8)}`,
      `errors ${totals.errors > 0 ? c.red(String(totals.errors)) : '0'}${errs > 0 ? ` (+${errs})` : ''}`,
      `lost ${totals.lost > 0 ? c.yellow(String(totals.lost)) : '0'}`,
    ].join('  ');
  };

  return {
    notice(message) {
      endLine();
      stderr.write(`${c.yellow('notice')} ${message}\n`);
    },
    architecture(arch, repetition, phase, sc) {
      scenario = sc;
      if (phase === 'starting') {
        endLine();
        totals = { completed: 0, errors: 0, lost: 0 };
        current = arch;
        const rep = repetition > 1 ? ` (run ${repetition})` : '';
        stderr.write(`${c.dim('▶')} ${arch}${rep}: starting ${sc.replicas} replicas${opts.tty ? '' : '\n'}`);
        lineOpen = opts.tty;
      } else if (!opts.tty) {
        stderr.write(`  ${arch}: warm-up ${sc.warmupMs} ms, then ${Math.round(sc.durationMs / 1000)} s measured\n`);
      }
    },
    second(arch, s) {
      // Seconds of the grace period are recorded but are not part of the window's story.
      if (arch !== current || (scenario && s.second * 1000 >= scenario.durationMs)) return;
      totals.completed += s.completed;
      totals.errors += Object.values(s.errors).reduce((a, b) => a + (b ?? 0), 0);
      totals.lost += s.sessionsLost;
      if (opts.tty) {
        stderr.write(`\r\x1b[2K  ${line(arch, s)}`);
        lineOpen = true;
      } else if ((s.second + 1) % PLAIN_EVERY_S === 0) {
        stderr.write(`  ${line(arch, s)}\n`);
      }
    },
    fault(arch, label) {
      endLine();
      stderr.write(`  ${c.magenta('⚡')} ${arch}: ${label}\n`);
    },
    architectureDone(r) {
      endLine();
      const verdict = r.complete ? c.green('done') : c.red(`incomplete${r.error ? `: ${r.error}` : ''}`);
      stderr.write(
        `${c.dim('■')} ${r.architecture}: ${verdict} — ${Math.round(r.throughputRps)} req/s, p99 ${formatLatencyUs(r.latencyUs.p99)}, ` +
          `${r.requests.failed} errors, ${r.sessions.lost} sessions lost\n`,
      );
    },
  };
}
