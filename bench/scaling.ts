/**
 * The benchmark's scaling sweep: experiment 10's sweep (experiments/shared/scaling.ts) on relu
 * nets h-h-10 at the synapse counts 10^e, with the benchmark's timing budget; the slope of
 * log(time) against log(synapses) is fitted over all points and over the larger half.
 */
import { createRandom } from '../src/core/random.ts';
import type { EngineName } from '../src/nn/engine.ts';
import { logLogFit } from '../src/report/stats.ts';
import { SWEEP_ENGINES, timeSweep, widthFor } from '../experiments/shared/scaling.ts';
import type { Budget } from '../experiments/shared/timing.ts';

export interface ScalingPoint {
  engine: EngineName;
  hidden: number;
  synapses: number;
  /** Median ms per pattern, wall clock. */
  msPerPattern: number;
  patterns: number;
  reps: number;
}

export interface ScalingFit {
  engine: EngineName;
  /** Least-squares slope of log(time) against log(synapses), over all points and over the larger half. */
  slope: number;
  slopeLargerHalf: number;
  points: number;
}

export interface ScalingResult {
  net: string;
  points: ScalingPoint[];
  fits: ScalingFit[];
}

function fitOf(engine: EngineName, own: ScalingPoint[]): ScalingFit {
  const slope = (ps: ScalingPoint[]): number =>
    logLogFit(
      ps.map((p) => p.synapses),
      ps.map((p) => p.msPerPattern),
    ).slope;
  const half = Math.floor(own.length / 2);
  return {
    engine,
    slope: slope(own),
    slopeLargerHalf: own.length - half >= 2 ? slope(own.slice(half)) : NaN,
    points: own.length,
  };
}

/** exponents: log10 of the synapse counts, e.g. 3, 3.5, …, 6. */
export async function runScaling(
  exponents: readonly number[],
  budget: Budget,
  log: (line: string) => void,
  η = 0.01,
): Promise<ScalingResult> {
  const sweep = await timeSweep({
    widths: exponents.map((e) => widthFor(10 ** e)),
    activation: 'relu',
    budget,
    random: createRandom('bench/scaling'),
    η,
    onNet: (own) => {
      const row = own.map((p) => `${p.engine} ${(p.microsecondsPerPattern / 1e3).toPrecision(3)} ms`).join(', ');
      log(`  ${own[0]!.net}  ${own[0]!.synapses.toLocaleString('en-US').padStart(9)} synapses: ${row}`);
    },
  });
  const points = sweep.map((p) => ({
    engine: p.engine,
    hidden: p.width,
    synapses: p.synapses,
    msPerPattern: p.microsecondsPerPattern / 1e3,
    patterns: p.patterns,
    reps: budget.reps,
  }));
  const fits = SWEEP_ENGINES.map((engine) => points.filter((p) => p.engine === engine))
    .filter((own) => own.length >= 2)
    .map((own) => fitOf(own[0]!.engine, own));
  return { net: 'h-h-10, relu hidden, softmax cross-entropy, batch 1', points, fits };
}
