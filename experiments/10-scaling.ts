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
import {
  chartTitle,
  engineDash,
  logLogFit,
  nominalDef,
  runStandalone,
  type Claim,
  type Experiment,
  type HeadlineRow,
  type PositionDef,
  type Row,
  type VegaLiteSpec,
} from '../src/report/index.ts';
import {
  OUTPUTS,
  PATTERNS,
  SWEEP_ENGINES,
  synapsesOf,
  timeSweep,
  widthFor,
  type SweepPoint,
} from './shared/scaling.ts';

interface Budget {
  /** Synapse counts from 10^exponents[0] to 10^exponents[1], `perDecade` per decade. */
  exponents: [number, number];
  perDecade: number;
  /** Wall-clock milliseconds of patterns per engine per size (after a warm-up of a quarter of it). */
  millis: number;
  /** The time is split into this many alternating repetitions (matrix, agents, matrix, …); the median counts. */
  reps: number;
}

/** The nets n-n-10 whose synapse counts are spread evenly on a log scale over the budget's decades. */
function sweepWidths(budget: Budget): number[] {
  const [e0, e1] = budget.exponents;
  const steps = Math.round((e1 - e0) * budget.perDecade);
  return [...new Set(Array.from({ length: steps + 1 }, (_, k) => widthFor(10 ** (e0 + ((e1 - e0) * k) / steps))))];
}

type Fit = { engine: string; slope: number; intercept: number };

/**
 * µs per pattern against S on log-log axes: dots joined per engine, the engine as the dash; the fitted slopes in the
 * subtitle.
 */
function timeChart(points: SweepPoint[], fits: Fit[], x: PositionDef, budget: Budget): VegaLiteSpec {
  const rows = points.map(({ width, patterns, repetitions, ...t }) => t);
  const y: PositionDef = {
    field: 'microsecondsPerPattern',
    type: 'quantitative',
    title: 'µs per pattern (learn + step)',
    scale: { type: 'log' },
    axis: { format: '~s' },
  };
  const dash = nominalDef(engineDash(SWEEP_ENGINES, null));
  const slopes = fits.map((f) => `${f.engine} ${f.slope.toFixed(2)}`).join(', ');
  return {
    title: chartTitle('Time per pattern against the number of synapses', [
      `dense nets n-n-${OUTPUTS} (tanh, softmax-CE), back-prop, per-pattern SGD; ` +
        `median of ${budget.reps} alternating repetitions`,
      `drawn from timings.json: wall-clock, varies by machine and run; fitted slopes on log-log axes: ${slopes}`,
    ]),
    data: { values: rows },
    width: 420,
    height: 280,
    layer: [
      { mark: { type: 'line', strokeWidth: 1.5, color: '#4c78a8' }, encoding: { x, y, strokeDash: dash } },
      {
        mark: { type: 'point', filled: true, size: 50, color: '#4c78a8' },
        encoding: { x, y, detail: { field: 'engine', type: 'nominal' } },
      },
    ],
  };
}

/** agents time ÷ matrix time per net, against S. */
function ratioChart(ratios: Row[], x: PositionDef): VegaLiteSpec {
  return {
    title: chartTitle(
      'The price of locality: agents time ÷ matrix time',
      'from timings.json (wall-clock, varies by machine and run); dashed: equal time',
    ),
    data: { values: ratios },
    width: 420,
    height: 200,
    layer: [
      {
        mark: { type: 'line', point: { size: 40, filled: true, color: '#9c755f' }, color: '#9c755f' },
        encoding: {
          x,
          y: {
            field: 'ratio',
            type: 'quantitative',
            title: 'agents ÷ matrix',
            scale: { type: 'log' },
            axis: { format: '~g' },
          },
        },
      },
      {
        data: { values: [{}] },
        mark: { type: 'rule', strokeDash: [4, 3], color: '#555' },
        encoding: { y: { datum: 1 } },
      },
    ],
  };
}

interface Timings {
  fits: Fit[];
  runs: { net: string; synapses: number; engine: string; microsecondsPerPattern: number }[];
}

