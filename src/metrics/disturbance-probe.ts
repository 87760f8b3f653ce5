import type { MeasurementQuality } from '../result/types.js';
import { CpuSampler } from './cpu-sampler.js';
import { LoopDelay } from './loop-delay.js';
import { assessQuality, cpuBySecond, type QualitySecond } from './measurement-quality.js';

/**
 * The run's disturbance measured around anything timed without a load run: foreign CPU and
 * steal (the processes named by `processes` and this one are the run), and this process's
 * event-loop delay. A test that times a proxy or a startup asks it whether the machine was
 * quiet enough for its bound to mean something.
 *
 *     const probe = new DisturbanceProbe(() => topology.processes());
 *     probe.start();
 *     …timed work…
 *     const quality = probe.stop();
 */
export class DisturbanceProbe {
  private readonly cpu: CpuSampler;
  private readonly loop = new LoopDelay();
  private startMs = Number.NaN;

  constructor(processes: () => Map<string, number> = () => new Map()) {
    this.cpu = new CpuSampler(processes);
  }

  start(): void {
    this.startMs = performance.now();
    this.cpu.start(this.startMs);
    this.loop.start();
  }

  /** Stops probing and judges what it saw, with the limits of a run. */
  stop(): MeasurementQuality {
    this.cpu.end();
    this.loop.stop();
    const cpu = cpuBySecond(this.cpu.intervals(), this.startMs);
    const seconds: QualitySecond[] = [...(cpu?.seconds ?? [])].map(([second, c]) => ({ second, ...c }));
    return assessQuality({ timeline: seconds.sort((a, b) => a.second - b.second), loopDelay: this.loop.windowFigures(), cpu });
  }
}
