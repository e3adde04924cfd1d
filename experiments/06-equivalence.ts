/**
 * 06 equivalence: the local scheme computes what back-prop computes. The same random nets are
 * trained by both engines from the same params on the same pattern order, and after every step
 * every weight is compared:
 *   matrix   Δz = g'(z) ⊙ Δy,  ∂E/∂W = Δz xᵀ,  Δy⁽ˡ⁻¹⁾ = Wᵀ Δz      (whole layers at once)
 *   agents   each neuron: z_j = Σ w_ij x_i + b_j, y_j = g(z_j); on its error Δz_j = g'(z_j)·Δy_j,
 *            pushes w_ij·Δz_j to each presynaptic neuron and keeps x_i·Δz_j on its own synapses
 *   both     w ← w − η·(1/B)·Σ_p x_i Δz_j   at each batch boundary
 *   compare  |w_matrix − w_agents| per weight and bias, after every step      (DESIGN: ≤ 1e-12)
 * Nets: dense and conv, every activation, both losses, B = 1 and B > 1. Rules other than back-prop
 * join as the agents engine builds them; until then they are listed as skipped.
 */
import type { Random } from '../src/core/random.ts';
import { createEngine } from '../src/engines/index.ts';
import type { Engine } from '../src/nn/engine.ts';
import type { RuleOptions } from '../src/rules/index.ts';
import { initParams, type Params } from '../src/nn/params.ts';
import { parseNetSpec, type NetSpec } from '../src/nn/spec.ts';
import { runStandalone, skippedNote, tryCreateEngine, type Experiment, type HeadlineRow, type VegaLiteSpec } from '../src/report/index.ts';

interface Budget {
  /** Steps per run (each of B patterns). */
  steps: number;
  /** Random nets per architecture. */
  seeds: number;
}

/** The DESIGN's tolerance: the engines agree to this per weight per step. */
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
const Η = 0.1;

/** Every rule the agents engine may build; the ones it has not built yet are skipped with a note. */
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

/** Seeded params with non-zero biases (so the bias path counts), and a stream of patterns. */
function fixture(spec: NetSpec, random: Random, n: number): { params: Params; inputs: Float64Array[]; targets: Float64Array[] } {
  const params = initParams(spec, random.derive('init'));
  const rb = random.derive('bias');
  for (const l of params.layers) for (let k = 0; k < l.bias.length; k++) l.bias[k] = 0.2 * rb.normal();
  const inSize = spec.input.reduce((a, b) => a * b, 1);
  const probe = createEngine('matrix', spec, params, { rule: 'backprop' });
  const m = probe.prediction.length;
  const rp = random.derive('patterns');
  const inputs = Array.from({ length: n }, () => Float64Array.from({ length: inSize }, () => rp.normal()));
  const targets = inputs.map(() => {
    if (spec.loss === 'mse') return Float64Array.from({ length: m }, () => rp.uniform());
    const t = new Float64Array(m);
    t[rp.int(m)] = 1;
    return t;
  });
  return { params, inputs, targets };
}

/** Every per-weight |difference| between two params, weights and biases. */
function differences(a: Params, b: Params, visit: (d: number) => void): void {
  a.layers.forEach((la, l) => {
    const lb = b.layers[l]!;
    for (const key of ['weights', 'bias'] as const) for (let k = 0; k < la[key].length; k++) visit(Math.abs(la[key][k]! - lb[key][k]!));
  });
}

