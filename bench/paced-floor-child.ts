import { connect, type Socket } from 'node:net';
import { createHistogram, percentilesOf, recordDurationUs } from '../src/hdr/histogram.js';
import { WakeTimer } from '../src/timing/wake-timer.js';
import type { RunFigures } from './measure.js';
import { answerOneJob } from './answer-one-job.js';

/**
 * The least a Node generator can do per paced request: one keep-alive socket, a fixed GET at
 * each intended time, the answer counted and dropped; no sessions, no parsing beyond counting,
 * no recording. With `timer: 'wake'` it is woken by the engine's own wake timer
 * (src/timing/wake-timer.ts), with `timer: 'ms'` by setTimeout, autocannon's way. Set beside the
 * engine and the C floor (bench/c/paced-floor.c), it splits the engine's pacing cost into what
 * the machine charges for a wake-up, what Node and the timer add, and what the engine adds.
 */
export interface PacedFloorJob {
  port: number;
  rateRps: number;
  warmupMs: number;
  durationMs: number;
  timer: 'wake' | 'ms';
}

export interface PacedFloorResult extends RunFigures {
  lateP50Us: number;
  lateP99Us: number;
}

const REQUEST = Buffer.from('GET / HTTP/1.1\r\nHost: floor\r\n\r\n');
/** Counts answers by their status lines; the fixed target's answers are tiny and never split one. */
const STATUS_LINE = Buffer.from('HTTP/1.1 ');

async function run(job: PacedFloorJob): Promise<PacedFloorResult> {
  const socket: Socket = connect(job.port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const gapMs = 1000 / job.rateRps;
  const warm = Math.round((job.rateRps * job.warmupMs) / 1000);
  const total = warm + Math.round((job.rateRps * job.durationMs) / 1000);
  const startMs = performance.now() + 5;
  const dueMs = (i: number): number => startMs + i * gapMs;
  const late = createHistogram();
  let sent = 0;
  let answered = 0;
  let cpuStart = process.cpuUsage();
  let wallStart = 0;

  const done = new Promise<void>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      for (let at = chunk.indexOf(STATUS_LINE); at >= 0; at = chunk.indexOf(STATUS_LINE, at + 1)) answered++;
      if (answered >= total) resolve();
    });
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(`the target closed the connection after ${answered} answers`)));
  });
  const send = (nowMs: number): void => {
    while (sent < total && dueMs(sent) <= nowMs) {
      if (sent === warm) {
        cpuStart = process.cpuUsage();
        wallStart = nowMs;
      }
      if (sent >= warm) recordDurationUs(late, Math.round((nowMs - dueMs(sent)) * 1000));
      sent++;
      socket.write(REQUEST);
    }
  };

  let timer: WakeTimer | undefined;
  if (job.timer === 'wake') {
    let queued = 0;
    const top = (): void => {
      for (let room = timer!.room(); room > 0 && queued < total; room--) timer!.push(dueMs(queued++));
    };
    timer = new WakeTimer((nowMs) => {
      send(nowMs);
      top();
    }, { minGapMs: 0.1 });
    top();
  } else {
    const tick = (): void => {
      send(performance.now());
      if (sent < total) setTimeout(tick, Math.max(0, dueMs(sent) - performance.now()));
    };
    tick();
  }
  try {
    await done;
  } finally {
    await timer?.close();
    socket.destroy();
  }
  const cpu = process.cpuUsage(cpuStart);
  const wallMs = performance.now() - wallStart;
  const measured = total - warm;
  const p = percentilesOf(late);
  return {
    tool: `node floor (${job.timer === 'wake' ? 'wake timer' : 'ms timers'})`,
    rps: (measured / wallMs) * 1000,
    p50Us: 0,
    p99Us: 0,
    meanUs: 0,
    errors: 0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs,
    users: 0,
    lateP50Us: p.p50,
    lateP99Us: p.p99,
  };
}

answerOneJob(run);
