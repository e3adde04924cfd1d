/**
 * 06 equivalence: the local scheme computes what back-prop computes. The same random nets are
 * trained by both engines from the same params on the same pattern order, and after every step
 * every weight is compared:
 *   matrix   Δz = g'(z) ⊙ Δy,  ∂E/∂W = Δz xᵀ,  Δy⁽ˡ⁻¹⁾ = Wᵀ Δz      (whole layers at once)
 *   agents   each neuron: z_j = Σ w_ij x_i + b_j, y_j = g(z_j); on its error Δz_j = g'(z_j)·Δy_j,
 *            pushes w_ij·Δz_j to each presynaptic neuron and keeps x_i·Δz_j on its own synapses
 *   both     w ← w − η·(1/B)·Σ_p x_i Δz_j   at each batch boundary
 *   compare  |w_matrix − w_agents| per weight and bias, after every step      (≤ 1e-12, README "Two axes: engine × rule")
 * Nets: dense and conv, every activation, both losses, B = 1 and B > 1. Rules other than back-prop
 * run in both engines too.
 */
import type { Random } from '../src/core/random.ts';
import { createEngine } from '../src/engines/index.ts';
import type { Engine } from '../src/nn/engine.ts';
import type { RuleOptions } from '../src/rules/index.ts';
import { initParams, type Params } from '../src/nn/params.ts';
import { parseNetSpec, type NetSpec } from '../src/nn/spec.ts';
import { chartTitle, nominalDef, ruleColour, runStandalone, type Experiment, type HeadlineRow, type PositionDef, type Row, type VegaLiteSpec } from '../src/report/index.ts';
import { paramsWithBiases, randomPatterns, type Patterns } from './shared/random-nets.ts';

interface Budget {
  /** Steps per run (each of B patterns). */
  steps: number;
  /** Random nets per architecture. */
  seeds: number;
}

/** The tolerance the README promises: the engines agree to this per weight per step. */
const TOLERANCE = 1e-12;
/** Histogram bins of |difference|: [10^k, 10^(k+1)) for k from −18 to −9, and ≥ 1e-9; zeros counted apart. */
const BIN_EXPONENTS = Array.from({ length: 10 }, (_, k) => -18 + k);
/** Zeros are drawn at this on the log axis of the per-step chart. */
const FLOOR = 1e-19;

const ARCHITECTURES: { label: string; json: unknown }[] = [
  {
    label: 'dense 4-6-3, tanh → identity, mse',
    json: { input: [4], layers: [{ type: 'dense', units: 6, activation: { name: 'tanh', a: 1.7159, b: 0.6667 } }, { type: 'dense', units: 3, activation: 'identity' }], loss: 'mse' },
  },
  {
    label: 'dense 5-8-7-4, relu → softplus → identity, softmax-CE',
    json: { input: [5], layers: [{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: 7, activation: 'softplus' }, { type: 'dense', units: 4, activation: 'identity' }], loss: 'softmax-cross-entropy' },
  },
  {
    label: 'dense 6-5-3, logistic → logistic, mse',
    json: { input: [6], layers: [{ type: 'dense', units: 5, activation: 'logistic' }, { type: 'dense', units: 3, activation: 'logistic' }], loss: 'mse' },
  },
  {
    label: 'conv [1,6,6] 3×3 s1 p1 relu → dense 4, softmax-CE',
    json: { input: [1, 6, 6], layers: [{ type: 'conv', filters: 2, kernel: 3, stride: 1, padding: 1, activation: 'relu' }, { type: 'dense', units: 4, activation: 'identity' }], loss: 'softmax-cross-entropy' },
  },
  {
    label: 'conv [2,7,7] 3×3 s2 p1 tanh → conv 2×2 softplus → 3 logistic, mse',
    json: {
      input: [2, 7, 7],
      layers: [
        { type: 'conv', filters: 3, kernel: 3, stride: 2, padding: 1, activation: 'tanh' },
        { type: 'conv', filters: 2, kernel: 2, stride: 1, padding: 0, activation: 'softplus' },
        { type: 'dense', units: 3, activation: 'logistic' },
      ],
      loss: 'mse',
    },
  },
];

