import pc from 'picocolors';
import type { WindowSoFar } from '../metrics/recorder.js';
import type { TimelineSecond } from '../result/types.js';
import type { RunListener } from '../run/run-scenario.js';
import type { Scenario } from '../scenario/types.js';
import { formatCount, formatDurationMs, formatLatencyUs, formatRate, plural } from '../report/format.js';

/** In CI logs: one line every this many seconds, never a flood. */
const PLAIN_EVERY_S = 5;

/**
 * Column widths of a progress line. Two groups, under a two-row header printed once per
 * architecture: the last second alone (what moves), and the measured window so far (what the
 * result will say). An unlabelled p99 of the last second read as the run's figure: during a
 * run the lines said 9.85–26.5 ms while the result said 425 ms.
 */
const W = { time: 9, rate: 8, p99: 9, errors: 8, lost: 7 };
const LAST_GROUP = W.rate + 1 + W.p99;
const SO_FAR_GROUP = W.p99 + 1 + W.errors + 1 + W.lost;

type Paint = (s: string) => string;

/**
 * Progress on stderr (stdout stays clean for `--json`). On a terminal, one live line per
 * architecture rewritten each second under its header; elsewhere, a plain line every few
 * seconds. It listens to the recorder's once-a-second events and never sits in the request loop.
 */
export function progressListener(
  stderr: NodeJS.WritableStream,
  opts: { tty: boolean; color: boolean },
): RunListener {
  const c = opts.color ? pc : pc.createColors(false);
  let scenario: Scenario | undefined;
  let totals = { errors: 0, lost: 0 };
  let current = '';
  let headerShown = false;
  let lineOpen = false;

  const endLine = (): void => {
    if (lineOpen) stderr.write('\n');
    lineOpen = false;
  };
  const archWidth = (arch: string): number => Math.max(7, arch.length);
  const header = (arch: string): string[] => {
    const lead = ' '.repeat(2 + archWidth(arch) + 1 + W.time);
    return [
      c.dim(`${lead} │ ${'last 1 s'.padEnd(LAST_GROUP)} │ measured window so far`),
      c.dim(
        `${' '.repeat(2 + archWidth(arch) + 1)}${'time'.padStart(W.time)} │ ${'req/s'.padStart(W.rate)} ${'p99'.padStart(W.p99)} │ ` +
          `${'p99'.padStart(W.p99)} ${'errors'.padStart(W.errors)} ${'lost'.padStart(W.lost)}`,
      ),
    ];
  };
  const line = (arch: string, s: TimelineSecond, soFar: WindowSoFar | undefined): string => {
    const total = scenario ? Math.round(scenario.durationMs / 1000) : 0;
    const cell = (text: string, width: number, paint?: Paint): string => (paint ? paint(text.padStart(width)) : text.padStart(width));
    return (
      `  ${c.bold(arch.padEnd(archWidth(arch)))} ${cell(`${s.second + 1}s/${total}s`, W.time)} │ ` +
      `${cell(formatCount(s.completed), W.rate)} ${cell(formatLatencyUs(s.p99Us), W.p99)} │ ` +
      `${cell(formatLatencyUs(soFar?.p99Us), W.p99)} ${cell(formatCount(totals.errors), W.errors, totals.errors > 0 ? c.red : undefined)} ` +
      `${cell(formatCount(totals.lost), W.lost, totals.lost > 0 ? c.yellow : undefined)}`
    );
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
        totals = { errors: 0, lost: 0 };
        current = arch;
        headerShown = false;
        const rep = repetition > 1 ? ` (run ${repetition})` : '';
        stderr.write(`${c.dim('▶')} ${arch}${rep}: starting ${plural(sc.replicas, 'replica')}${opts.tty ? '' : '\n'}`);
        lineOpen = opts.tty;
      } else if (!opts.tty) {
        stderr.write(`  ${arch}: warm-up ${formatDurationMs(sc.warmupMs)}, then ${formatDurationMs(sc.durationMs)} measured\n`);
      }
    },
    second(arch, s, soFar) {
      // Seconds of the grace period are recorded but are not part of the window's story.
      if (arch !== current || (scenario && s.second * 1000 >= scenario.durationMs)) return;
      totals.errors += Object.values(s.errors).reduce((a, b) => a + (b ?? 0), 0);
      totals.lost += s.sessionsLost;
      const due = opts.tty || (s.second + 1) % PLAIN_EVERY_S === 0;
      if (due && !headerShown) {
        endLine();
        stderr.write(`${header(arch).join('\n')}\n`);
        headerShown = true;
      }
      if (opts.tty) {
        stderr.write(`\r\x1b[2K${line(arch, s, soFar)}`);
        lineOpen = true;
      } else if (due) {
        stderr.write(`${line(arch, s, soFar)}\n`);
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
        `${c.dim('■')} ${r.architecture}: ${verdict} — ${formatRate(r.throughputRps)} req/s, p99 ${formatLatencyUs(r.latencyUs.p99)}, ` +
          `${plural(r.requests.failed, 'error')}, ${plural(r.sessions.lost, 'session')} lost\n`,
      );
    },
  };
}