const experiment: Experiment<Budget> = {
  name: 'equivalence',
  description:
    'The local scheme equals back-prop: one RxJS agent per neuron, each updating its own synapses from its presynaptic trace and its own error, against the matrix engine, on random dense and conv nets (every activation, both losses, B = 1 and B = 4). After every step every weight is compared: the DESIGN asks for ≤ 1e-12; the histogram of |difference| shows how close they really are.',
  budgets: { quick: { steps: 25, seeds: 2 }, full: { steps: 200, seeds: 5 } },

  async run({ budget, random, progress }) {
    const notes: string[] = [];
    const histogram = new Map<string, Map<string, number>>(); // rule → bin → count
    const perStep: { rule: string; net: string; batch: number; seed: number; step: number; maxDifference: number; lossDifference: number }[] = [];
    const runs: { rule: string; net: string; batch: number; seed: number; steps: number; weights: number; comparisons: number; maxDifference: number; zeros: number; maxLossDifference: number }[] = [];
    const total = RULES.length * ARCHITECTURES.length * BATCHES.length * budget.seeds;
    let done = 0;

    for (const { label: rule, options } of RULES) {
      let skipped = false;
      for (const { label: net, json } of ARCHITECTURES) {
        const spec = parseNetSpec(json, net);
        for (const B of BATCHES) {
          for (let s = 0; s < budget.seeds; s++) {
            progress(++done, total);
            if (skipped) continue;
            const f = fixture(spec, random.derive(`${net}/B${B}/${s}`), budget.steps * B);
            const attempt = tryCreateEngine('agents', spec, f.params, options);
            if (attempt.engine === null) {
              notes.push(skippedNote(`rule ${rule}`, attempt.missing));
              skipped = true;
              continue;
            }
            const agents: Engine = attempt.engine;
            const matrix = createEngine('matrix', spec, f.params, options);
            const bins = histogram.get(rule) ?? new Map<string, number>();
            histogram.set(rule, bins);
            const run = { rule, net, batch: B, seed: s, steps: budget.steps, weights: 0, comparisons: 0, maxDifference: 0, zeros: 0, maxLossDifference: 0 };
            for (let step = 1; step <= budget.steps; step++) {
              let lossDifference = 0;
              for (let p = (step - 1) * B; p < step * B; p++) {
                const Em = matrix.learn(f.inputs[p]!, f.targets[p]!);
                const Ea = agents.learn(f.inputs[p]!, f.targets[p]!);
                lossDifference = Math.max(lossDifference, Math.abs(Em - Ea));
              }
              matrix.step(Η);
              agents.step(Η);
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
              perStep.push({ rule, net, batch: B, seed: s, step, maxDifference, lossDifference });
            }
            runs.push(run);
          }
        }
      }
    }

    const rulesRun = RULES.map((r) => r.label).filter((r) => histogram.has(r));
    const histogramRows = rulesRun.flatMap((rule) => BIN_LABELS.map((bin) => ({ rule, bin, count: histogram.get(rule)!.get(bin) ?? 0 })));
    const headline: HeadlineRow[] = rulesRun.flatMap((rule) => {
      const rs = runs.filter((r) => r.rule === rule);
      const comparisons = rs.reduce((a, r) => a + r.comparisons, 0);
      const zeros = rs.reduce((a, r) => a + r.zeros, 0);
      const worst = Math.max(...rs.map((r) => r.maxDifference));
      return [
        {
          rule,
          runs: rs.length,
          'weight comparisons (weights × steps)': comparisons,
          'exactly equal': `${((100 * zeros) / comparisons).toFixed(2)}%`,
          'max |difference|': worst,
          [`within ${TOLERANCE}`]: worst <= TOLERANCE,
          'max |E difference| per pattern': Math.max(...rs.map((r) => r.maxLossDifference)),
        },
      ];
    });

    // Max per step, worst over seeds: one panel per architecture, one line per (rule, B).
    const seriesRows = new Map<string, { net: string; series: string; step: number; maxDifference: number }>();
    for (const r of perStep) {
      const series = `${r.rule}, B = ${r.batch}`;
      const key = `${r.net}|${series}|${r.step}`;
      const prev = seriesRows.get(key);
      if (!prev || r.maxDifference > prev.maxDifference) seriesRows.set(key, { net: r.net, series, step: r.step, maxDifference: r.maxDifference });
    }
    const stepRows = [...seriesRows.values()].map((r) => ({ ...r, plotted: Math.max(r.maxDifference, FLOOR) }));
    const seriesOrder = rulesRun.flatMap((rule) => BATCHES.map((B) => `${rule}, B = ${B}`));

    const histogramSpec = {
      title: {
        text: 'Agents against matrix: |difference| of every weight after every step',
        subtitle: [
          `${runs.length} runs: ${ARCHITECTURES.length} architectures × B ∈ {${BATCHES.join(', ')}} × ${budget.seeds} random nets, ${budget.steps} steps each, η = ${Η}`,
          `counts of weight comparisons per bin; exact zeros counted apart; DESIGN tolerance ${TOLERANCE}`,
        ],
      },
      data: { values: histogramRows },
      width: 480,
      height: 220,
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            x: { field: 'bin', type: 'ordinal', sort: BIN_LABELS, title: '|w_matrix − w_agents|', axis: { labelAngle: -40 } },
            y: { field: 'count', type: 'quantitative', title: 'weight comparisons' },
            color: { field: 'rule', type: 'nominal', title: 'rule' },
            xOffset: { field: 'rule', type: 'nominal' },
          },
        },
        {
          mark: { type: 'text', dy: -6, fontSize: 10 },
          encoding: {
            x: { field: 'bin', type: 'ordinal', sort: BIN_LABELS },
            xOffset: { field: 'rule', type: 'nominal' },
            y: { field: 'count', type: 'quantitative' },
            text: { field: 'count', type: 'quantitative', format: ',' },
          },
        },
      ],
    } as unknown as VegaLiteSpec;

    const x = { field: 'step', type: 'quantitative', title: 'step' };
    const y = { field: 'plotted', type: 'quantitative', title: 'max |Δw|', scale: { type: 'log', domain: [FLOOR / 10, 1e-10] }, axis: { format: '.0e', tickCount: 4 } };
    const perStepSpec = {
      title: {
        text: 'Agents against matrix: the largest weight difference after each step',
        subtitle: [
          `max over every weight of |w_matrix − w_agents|, worst of ${budget.seeds} random nets; one panel per architecture`,
          `exact zeros drawn at ${FLOOR}; lines that coincide hide each other; dashed: the DESIGN tolerance ${TOLERANCE}`,
        ],
      },
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
    } as unknown as VegaLiteSpec;

    return {
      data: { budget, η: Η, tolerance: TOLERANCE, architectures: ARCHITECTURES, batches: BATCHES, rules: RULES, bins: BIN_LABELS, histogram: histogramRows, runs, perStep },
      headline,
      notes: [...new Set(notes)],
      specs: { histogram: histogramSpec, 'max-per-step': perStepSpec },
    };
  },
};

export default experiment;
runStandalone(import.meta.url, experiment);