const BATCHES = [1, 4];
const ETA = 0.1;

/** Every rule, in both engines. */
const RULES: { label: string; options: RuleOptions }[] = [
  { label: 'backprop', options: { rule: 'backprop' } },
  { label: 'merged (β = 0.01, symmetric)', options: { rule: 'merged', beta: 0.01, symmetric: true } },
  { label: 'predictive-coding (T = 5, γ = 0.1)', options: { rule: 'predictive-coding', steps: 5, gamma: 0.1 } },
  { label: 'feedback-alignment', options: { rule: 'feedback-alignment', feedbackSeed: 'equivalence' } },
  { label: 'direct-feedback-alignment', options: { rule: 'direct-feedback-alignment', feedbackSeed: 'equivalence' } },
];

function binLabel(k: number): string {
  return `[1e${k}, 1e${k + 1})`;
}
const BIN_LABELS = ['exactly 0', `< 1e${BIN_EXPONENTS[0]}`, ...BIN_EXPONENTS.map(binLabel), `≥ 1e${BIN_EXPONENTS[BIN_EXPONENTS.length - 1]! + 1}`];

/** The histogram bin of one |difference|. */
function binOf(d: number): string {
  if (d === 0) return BIN_LABELS[0]!;
  const k = Math.floor(Math.log10(d));
  if (k < BIN_EXPONENTS[0]!) return BIN_LABELS[1]!;
  if (k > BIN_EXPONENTS[BIN_EXPONENTS.length - 1]!) return BIN_LABELS[BIN_LABELS.length - 1]!;
  return binLabel(k);
}

/** Every per-weight |difference| between two params, weights and biases. */
function differences(a: Params, b: Params, visit: (d: number) => void): void {
  a.layers.forEach((la, l) => {
    const lb = b.layers[l]!;
    for (const key of ['weights', 'bias'] as const) for (let k = 0; k < la[key].length; k++) visit(Math.abs(la[key][k]! - lb[key][k]!));
  });
}

interface Run {
  rule: string;
  net: string;
  batch: number;
  seed: number;
  steps: number;
  weights: number;
  comparisons: number;
  maxDifference: number;
  zeros: number;
  maxLossDifference: number;
}
interface StepRow {
  rule: string;
  net: string;
  batch: number;
  seed: number;
  step: number;
  maxDifference: number;
  lossDifference: number;
}
/** Per rule: histogram bin → count of weight comparisons. */
type Histogram = Map<string, Map<string, number>>;

/** One run: both engines from the same params, B patterns a step; every weight compared after every step. */
function compareRun(spec: NetSpec, options: RuleOptions, patterns: Patterns & { params: Params }, key: { rule: string; net: string; batch: number; seed: number }, steps: number, bins: Map<string, number>): { run: Run; perStep: StepRow[] } {
  const B = key.batch;
  const agents = createEngine('agents', spec, patterns.params, options);
  const matrix = createEngine('matrix', spec, patterns.params, options);
  const run: Run = { ...key, steps, weights: 0, comparisons: 0, maxDifference: 0, zeros: 0, maxLossDifference: 0 };
  const perStep: StepRow[] = [];
  for (let step = 1; step <= steps; step++) {
    let lossDifference = 0;
    for (let p = (step - 1) * B; p < step * B; p++) {
      const Em = matrix.learn(patterns.inputs[p]!, patterns.targets[p]!);
      const Ea = agents.learn(patterns.inputs[p]!, patterns.targets[p]!);
      lossDifference = Math.max(lossDifference, Math.abs(Em - Ea));
    }
    matrix.step(ETA);
    agents.step(ETA);
    let maxDifference = 0;
    run.weights = 0;
    differences(matrix.snapshot(), agents.snapshot(), (d) => {
      run.weights++;
      run.comparisons++;
      if (d === 0) run.zeros++;
      maxDifference = Math.max(maxDifference, d);
      const bin = binOf(d);
      bins.set(bin, (bins.get(bin) ?? 0) + 1);
    });
    run.maxDifference = Math.max(run.maxDifference, maxDifference);
    run.maxLossDifference = Math.max(run.maxLossDifference, lossDifference);
    perStep.push({ ...key, step, maxDifference, lossDifference });
  }
  return { run, perStep };
}

