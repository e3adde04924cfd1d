/**
 * The one timing harness of the experiments and the benchmark. Each case (a contender at a batch
 * size, an engine at a net size, a kernel) is warmed up, then timed over R repetitions of N units
 * of work (patterns, calls); the cases take turns repetition by repetition, so that load from
 * other work on the machine falls on all of them alike. The figure is the median repetition:
 * units/s = N / median time. Wall-clock time is the headline; CPU time of the process (all its
 * threads) is recorded beside it.
 */
import { median } from '../../src/report/stats.ts';

/** What a case times. */
export interface Workload {
  /** Make this case current before it is timed (tfjs keeps one global backend). */
  activate?(): Promise<void>;
  /** Do `count` units of work, starting at unit `start` (wrapping around its data); returns Σ E, or nothing. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a workload with no loss to report is a plain () => void
  run(start: number, count: number): number | void;
}

export interface Budget {
  /** Seconds of warm-up per case (JIT compilation, caches); at least one step is taken. */
  warmupSeconds: number;
  /** Target seconds per timed repetition: N is chosen from the warm-up's rate. */
  repSeconds: number;
  reps: number;
}

export interface Timing {
  /** Units (patterns, calls) per timed repetition. */
  patterns: number;
  /** Wall-clock and CPU seconds of each repetition. */
  wall: number[];
  cpu: number[];
  samplesPerSecond: number;
  cpuSamplesPerSecond: number;
  /** Mean E per pattern of the very first step (same weights, same patterns for every contender). */
  firstStepLoss: number;
  /** Mean E per pattern over the last repetition. */
  lastRepLoss: number;
}

/** A run too quick for the clock reads as 0 s: count it as one microsecond, so the rate stays finite. */
const atLeastTick = (seconds: number): number => Math.max(seconds, 1e-6);

const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

/** A case under measurement: where it is in the data, and what it measured so far. */
export class TimedCase {
  private cursor = 0;
  patterns = 0;
  firstStepLoss = NaN;
  lastRepLoss = NaN;
  readonly wall: number[] = [];
  readonly cpu: number[] = [];

  /** `batch`: the work is done in steps of this many units. */
  constructor(
    readonly work: Workload,
    readonly batch = 1,
  ) {}

  private async run(count: number): Promise<{ wall: number; cpu: number; E: number }> {
    await this.work.activate?.();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const E = this.work.run(this.cursor, count) ?? NaN;
    const wall = (performance.now() - t0) / 1e3;
    const cpu = cpuSeconds(c0);
    this.cursor += count;
    return { wall, cpu, E };
  }

  /** The first step (its loss is the cross-check), then steps until the warm-up time is spent; sets N. */
  async warmUp(budget: Budget): Promise<void> {
    const first = await this.run(this.batch);
    this.firstStepLoss = first.E / this.batch;
    let spent = first.wall;
    let steps = 1;
    let rate = this.batch / atLeastTick(first.wall);
    while (spent < budget.warmupSeconds) {
      // Grow the chunk so that slow and fast contenders alike measure their rate over ≳ 50 ms.
      const count = this.batch * Math.max(1, Math.min(steps, Math.floor((0.05 * rate) / this.batch)));
      const r = await this.run(count);
      spent += r.wall;
      steps += count / this.batch;
      rate = count / atLeastTick(r.wall);
    }
    this.patterns = this.batch * Math.max(1, Math.round((budget.repSeconds * rate) / this.batch));
  }

  /** One untimed pass of `count` units, which sets N to it: for a fixed amount of work per repetition. */
  async warmUpFixed(count: number): Promise<void> {
    const first = await this.run(count);
    this.firstStepLoss = first.E / count;
    this.patterns = count;
  }

  async repetition(): Promise<void> {
    const r = await this.run(this.patterns);
    this.wall.push(r.wall);
    this.cpu.push(r.cpu);
    this.lastRepLoss = r.E / this.patterns;
  }

  result(): Timing {
    return {
      patterns: this.patterns,
      wall: this.wall,
      cpu: this.cpu,
      samplesPerSecond: this.patterns / median(this.wall),
      cpuSamplesPerSecond: this.patterns / median(this.cpu),
      firstStepLoss: this.firstStepLoss,
      lastRepLoss: this.lastRepLoss,
    };
  }
}

/** R repetitions of every case, taking turns. */
export async function takeTurns(
  cases: readonly TimedCase[],
  reps: number,
  onRepetition?: (r: number) => void,
): Promise<void> {
  for (let r = 0; r < reps; r++) {
    onRepetition?.(r);
    for (const c of cases) await c.repetition();
  }
}
