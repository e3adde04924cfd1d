/**
 * 10 scaling: what locality costs in time. Both engines do the same arithmetic per pattern,
 *   forward   z_j = Σ_i w_ij x_i + b_j          one multiply-add per synapse
 *   backward  Δy_i = Σ_j w_ij Δz_j              one per synapse (not for the first layer)
 *   update    x_i·Δz_j, then w_ij −= η·x_i·Δz_j  two per synapse
 * so both should scale linearly with the number of synapses S; the agents engine adds a cost per
 * message (per neuron and per layer volley), which matters most for small nets.
 * Dense nets n-n-10 (tanh, softmax-CE) of growing width; per-pattern SGD (learn + step, B = 1);
 * time per pattern against S on log-log axes with a fitted slope per engine.
 * data.json holds only what is deterministic (the nets); every time is in timings.json, and the
 * chart is drawn from those timings, so it differs from run to run and machine to machine.
 */
import type { Random } from '../src/core/random.ts';
import type { Engine } from '../src/nn/engine.ts';
import { initParams } from '../src/nn/params.ts';
import { parseNetSpec, type NetSpec } from '../src/nn/spec.ts';
import { logLogFit, median, runStandalone, skippedNote, tryCreateEngine, type Experiment, type HeadlineRow, type VegaLiteSpec } from '../src/report/index.ts';

interface Budget {
  /** Synapse counts from 10^exponents[0] to 10^exponents[1], `perDecade` per decade. */
  exponents: [number, number];
  perDecade: number;
  /** Wall-clock milliseconds of patterns per engine per size (after a warm-up of a quarter of it). */
  millis: number;
  /** The time is split into this many alternating repetitions (matrix, agents, matrix, …); the median counts. */
  reps: number;
}

const OUTPUTS = 10;
const PATTERNS = 8;
const ENGINES = ['matrix', 'agents'] as const;

/** Synapses (weights and biases) of the net n-n-10: n² + n + 10n + 10. */
const synapsesOf = (n: number): number => n * n + n + OUTPUTS * n + OUTPUTS;

/** The width n whose net has closest to S synapses. */
function widthFor(S: number): number {
  const n = Math.round((-(1 + OUTPUTS) + Math.sqrt((1 + OUTPUTS) ** 2 - 4 * (OUTPUTS - S))) / 2);
  return Math.max(1, n);
}

function netSpec(n: number): NetSpec {
  return parseNetSpec({
    input: [n],
    layers: [
      { type: 'dense', units: n, activation: 'tanh' },
      { type: 'dense', units: OUTPUTS, activation: 'identity' },
    ],
    loss: 'softmax-cross-entropy',
  });
}


/** Learn + step over the patterns, cycling, for at least `millis` ms; µs per pattern. */
function timePatterns(engine: Engine, inputs: Float64Array[], targets: Float64Array[], millis: number): number {
  let k = 0;
  const start = performance.now();
  let now = start;
  do {
    for (let p = 0; p < inputs.length; p++, k++) {
      engine.learn(inputs[p]!, targets[p]!);
      engine.step(0.001);
    }
    now = performance.now();
  } while (now - start < millis);
  return ((now - start) * 1000) / k;
}

function patterns(n: number, random: Random): { inputs: Float64Array[]; targets: Float64Array[] } {
  const inputs = Array.from({ length: PATTERNS }, () => Float64Array.from({ length: n }, () => random.normal()));
  const targets = inputs.map(() => {
    const t = new Float64Array(OUTPUTS);
    t[random.int(OUTPUTS)] = 1;
    return t;
  });
  return { inputs, targets };
}