/** Every rule × architecture × batch size × seed. */
function compareAll(budget: Budget, random: Random, progress: (done: number, total: number) => void): { runs: Run[]; perStep: StepRow[]; histogram: Histogram } {
  const histogram: Histogram = new Map();
  const perStep: StepRow[] = [];
  const runs: Run[] = [];
  const total = RULES.length * ARCHITECTURES.length * BATCHES.length * budget.seeds;
  let done = 0;
  for (const { label: rule, options } of RULES) {
    const bins = new Map<string, number>();
    histogram.set(rule, bins);
    for (const { label: net, json } of ARCHITECTURES) {
      const spec = parseNetSpec(json, net);
      for (const batch of BATCHES) {
        for (let seed = 0; seed < budget.seeds; seed++) {
          progress(++done, total);
          const r = random.derive(`${net}/B${batch}/${seed}`);
          const params = paramsWithBiases(spec, r, 0.2);
          const patterns = { params, ...randomPatterns(spec, budget.steps * batch, r.derive('patterns')) };
          const one = compareRun(spec, options, patterns, { rule, net, batch, seed }, budget.steps, bins);
          runs.push(one.run);
          perStep.push(...one.perStep);
        }
      }
    }
  }
  return { runs, perStep, histogram };
}

function headlineOf(runs: Run[], rules: string[]): HeadlineRow[] {
  return rules.map((rule) => {
    const rs = runs.filter((r) => r.rule === rule);
    const comparisons = rs.reduce((a, r) => a + r.comparisons, 0);
    const zeros = rs.reduce((a, r) => a + r.zeros, 0);
    const worst = Math.max(...rs.map((r) => r.maxDifference));
    return {
      rule,
      runs: rs.length,
      'weight comparisons (weights × steps)': comparisons,
      'exactly equal': `${((100 * zeros) / comparisons).toFixed(2)}%`,
      'max |difference|': worst,
      [`within ${TOLERANCE}`]: worst <= TOLERANCE,
      'max |E difference| per pattern': Math.max(...rs.map((r) => r.maxLossDifference)),
    };
  });
}

/** Counts of weight comparisons per bin of |difference|, side by side per rule, each bar labelled with its count. */
function histogramChart(rows: Row[], runs: number, budget: Budget): VegaLiteSpec {
  const x: PositionDef = { field: 'bin', type: 'ordinal', sort: BIN_LABELS, title: '|w_matrix − w_agents|', axis: { labelAngle: -40 } };
  const colour = ruleColour(undefined, 'rule');
  return {
    title: chartTitle('Agents against matrix: |difference| of every weight after every step', [
      `${runs} runs: ${ARCHITECTURES.length} architectures × B ∈ {${BATCHES.join(', ')}} × ${budget.seeds} random nets, ${budget.steps} steps each, η = ${ETA}`,
      `counts of weight comparisons per bin; exact zeros counted apart; DESIGN tolerance ${TOLERANCE}`,
    ]),
    data: { values: rows },
    width: 480,
    height: 220,
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x,
          y: { field: 'count', type: 'quantitative', title: 'weight comparisons' },
          color: nominalDef(colour),
          xOffset: { field: colour.field, type: 'nominal' },
        },
      },
      {
        mark: { type: 'text', dy: -6, fontSize: 10 },
        encoding: {
          x: { field: 'bin', type: 'ordinal', sort: BIN_LABELS },
          xOffset: { field: colour.field, type: 'nominal' },
          y: { field: 'count', type: 'quantitative' },
          text: { field: 'count', type: 'quantitative', format: ',' },
        },
      },
    ],
  };
}

