import { createElement as h, type ReactElement } from 'react';
import { render, useInput, type Instance } from 'ink';
import ansiEscapes from 'ansi-escapes';
import type { DemoState } from './demo-state.js';
import type { DemoSink } from './demo-show.js';
import { DemoScreen } from './demo-screen.js';

/** Redraws at most this often: the data changes once a second, the eye needs no more. */
const MIN_FRAME_MS = 250;

/** Options of {@link openLiveView}. */
export interface LiveViewOptions {
  stdout: NodeJS.WriteStream;
  /** Keys are read only when this is a terminal. */
  stdin: NodeJS.ReadStream;
  color: boolean;
  /** Ctrl-C or `q`: the terminal is in raw mode, so no SIGINT comes by itself. */
  onInterrupt: () => void;
}

/** The full-screen view of a demo, as a sink of its show, plus the presenter's keys. */
export interface LiveView extends DemoSink {
  /** Resolves at the next key press other than Ctrl-C and `q` (`--pace slow`). */
  waitForKey(): Promise<void>;
  /** Draws the last frame, then gives the terminal back as it was. Idempotent. */
  close(): void;
}

/**
 * Takes over the terminal: the alternate screen (so the shell's screen comes back intact),
 * no cursor, raw keys, and an ink app redrawn from the state at most four times a second.
 * Gives it all back on {@link LiveView.close} and, as a last resort, when the process exits
 * some other way (a second Ctrl-C exits at once).
 */
export function openLiveView(state: DemoState, opts: LiveViewOptions): LiveView {
  const { stdout, stdin } = opts;
  const keys = Boolean(stdin.isTTY);
  let waiting: (() => void)[] = [];
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let lastFrameMs = 0;

  const restore = (): void => {
    if (keys && stdin.isRaw) stdin.setRawMode(false);
    stdout.write(ansiEscapes.exitAlternativeScreen + ansiEscapes.cursorShow);
  };
  process.once('exit', restore);
  stdout.write(ansiEscapes.enterAlternativeScreen + ansiEscapes.cursorHide + ansiEscapes.clearScreen);

  const onKey = (input: string, ctrl: boolean): void => {
    if ((ctrl && input === 'c') || input === 'q') {
      opts.onInterrupt();
      return;
    }
    const resolve = waiting;
    waiting = [];
    for (const r of resolve) r();
  };
  const app = (): ReactElement =>
    h(Keys, { active: keys, onKey, screen: h(DemoScreen, { state, columns: stdout.columns ?? 80, rows: stdout.rows ?? 24, color: opts.color }) });

  const instance: Instance = render(app(), { stdout, stdin, exitOnCtrlC: false, patchConsole: false, maxFps: 1000 / MIN_FRAME_MS });
  const draw = (): void => {
    timer = undefined;
    if (closed) return;
    lastFrameMs = performance.now();
    instance.rerender(app());
  };
  const changed = (): void => {
    if (closed || timer) return;
    timer = setTimeout(draw, Math.max(0, lastFrameMs + MIN_FRAME_MS - performance.now()));
  };
  const onResize = (): void => {
    // A smaller terminal leaves the old, wider frame behind: start from a clean screen.
    stdout.write(ansiEscapes.clearScreen);
    instance.clear();
    changed();
  };
  stdout.on('resize', onResize);

  return {
    changed,
    waitForKey: () => new Promise<void>((resolve) => waiting.push(resolve)),
    close() {
      if (closed) return;
      clearTimeout(timer);
      draw();
      closed = true;
      stdout.off('resize', onResize);
      instance.unmount();
      process.off('exit', restore);
      restore();
      for (const r of waiting) r();
      waiting = [];
    },
  };
}

/** Reads keys (only while `active`: without a terminal there is no raw mode to ask for). */
function Keys({ active, onKey, screen }: { active: boolean; onKey: (input: string, ctrl: boolean) => void; screen: ReactElement }): ReactElement {
  useInput((input, key) => onKey(input, key.ctrl), { isActive: active });
  return screen;
}