const experiment: Experiment<Budget> = {
  name: 'scaling',
  description:
    'What locality costs in time: time per pattern (learn + step) against the number of synapses for the matrix engine and the agents engine (one RxJS agent per neuron), on dense n-n-10 nets of growing width. Both do the same arithmetic per synapse, so both grow linearly for large nets (slope ≈ 1 on log-log axes); the agents engine pays a fixed cost per message, which dominates small nets. Times are wall-clock (timings.json) and vary by machine.',
  budgets: {
    quick: { exponents: [3, 5], perDecade: 2, millis: 300, reps: 3 },
    full: { exponents: [3, 6], perDecade: 4, millis: 2000, reps: 5 },
  },

  async run({ budget, random, progress }) {
    const [e0, e1] = budget.exponents;
    const steps = Math.round((e1 - e0) * budget.perDecade);
    const widths = [...new Set(Array.from({ length: steps + 1 }, (_, k) => widthFor(10 ** (e0 + ((e1 - e0) * k) / steps))))];
    const nets = widths.map((n) => ({ width: n, net: `${n}-${n}-${OUTPUTS}`, neurons: n + OUTPUTS, synapses: synapsesOf(n) }));
    const notes: string[] = [];
    const timings: { net: string; synapses: number; engine: string; microsecondsPerPattern: number; repetitions: number[]; buildMilliseconds: number }[] = [];
    const total = nets.length;

    // A first warm-up on the smallest net, so the JIT has compiled the hot loops before anything is timed.
    {
      const n = nets[0]!.width;
      const spec = netSpec(n);
      const params = initParams(spec, random.derive('warm-up'));
      const { inputs, targets } = patterns(n, random.derive('warm-up/patterns'));
      for (const name of ENGINES) {
        const attempt = tryCreateEngine(name, spec, params, { rule: 'backprop' });
        if (attempt.engine) timePatterns(attempt.engine, inputs, targets, budget.millis);
      }
    }

    for (const [k, { width: n, net, synapses }] of nets.entries()) {
      const spec = netSpec(n);
      const params = initParams(spec, random.derive(`init/${n}`));
      const { inputs, targets } = patterns(n, random.derive(`patterns/${n}`));
      const engines: { name: string; engine: Engine; build: number }[] = [];
      for (const name of ENGINES) {
        const t0 = performance.now();
        const attempt = tryCreateEngine(name, spec, params, { rule: 'backprop' });
        const build = performance.now() - t0;
        if (attempt.engine === null) {
          notes.push(skippedNote(`the ${name} engine`, attempt.missing));
          continue;
        }
        engines.push({ name, engine: attempt.engine, build });
      }
      // Warm up, then alternate engines repetition by repetition, so machine load hits both alike.
      for (const e of engines) timePatterns(e.engine, inputs, targets, budget.millis / 4);
      const reps = new Map<string, number[]>(engines.map((e) => [e.name, []]));
      for (let r = 0; r < budget.reps; r++) for (const e of engines) reps.get(e.name)!.push(timePatterns(e.engine, inputs, targets, budget.millis / budget.reps));
      for (const e of engines) timings.push({ net, synapses, engine: e.name, microsecondsPerPattern: median(reps.get(e.name)!), repetitions: reps.get(e.name)!, buildMilliseconds: e.build });
      progress(k + 1, total);
    }

    const enginesRun = ENGINES.filter((e) => timings.some((t) => t.engine === e));
    const fits = enginesRun.map((engine) => {
      const rows = timings.filter((t) => t.engine === engine);
      return { engine, ...logLogFit(rows.map((r) => r.synapses), rows.map((r) => r.microsecondsPerPattern)) };
    });
    const series = (engine: string): string => {
      const f = fits.find((q) => q.engine === engine)!;
      return `${engine} engine: fitted slope ${f.slope.toFixed(2)}`;
    };
    const rows = timings.map((t) => ({ ...t, series: series(t.engine) }));
    const fitted = fits.flatMap((f) => [nets[0]!.synapses, nets[nets.length - 1]!.synapses].map((S) => ({ series: series(f.engine), synapses: S, microsecondsPerPattern: 10 ** (f.intercept + f.slope * Math.log10(S)) })));
    const order = enginesRun.map(series);
    const xDomain = [nets[0]!.synapses / 1.5, nets[nets.length - 1]!.synapses * 1.5];
    const x = { field: 'synapses', type: 'quantitative', title: 'synapses S (weights and biases)', scale: { type: 'log', domain: xDomain, nice: false }, axis: { format: '~s' } };
    const y = { field: 'microsecondsPerPattern', type: 'quantitative', title: 'µs per pattern (learn + step)', scale: { type: 'log' }, axis: { format: '~s' } };
    const color = { field: 'series', type: 'nominal', title: null, sort: order, legend: { labelLimit: 400 } };
    const chart = {
      title: {
        text: 'Time per pattern against the number of synapses',
        subtitle: [
          `dense nets n-n-${OUTPUTS} (tanh, softmax-CE), back-prop, per-pattern SGD; median of ${budget.reps} alternating repetitions`,
          'drawn from timings.json: wall-clock, varies by machine and run; dashed: least-squares fit on log-log axes',
        ],
      },
      width: 420,
      height: 280,
      layer: [
        { data: { values: rows }, mark: { type: 'line', point: { size: 40, filled: true }, strokeWidth: 1.8 }, encoding: { x, y, color, tooltip: [{ field: 'net' }, { field: 'engine' }, { field: 'microsecondsPerPattern', type: 'quantitative', format: '.1f' }] } },
        { data: { values: fitted }, mark: { type: 'line', strokeDash: [5, 4], strokeWidth: 1.2 }, encoding: { x, y, color } },
      ],
    } as unknown as VegaLiteSpec;

    const ratioRows = nets.flatMap(({ net, synapses }) => {
      const m = timings.find((t) => t.net === net && t.engine === 'matrix');
      const a = timings.find((t) => t.net === net && t.engine === 'agents');
      return m && a ? [{ net, synapses, ratio: a.microsecondsPerPattern / m.microsecondsPerPattern }] : [];
    });
    const specs: Record<string, VegaLiteSpec> = { 'time-per-pattern': chart };
    if (ratioRows.length > 0) {
      specs['agents-over-matrix'] = {
        title: { text: 'The price of locality: agents time ÷ matrix time', subtitle: 'from timings.json (wall-clock, varies by machine and run); dashed: equal time' },
        data: { values: ratioRows },
        width: 420,
        height: 200,
        layer: [
          { mark: { type: 'line', point: { size: 40, filled: true, color: '#e45756' }, color: '#e45756' }, encoding: { x, y: { field: 'ratio', type: 'quantitative', title: 'agents ÷ matrix', scale: { type: 'log' }, axis: { format: '~g' } } } },
          { mark: { type: 'rule', strokeDash: [4, 3], color: '#555' }, encoding: { y: { datum: 1 } } },
        ],
      } as unknown as VegaLiteSpec;
    }

    const headline: HeadlineRow[] = [
      ...nets.map(({ net, synapses }) => {
        const row: HeadlineRow = { net, synapses };
        for (const engine of enginesRun) row[`${engine} µs/pattern`] = Number(timings.find((t) => t.net === net && t.engine === engine)!.microsecondsPerPattern.toPrecision(3));
        const r = ratioRows.find((q) => q.net === net);
        if (r) row['agents ÷ matrix'] = Number(r.ratio.toFixed(2));
        return row;
      }),
      ...fits.map((f) => ({ net: `fitted slope, ${f.engine} engine`, synapses: null, [`${f.engine} µs/pattern`]: Number(f.slope.toFixed(2)) })),
    ];

    return {
      data: { budget, outputs: OUTPUTS, patterns: PATTERNS, nets, note: 'times are in timings.json' },
      timings: { unit: 'microseconds per pattern (learn + step, B = 1), median of the repetitions', fits, runs: timings },
      headline,
      notes: [...new Set(notes)],
      specs,
    };
  },
};

export default experiment;
runStandalone(import.meta.url, experiment);