/** Max |Δw| per step, worst over seeds: one panel per architecture, one line per (rule, B). */
function perStepChart(perStep: StepRow[], rules: string[], budget: Budget): VegaLiteSpec {
  const seriesRows = new Map<string, { net: string; series: string; step: number; maxDifference: number }>();
  for (const r of perStep) {
    const series = `${r.rule}, B = ${r.batch}`;
    const key = `${r.net}|${series}|${r.step}`;
    const prev = seriesRows.get(key);
    if (!prev || r.maxDifference > prev.maxDifference) seriesRows.set(key, { net: r.net, series, step: r.step, maxDifference: r.maxDifference });
  }
  const stepRows = [...seriesRows.values()].map((r) => ({ ...r, plotted: Math.max(r.maxDifference, FLOOR) }));
  const seriesOrder = rules.flatMap((rule) => BATCHES.map((B) => `${rule}, B = ${B}`));
  const x: PositionDef = { field: 'step', type: 'quantitative', title: 'step' };
  const y: PositionDef = { field: 'plotted', type: 'quantitative', title: 'max |Δw|', scale: { type: 'log', domain: [FLOOR / 10, 1e-10] }, axis: { format: '.0e', tickCount: 4 } };
  return {
    title: chartTitle('Agents against matrix: the largest weight difference after each step', [
      `max over every weight of |w_matrix − w_agents|, worst of ${budget.seeds} random nets; one panel per architecture`,
      `exact zeros drawn at ${FLOOR}; lines that coincide hide each other; dashed: the DESIGN tolerance ${TOLERANCE}`,
    ]),
    data: { values: stepRows },
    facet: { field: 'net', type: 'nominal', sort: ARCHITECTURES.map((a) => a.label), title: null, header: { labelLimit: 600, labelAnchor: 'start', labelFontSize: 11 } },
    columns: 1,
    spec: {
      width: 540,
      height: 70,
      layer: [
        { mark: { type: 'line', strokeWidth: 1.4, point: { size: 12 } }, encoding: { x, y, color: { field: 'series', type: 'nominal', title: null, sort: seriesOrder } } },
        { mark: { type: 'rule', strokeDash: [4, 3], color: '#555' }, encoding: { y: { datum: TOLERANCE } } },
      ],
    },
  };
}

const experiment: Experiment<Budget> = {
  name: 'equivalence',
  description:
    'The local scheme equals back-prop: one RxJS agent per neuron, each updating its own synapses from its presynaptic trace and its own error, against the matrix engine, on random dense and conv nets (every activation, both losses, B = 1 and B = 4). After every step every weight is compared: the DESIGN asks for ≤ 1e-12; the histogram of |difference| shows how close they really are.',
  budgets: { quick: { steps: 25, seeds: 2 }, full: { steps: 200, seeds: 5 } },

  async run({ budget, random, progress }) {
    const { runs, perStep, histogram } = compareAll(budget, random, progress);
    const rules = RULES.map((r) => r.label);
    const histogramRows = rules.flatMap((rule) => BIN_LABELS.map((bin) => ({ rule, bin, count: histogram.get(rule)!.get(bin) ?? 0 })));
    return {
      data: { budget, η: ETA, tolerance: TOLERANCE, architectures: ARCHITECTURES, batches: BATCHES, rules: RULES, bins: BIN_LABELS, histogram: histogramRows, runs, perStep },
      headline: headlineOf(runs, rules),
      specs: { histogram: histogramChart(histogramRows, runs.length, budget), 'max-per-step': perStepChart(perStep, rules, budget) },
    };
  },
};

export default experiment;
runStandalone(import.meta.url, experiment);