function claims(_data: unknown, raw: unknown): Claim[] {
  const t = raw as Timings;
  const slope = (engine: string): number => t.fits.find((f) => f.engine === engine)!.slope;
  const nets = [...new Set(t.runs.map((r) => r.net))];
  const time = (net: string, engine: string): number =>
    t.runs.find((r) => r.net === net && r.engine === engine)!.microsecondsPerPattern;
  const ratios = nets.map((net) => ({
    net,
    synapses: t.runs.find((r) => r.net === net)!.synapses,
    ratio: time(net, 'agents') / time(net, 'matrix'),
  }));
  const lo = ratios.reduce((a, b) => (b.ratio < a.ratio ? b : a));
  const hi = ratios.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  const s = (n: number): string => n.toLocaleString('en-GB').replace(/,/g, ' ');
  return [
    {
      text:
        `Time per pattern grows no faster than the number of synapses: ` +
        `fitted log-log slopes ${SWEEP_ENGINES.map((e) => `${e} ${slope(e).toFixed(2)}`).join(', ')} ` +
        `(claim: both at most 1.05); below 1 because fixed costs per pattern and per neuron weigh most in ` +
        `small nets.`,
      holds: SWEEP_ENGINES.every((e) => slope(e) <= 1.05),
    },
    {
      text:
        `Locality has a price at every size: the agents engine takes ${lo.ratio.toFixed(2)}× ` +
        `(${s(lo.synapses)} synapses) to ${hi.ratio.toFixed(2)}× (${s(hi.synapses)} synapses) ` +
        `the matrix engine's time per pattern in this sweep.`,
      holds: lo.ratio > 1,
      key: true,
    },
  ];
}

const experiment: Experiment<Budget> = {
  name: 'scaling',
  description:
    'What locality costs in time: time per pattern (learn + step) ' +
    'against the number of synapses for the matrix engine and the agents engine (one RxJS agent per ' +
    'neuron), on dense n-n-10 nets of growing width. Both do the same arithmetic per synapse; ' +
    'the agents engine adds a cost per message. Times are wall-clock (timings.json) and vary by machine; ' +
    'the claims are checked against the committed timings.',
  budgets: {
    quick: { exponents: [3, 5], perDecade: 2, millis: 300, reps: 3 },
    full: { exponents: [3, 6], perDecade: 4, millis: 2000, reps: 5 },
  },

  async run({ budget, random, progress }) {
    const widths = sweepWidths(budget);
    const nets = widths.map((n) => ({
      width: n,
      net: `${n}-${n}-${OUTPUTS}`,
      neurons: n + OUTPUTS,
      synapses: synapsesOf(n),
    }));
    const points = await timeSweep({
      widths,
      activation: 'tanh',
      budget: {
        warmupSeconds: budget.millis / 4000,
        repSeconds: budget.millis / budget.reps / 1000,
        reps: budget.reps,
      },
      random,
      η: 0.001,
      onNet: (_, k) => progress(k + 1, nets.length),
    });
    const fits: Fit[] = SWEEP_ENGINES.map((engine) => {
      const own = points.filter((t) => t.engine === engine);
      return {
        engine,
        ...logLogFit(
          own.map((r) => r.synapses),
          own.map((r) => r.microsecondsPerPattern),
        ),
      };
    });
    const time = (net: string, engine: string): number =>
      points.find((t) => t.net === net && t.engine === engine)!.microsecondsPerPattern;
    const ratios = nets.map(({ net, synapses }) => ({
      net,
      synapses,
      ratio: time(net, 'agents') / time(net, 'matrix'),
    }));
    const x: PositionDef = {
      field: 'synapses',
      type: 'quantitative',
      title: 'synapses S (weights and biases)',
      scale: { type: 'log', domain: [nets[0]!.synapses / 1.5, nets[nets.length - 1]!.synapses * 1.5], nice: false },
      axis: { format: '~s' },
    };

    const headline: HeadlineRow[] = [
      ...ratios.map(({ net, synapses, ratio }) => {
        const row: HeadlineRow = { net, synapses };
        for (const engine of SWEEP_ENGINES) row[`${engine} µs/pattern`] = Number(time(net, engine).toPrecision(3));
        row['agents ÷ matrix'] = Number(ratio.toFixed(2));
        return row;
      }),
      ...fits.map((f) => ({
        net: `fitted slope, ${f.engine} engine`,
        synapses: null,
        [`${f.engine} µs/pattern`]: Number(f.slope.toFixed(2)),
      })),
    ];
    const runs = points.map(({ net, synapses, engine, microsecondsPerPattern, repetitions, buildMilliseconds }) => ({
      net,
      synapses,
      engine,
      microsecondsPerPattern,
      repetitions,
      buildMilliseconds,
    }));
    return {
      data: { budget, outputs: OUTPUTS, patterns: PATTERNS, nets, note: 'times are in timings.json' },
      timings: { unit: 'microseconds per pattern (learn + step, B = 1), median of the repetitions', fits, runs },
      headline,
      specs: { 'time-per-pattern': timeChart(points, fits, x, budget), 'agents-over-matrix': ratioChart(ratios, x) },
    };
  },
  claims,
};

export default experiment;
runStandalone(import.meta.url, experiment);
