/**
 * The scaling sweep: time per pattern (per-pattern SGD, learn + step) against synapse count, for
 * both engines, on square nets h-h-10 (relu, softmax cross-entropy) with seeded random inputs.
 * Synapses count every weight, biases included (a bias is the weight from a virtual input fixed
 * at 1): S = h·h + h + 10·h + 10. If cost is linear in synapses, log(time) against log(S) has
 * slope 1; fixed costs per pattern or per neuron pull the slope of the small nets below 1.
 */
import { createRandom } from '../src/core/random.ts';
import { createEngine } from '../src/engines/index.ts';
import type { EngineName } from '../src/nn/engine.ts';
import { initParams } from '../src/nn/params.ts';
import { parseNetSpec, type NetSpec } from '../src/nn/spec.ts';
import type { Trainer } from './contender.ts';
import { median } from '../src/report/stats.ts';
import { TimedCase, type Budget } from './timing.ts';

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
  missing: Record<string, string>;
}

export const synapsesOf = (h: number): number => h * h + h + 10 * h + 10;

/** The h whose h-h-10 net has about S synapses. */
export function hiddenFor(S: number): number {
  return Math.max(1, Math.round((-11 + Math.sqrt(121 - 40 + 4 * S)) / 2));
}

function squareNet(h: number): NetSpec {
  return parseNetSpec({
    input: [h],
    layers: [
      { type: 'dense', units: h, activation: 'relu' },
      { type: 'dense', units: 10, activation: 'identity' },
    ],
    loss: 'softmax-cross-entropy',
  });
}

/** Least-squares slope of y against x. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let k = 0; k < n; k++) {
    sxy += (xs[k]! - mx) * (ys[k]! - my);
    sxx += (xs[k]! - mx) ** 2;
  }
  return sxy / sxx;
}

function engineTrainer(engine: EngineName, spec: NetSpec, h: number, η: number): Trainer {
  const e = createEngine(engine, spec, initParams(spec, createRandom(`bench/scaling/${h}`)), { rule: 'backprop' });
  const random = createRandom(`bench/scaling/data/${h}`);
  const n = 64;
  const inputs = Array.from({ length: n }, () => Float64Array.from({ length: h }, () => random.uniform()));
  const targets = Array.from({ length: n }, () => {
    const t = new Float64Array(10);
    t[random.int(10)] = 1;
    return t;
  });
  return {
    train(start, count) {
      let E = 0;
      for (let s = 0; s < count; s++) {
        E += e.learn(inputs[(start + s) % n]!, targets[(start + s) % n]!);
        e.step(η);
      }
      return E;
    },
  };
}

/** exponents: log10 of the synapse counts, e.g. 3, 3.5, …, 6. */
export async function runScaling(exponents: readonly number[], budget: Budget, log: (line: string) => void, η = 0.01): Promise<ScalingResult> {
  const engines: EngineName[] = ['matrix', 'agents'];
  const points: ScalingPoint[] = [];
  const missing: Record<string, string> = {};
  for (const e of exponents) {
    const h = hiddenFor(10 ** e);
    const spec = squareNet(h);
    const cases: { engine: EngineName; timed: TimedCase }[] = [];
    for (const engine of engines) {
      if (missing[engine]) continue;
      try {
        cases.push({ engine, timed: new TimedCase(engineTrainer(engine, spec, h, η), 1) });
      } catch (error) {
        missing[engine] = (error as Error).message;
        log(`  ${engine}: missing — ${missing[engine]}`);
      }
    }
    for (const c of cases) await c.timed.warmUp(budget);
    for (let r = 0; r < budget.reps; r++) for (const c of cases) await c.timed.repetition();
    for (const c of cases) {
      const ms = (median(c.timed.wall) / c.timed.patterns) * 1e3;
      points.push({ engine: c.engine, hidden: h, synapses: synapsesOf(h), msPerPattern: ms, patterns: c.timed.patterns, reps: budget.reps });
    }
    const row = cases.map((c) => `${c.engine} ${((median(c.timed.wall) / c.timed.patterns) * 1e3).toPrecision(3)} ms`).join(', ');
    log(`  ${h}-${h}-10  ${synapsesOf(h).toLocaleString('en-US').padStart(9)} synapses: ${row}`);
  }
  const fits: ScalingFit[] = [];
  for (const engine of engines) {
    const own = points.filter((p) => p.engine === engine);
    if (own.length < 2) continue;
    const x = own.map((p) => Math.log(p.synapses));
    const y = own.map((p) => Math.log(p.msPerPattern));
    const half = Math.floor(own.length / 2);
    fits.push({
      engine,
      slope: slope(x, y),
      slopeLargerHalf: own.length - half >= 2 ? slope(x.slice(half), y.slice(half)) : NaN,
      points: own.length,
    });
  }
  return { net: 'h-h-10, relu hidden, softmax cross-entropy, batch 1', points, fits, missing };
}
