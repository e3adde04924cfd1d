/**
 * The scaling sweep of experiment 10 and the benchmark: time per pattern (per-pattern SGD,
 * learn + step, B = 1) against the synapse count, for both engines, on square dense nets n-n-10
 * (softmax cross-entropy) with seeded random inputs x ~ N(0, 1) and one-hot targets.
 * Synapses count every weight, biases included (a bias is the weight from a virtual input fixed
 * at 1):  S = n·n + n + 10·n + 10,  so the width for S is the positive root of
 * n² + 11n + 10 − S = 0. If cost is linear in synapses, log(time) against log(S) has slope 1
 * (logLogFit); fixed costs per pattern or per neuron pull the slope of the small nets below 1.
 */
import type { Random } from '../../src/core/random.ts';
import { createEngine } from '../../src/engines/index.ts';
import type { ActivationSpec } from '../../src/nn/activation.ts';
import type { EngineName } from '../../src/nn/engine.ts';
import { initParams } from '../../src/nn/params.ts';
import { parseNetSpec, type NetSpec } from '../../src/nn/spec.ts';
import { median } from '../../src/report/stats.ts';
import { takeTurns, TimedCase, type Budget } from './timing.ts';

export const OUTPUTS = 10;
/** Patterns cycled through while timing. */
export const PATTERNS = 8;
export const SWEEP_ENGINES: readonly EngineName[] = ['matrix', 'agents'];

/** Synapses (weights and biases) of the net n-n-10. */
export const synapsesOf = (n: number): number => n * n + n + OUTPUTS * n + OUTPUTS;

/** The width n whose net has closest to S synapses. */
export function widthFor(S: number): number {
  const n = Math.round((-(1 + OUTPUTS) + Math.sqrt((1 + OUTPUTS) ** 2 - 4 * (OUTPUTS - S))) / 2);
  return Math.max(1, n);
}

export function squareNet(n: number, activation: ActivationSpec['name']): NetSpec {
  return parseNetSpec({
    input: [n],
    layers: [
      { type: 'dense', units: n, activation },
      { type: 'dense', units: OUTPUTS, activation: 'identity' },
    ],
    loss: 'softmax-cross-entropy',
  });
}

/** PATTERNS patterns of n inputs each, with one-hot targets. */
function patterns(n: number, random: Random): { inputs: Float64Array[]; targets: Float64Array[] } {
  const inputs = Array.from({ length: PATTERNS }, () => Float64Array.from({ length: n }, () => random.normal()));
  const targets = inputs.map(() => {
    const t = new Float64Array(OUTPUTS);
    t[random.int(OUTPUTS)] = 1;
    return t;
  });
  return { inputs, targets };
}

/** One engine on one net, as a timed case: per-pattern SGD, cycling over the patterns. */
function engineCase(
  engine: EngineName,
  n: number,
  activation: ActivationSpec['name'],
  random: Random,
  η: number,
): { timed: TimedCase; buildMilliseconds: number } {
  const spec = squareNet(n, activation);
  const params = initParams(spec, random.derive(`init/${n}`));
  const { inputs, targets } = patterns(n, random.derive(`patterns/${n}`));
  const t0 = performance.now();
  const e = createEngine(engine, spec, params, { rule: 'backprop' });
  const buildMilliseconds = performance.now() - t0;
  const timed = new TimedCase({
    run(start, count) {
      let E = 0;
      for (let s = 0; s < count; s++) {
        E += e.learn(inputs[(start + s) % PATTERNS]!, targets[(start + s) % PATTERNS]!);
        e.step(η);
      }
      return E;
    },
  });
  return { timed, buildMilliseconds };
}

export interface SweepPoint {
  engine: EngineName;
  width: number;
  net: string;
  synapses: number;
  /** Median µs per pattern, wall clock, and each repetition's. */
  microsecondsPerPattern: number;
  repetitions: number[];
  patterns: number;
  buildMilliseconds: number;
}

export interface SweepOptions {
  widths: readonly number[];
  activation: ActivationSpec['name'];
  budget: Budget;
  random: Random;
  η: number;
  /** After each net, with its points. */
  onNet?(points: SweepPoint[], index: number): void;
}

/**
 * Time both engines on every width. A first warm-up on the smallest net lets the JIT compile the
 * hot loops before anything is timed; then, per net, each engine is warmed up and the engines take
 * turns repetition by repetition.
 */
export async function timeSweep(o: SweepOptions): Promise<SweepPoint[]> {
  for (const engine of SWEEP_ENGINES)
    await engineCase(engine, o.widths[0]!, o.activation, o.random.derive('warm-up'), o.η).timed.warmUp({
      ...o.budget,
      warmupSeconds: 4 * o.budget.warmupSeconds,
    });
  const points: SweepPoint[] = [];
  for (const [k, n] of o.widths.entries()) {
    const cases = SWEEP_ENGINES.map((engine) => ({ engine, ...engineCase(engine, n, o.activation, o.random, o.η) }));
    for (const c of cases) await c.timed.warmUp(o.budget);
    await takeTurns(
      cases.map((c) => c.timed),
      o.budget.reps,
    );
    const own = cases.map(({ engine, timed, buildMilliseconds }) => {
      const repetitions = timed.wall.map((seconds) => (seconds * 1e6) / timed.patterns);
      return {
        engine,
        width: n,
        net: `${n}-${n}-${OUTPUTS}`,
        synapses: synapsesOf(n),
        microsecondsPerPattern: median(repetitions),
        repetitions,
        patterns: timed.patterns,
        buildMilliseconds,
      };
    });
    points.push(...own);
    o.onNet?.(own, k);
  }
  return points;
}
