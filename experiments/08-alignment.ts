/**
 * 08 alignment: how far each local rule's update points from back-prop's gradient, per layer,
 * while it learns digits. The essay's back-prop pushes the error back through Wᵀ; the local rules
 * replace that step, and the angle measures what the replacement costs.
 *   angle⁽ˡ⁾ = arccos( u⁽ˡ⁾·∂E/∂W⁽ˡ⁾ / (‖u⁽ˡ⁾‖ ‖∂E/∂W⁽ˡ⁾‖) )     weights and bias together,
 *     u and ∂E/∂W summed over a fixed probe batch at the rule's current weights (updateAlignment)
 *   feedback alignment   Δy⁽ˡ⁻¹⁾ = B⁽ˡ⁾ᵀ Δz⁽ˡ⁾ with fixed random B; also angle(W⁽ˡ⁾, B⁽ˡ⁾) (feedbackAngles)
 *   direct FA            Δy⁽ˡ⁾ = B⁽ˡ⁾ᵀ Δz⁽ᴸ⁾ for every hidden layer
 *   merged               the change of each neuron's state after a nudge β (README, "Two axes: engine × rule")
 *   predictive coding    T inference steps at rate γ, then local Hebbian updates
 * Below 90° an update still goes downhill (to first order). FA learns because W turns toward B.
 */
import type { Random } from '../src/core/random.ts';
import { loadDigits, splitDataset } from '../src/data/datasets.ts';
import { MatrixEngine } from '../src/engines/index.ts';
import { initParams } from '../src/nn/params.ts';
import { train, type Dataset } from '../src/nn/sgd.ts';
import { parseNetSpec } from '../src/nn/spec.ts';
import {
  categoryColour,
  chartTitle,
  confidence95,
  mean,
  nominalDef,
  ruleColour,
  ruleLabel,
  runStandalone,
  seriesChart,
  type Claim,
  type Experiment,
  type HeadlineRow,
  type PositionDef,
  type Row,
  type VegaLiteSpec,
} from '../src/report/index.ts';
import {
  createMatrixRule,
  feedbackAngles,
  updateAlignment,
  type FeedbackAlignment,
  type RuleName,
  type RuleOptions,
} from '../src/rules/index.ts';

interface Budget {
  epochs: number;
  η: number;
  /** Independent runs (init, split, shuffle, feedback matrices). */
  seeds: number;
  /** Patterns in the fixed probe batch the angles are measured on. */
  probe: number;
  /** Measurements per epoch (plus one before training). */
  perEpoch: number;
}

const SPEC = parseNetSpec(
  {
    input: [64],
    layers: [
      { type: 'dense', units: 32, activation: { name: 'tanh', a: 1.7159, b: 0.6667 } },
      { type: 'dense', units: 32, activation: { name: 'tanh', a: 1.7159, b: 0.6667 } },
      { type: 'dense', units: 10, activation: 'identity' },
    ],
    loss: 'softmax-cross-entropy',
  },
  '08-alignment net',
);

const LAYERS = ['layer 1 (64→32)', 'layer 2 (32→32)', 'layer 3 (32→10, output)'];

interface RuleCase {
  /** The rule's name: the key of every row in data.json and of its colour. */
  rule: RuleName;
  label: string;
  options: (seed: string) => RuleOptions;
}

const MERGED_BETA = 0.01;
const PC = { steps: 20, gamma: 0.1 };

const RULES: RuleCase[] = [
  {
    rule: 'feedback-alignment',
    label: 'feedback alignment',
    options: (seed) => ({ rule: 'feedback-alignment', feedbackSeed: seed }),
  },
  {
    rule: 'direct-feedback-alignment',
    label: 'direct feedback alignment',
    options: (seed) => ({ rule: 'direct-feedback-alignment', feedbackSeed: seed }),
  },
  {
    rule: 'merged',
    label: `merged (β = ${MERGED_BETA}, one-sided)`,
    options: () => ({ rule: 'merged', beta: MERGED_BETA, symmetric: false }),
  },
  {
    rule: 'predictive-coding',
    label: `predictive coding (T = ${PC.steps}, γ = ${PC.gamma})`,
    options: () => ({ rule: 'predictive-coding', steps: PC.steps, gamma: PC.gamma }),
  },
];
const BACKPROP: RuleCase = { rule: 'backprop', label: 'back-prop (reference)', options: () => ({ rule: 'backprop' }) };
const CASES = [...RULES, BACKPROP];

/** Round to 1e-9 so fractional epochs print cleanly in data.json. */
const round = (v: number): number => Math.round(v * 1e9) / 1e9;

interface AngleRow {
  rule: string;
  seed: number;
  epoch: number;
  layer: string;
  angle: number | null;
}
interface FeedbackRow {
  seed: number;
  epoch: number;
  layer: string;
  angle: number | null;
}
interface EpochRow {
  rule: string;
  seed: number;
  epoch: number;
  trainLoss: number;
  testLoss: number;
  testAccuracy: number;
}
interface Measured {
  angles: AngleRow[];
  feedback: FeedbackRow[];
  epochs: EpochRow[];
}

/** One seed: its split, init and probe batch, shared by every rule; each rule trains and is measured as it goes. */
function measureSeed(
  s: number,
  budget: Budget,
  digits: Dataset,
  random: Random,
  feedbackSeed: string,
  out: Measured,
  onEpoch: () => void,
): void {
  const r = random.derive(`seed-${s}`);
  const { train: trainSet, test: testSet } = splitDataset(digits, r.derive('split'));
  const params = initParams(SPEC, r.derive('init'));
  const probeIdx = r
    .derive('probe')
    .shuffle(trainSet.inputs.map((_, p) => p))
    .slice(0, budget.probe);
  const probe = {
    inputs: probeIdx.map((p) => trainSet.inputs[p]!),
    targets: probeIdx.map((p) => trainSet.targets[p]!),
  };
  for (const c of CASES) {
    const options = c.options(feedbackSeed);
    const engine = new MatrixEngine(SPEC, params, (net) => createMatrixRule(options, net));
    const every = Math.max(1, Math.floor(trainSet.inputs.length / budget.perEpoch));
    const measure = (epoch: number): void => {
      if (options.rule === 'backprop') return;
      updateAlignment(engine.net, engine.rule, probe.inputs, probe.targets).forEach((angle, l) => {
        out.angles.push({
          rule: c.rule,
          seed: s,
          epoch: round(epoch),
          layer: LAYERS[l]!,
          angle: Number.isFinite(angle) ? angle : null,
        });
      });
      if (options.rule === 'feedback-alignment') {
        feedbackAngles(engine.net.params, (engine.rule as FeedbackAlignment).B).forEach((angle, l) => {
          if (angle !== null) out.feedback.push({ seed: s, epoch: round(epoch), layer: LAYERS[l]!, angle });
        });
      }
    };
    measure(0);
    train(engine, trainSet, testSet, {
      epochs: budget.epochs,
      η: budget.η,
      batch: 1,
      // The same pattern order for every rule: a difference between rules is the rule's, not the order's.
      shuffle: r.derive('shuffle'),
      classify: true,
      spec: SPEC,
      onStep: (epoch, seen) => {
        if (seen % every === 0 && seen < trainSet.inputs.length) measure(epoch - 1 + seen / trainSet.inputs.length);
      },
      onEpoch: (report) => {
        measure(report.epoch);
        out.epochs.push({
          rule: c.rule,
          seed: s,
          epoch: report.epoch,
          trainLoss: report.train.loss,
          testLoss: report.test!.loss,
          testAccuracy: report.test!.accuracy!,
        });
        onEpoch();
      },
    });
  }
}

/** Mean and its 95 % confidence interval over seeds, per rule, layer and time. */
function summarise<T extends { angle: number | null; epoch: number; layer: string }>(
  rows: T[],
  rule: (r: T) => string,
) {
  type Key = { rule: string; layer: string; epoch: number };
  const groups = new Map<string, { key: Key; values: number[] }>();
  for (const row of rows) {
    if (row.angle === null) continue;
    const key = { rule: rule(row), layer: row.layer, epoch: row.epoch };
    const id = JSON.stringify(key);
    if (!groups.has(id)) groups.set(id, { key, values: [] });
    groups.get(id)!.values.push(row.angle);
  }
  return [...groups.values()].map(({ key, values }) => {
    const { mean: angle, low, high } = meanBand(values);
    return { ...key, angle, low, high };
  });
}

/** The line and the band: the mean and its 95 % confidence interval over seeds. */
const meanBand = confidence95;
const formatCi = (values: number[], digits: number, scale = 1): string => {
  const { mean: m, low, high } = confidence95(values);
  return `${(scale * m).toFixed(digits)} [${(scale * low).toFixed(digits)}, ${(scale * high).toFixed(digits)}]`;
};

function headlineOf({ angles, feedback, epochs }: Measured, budget: Budget): HeadlineRow[] {
  const accuracyColumn = `held-out accuracy after ${budget.epochs} epochs, mean [95 % CI]`;
  const final = (rule: string, layer: string, epoch: number): number[] =>
    angles
      .filter((a) => a.rule === rule && a.layer === layer && a.epoch === epoch && a.angle !== null)
      .map((a) => a.angle!);
  const headline: HeadlineRow[] = CASES.map((c) => {
    const row: HeadlineRow = {
      rule: c.label,
      [accuracyColumn]: `${formatCi(
        epochs.filter((x) => x.rule === c.rule && x.epoch === budget.epochs).map((x) => x.testAccuracy),
        1,
        100,
      )}%`,
    };
    LAYERS.forEach((layer, l) => {
      row[`layer ${l + 1} angle, start → end (°)`] =
        c === BACKPROP
          ? '0 (reference)'
          : `${mean(final(c.rule, layer, 0)).toFixed(1)} → ${formatCi(final(c.rule, layer, budget.epochs), 1)}`;
    });
    return row;
  });
  for (const layer of LAYERS.slice(1)) {
    const start = feedback.filter((f) => f.layer === layer && f.epoch === 0).map((f) => f.angle!);
    const end = feedback.filter((f) => f.layer === layer && f.epoch === budget.epochs).map((f) => f.angle!);
    headline.push({
      rule: `feedback alignment: angle(W, B), ${layer}`,
      [accuracyColumn]: null,
      'layer 1 angle, start → end (°)': null,
      [`${layer.split(' (')[0]} angle, start → end (°)`]: `${mean(start).toFixed(1)} → ${formatCi(end, 1)}`,
    });
  }
  return headline;
}

/** Legend symbols drawn solid (the mean ± sd band would otherwise lend them its faint opacity). */
const solidLegend = (spec: VegaLiteSpec): VegaLiteSpec => ({ ...spec, config: { legend: { symbolOpacity: 1 } } });

/**
 * Small multiples, a row per rule and a column per layer: the rules' curves and bands would lie on
 * each other in one panel (FA and DFA in the hidden layers; FA, DFA and merged at 0° at the output).
 */
function updateAngleChart(summary: Row[], rules: string[], ci: string, budget: Budget): VegaLiteSpec {
  // The rows are headed by the rules' labels, so the data carry the labels (the registry knows both).
  const rows = summary.map((r) => ({ ...r, rule: ruleLabel(String(r.rule)) }));
  const ruleOrder = rules.map(ruleLabel);
  const colour = nominalDef(ruleColour(ruleOrder, null));
  const x: PositionDef = {
    field: 'epoch',
    type: 'quantitative',
    title: 'epoch',
    axis: { tickMinStep: 1, format: 'd' },
  };
  const y: PositionDef = {
    field: 'angle',
    type: 'quantitative',
    title: 'angle (°)',
    scale: { domain: [0, 100] },
    axis: { values: [0, 30, 60, 90] },
  };
  return {
    title: chartTitle("Angle between each rule's update and back-prop's gradient, per layer", [
      `64-32-32-10 tanh on digits, η = ${budget.η}, B = 1; probe batch of ${budget.probe} training ` +
        `patterns; dashed: 90°, below which an update still goes downhill`,
      `${ci}; merged β = ${MERGED_BETA} one-sided, predictive coding T = ${PC.steps}, γ = ${PC.gamma}`,
    ]),
    data: { values: rows },
    facet: {
      row: {
        field: 'rule',
        type: 'nominal',
        sort: ruleOrder,
        title: null,
        header: { labelAngle: 0, labelAlign: 'left', labelLimit: 0 },
      },
      column: { field: 'layer', type: 'nominal', sort: LAYERS, title: null },
    },
    spec: {
      width: 200,
      height: 90,
      layer: [
        {
          mark: { type: 'area', opacity: 0.2 },
          encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' }, color: { ...colour, legend: null } },
        },
        { mark: { type: 'line', strokeWidth: 1.8 }, encoding: { x, y, color: { ...colour, legend: null } } },
        {
          data: { values: [{}] },
          mark: { type: 'rule', strokeDash: [4, 3], color: '#888' },
          encoding: { y: { datum: 90 } },
        },
      ],
    },
  };
}

function charts({ angles, feedback, epochs }: Measured, budget: Budget): Record<string, VegaLiteSpec> {
  const ruleOrder = RULES.map((c) => c.rule);
  const accuracyCurves = CASES.flatMap((c) =>
    Array.from({ length: budget.epochs }, (_, e) => {
      const {
        mean: accuracy,
        low,
        high,
      } = meanBand(epochs.filter((x) => x.rule === c.rule && x.epoch === e + 1).map((x) => x.testAccuracy));
      return { rule: c.rule, epoch: e + 1, accuracy, low, high };
    }),
  );
  const ci = `mean and 95 % confidence band over ${budget.seeds} runs (the same pattern order for every rule)`;
  return {
    'update-angle': updateAngleChart(
      summarise(angles, (r) => r.rule),
      ruleOrder,
      ci,
      budget,
    ),
    'feedback-angle': solidLegend(
      seriesChart({
        title: 'Feedback alignment: the forward weights turn toward the fixed feedback',
        subtitle: `angle between W⁽ˡ⁾ and B⁽ˡ⁾ (B in W's layout, i.e. W against Bᵀ of the backward path); ${ci}`,
        values: summarise(feedback, () => 'feedback-alignment'),
        x: { field: 'epoch', title: 'epoch' },
        y: { field: 'angle', title: 'angle(W, B) (degrees)', zero: true },
        color: categoryColour(
          'layer',
          LAYERS.filter((l) => feedback.some((f) => f.layer === l)),
          null,
        ),
        band: { lower: 'low', upper: 'high' },
        rule: { y: 90 },
        width: 360,
        height: 220,
      }),
    ),
    accuracy: solidLegend(
      seriesChart({
        title: 'Held-out accuracy per rule',
        subtitle: `the same runs; ${ci}; a panel per rule, since their curves lie on each other`,
        values: accuracyCurves,
        x: { field: 'epoch', title: 'epoch', integer: true },
        y: { field: 'accuracy', title: 'held-out accuracy', zero: false, format: '.0%' },
        color: ruleColour([BACKPROP.rule, ...ruleOrder], null),
        band: { lower: 'low', upper: 'high' },
        column: { ...ruleColour([BACKPROP.rule, ...ruleOrder]), title: '', columns: 5 },
        mark: 'line+point',
        width: 140,
        height: 160,
      }),
    ),
  };
}

interface Data {
  budget: Budget;
  angles: AngleRow[];
  feedbackAngles: FeedbackRow[];
  epochs: EpochRow[];
}

function claims(raw: unknown): Claim[] {
  const d = raw as Data;
  const last = d.budget.epochs;
  const angle = (rule: string, layer: number, epoch: number): number[] =>
    d.angles
      .filter((a) => a.rule === rule && a.layer === LAYERS[layer] && a.epoch === epoch && a.angle !== null)
      .map((a) => a.angle!);
  const out: Claim[] = [];
  for (const rule of ['feedback-alignment', 'direct-feedback-alignment']) {
    const start = [0, 1].map((l) => mean(angle(rule, l, 0)));
    const end = [0, 1].map((l) => confidence95(angle(rule, l, last)));
    out.push({
      text:
        `${ruleLabel(rule).replace(/^./, (c) => c.toUpperCase())} starts near 90° in the hidden layers ` +
        `(${start.map((a) => `${a.toFixed(1)}°`).join(', ')}) and aligns as it learns: ` +
        `after ${last} epochs ` +
        `${end.map((c) => `${c.mean.toFixed(1)}° (95 % CI up to ${c.high.toFixed(1)}°)`).join(' and ')}.`,
      holds: start.every((a) => a > 80 && a < 100) && end.every((c) => c.high < 90),
      key: rule === 'feedback-alignment',
    });
  }
  const merged = d.angles.filter((a) => a.rule === 'merged' && a.angle !== null).map((a) => a.angle!);
  out.push({
    text:
      `The merged rule (β = ${MERGED_BETA}) stays within ${Math.max(...merged).toFixed(2)}° of the gradient ` +
      `in every layer at every measurement (claim: within 1°).`,
    holds: Math.max(...merged) < 1,
  });
  const accuracy = (rule: string): number[] =>
    d.epochs.filter((e) => e.rule === rule && e.epoch === last).map((e) => e.testAccuracy);
  const bp = confidence95(accuracy('backprop'));
  const mg = confidence95(accuracy('merged'));
  out.push({
    text:
      `With the same pattern order, merged ends where back-prop ends: ` +
      `held-out accuracy ${(100 * mg.mean).toFixed(1)} % against ${(100 * bp.mean).toFixed(1)} % ` +
      `after ${last} epochs, a difference of ${(100 * Math.abs(mg.mean - bp.mean)).toFixed(2)} points ` +
      `(claim: under 1).`,
    holds: Math.abs(mg.mean - bp.mean) < 0.01,
  });
  const pc = [0, 1, 2].map((l) => mean(angle('predictive-coding', l, last)));
  out.push({
    text:
      `Predictive coding (T = ${PC.steps}, γ = ${PC.gamma}) sits between: ` +
      `after ${last} epochs ${pc.map((a) => `${a.toFixed(1)}°`).join(', ')} from the input to the output ` +
      `layer, growing toward the output.`,
    holds: pc[0]! < pc[1]! && pc[1]! < pc[2]! && pc[2]! < 90,
  });
  return out;
}

const experiment: Experiment<Budget> = {
  name: 'alignment',
  description:
    "What the local rules cost, as an angle: per layer, the angle between each rule's update and " +
    "back-prop's gradient at the same weights, while each rule trains a 64-32-32-10 tanh net on digits. " +
    'Feedback alignment and direct feedback alignment start near 90° in the hidden layers and fall well ' +
    'below it as the forward weights align with the fixed feedback (W against Bᵀ shown too); ' +
    'the merged rule at small β stays within a fraction of a degree of back-prop, ' +
    'and predictive coding sits between. Every rule sees the same patterns in the same order; ' +
    'bands are 95 % confidence intervals over seeds.',
  budgets: {
    quick: { epochs: 3, η: 0.02, seeds: 5, probe: 100, perEpoch: 3 },
    full: { epochs: 10, η: 0.02, seeds: 5, probe: 300, perEpoch: 4 },
  },

  async run({ budget, random, seed: runSeed, progress }) {
    const digits = loadDigits();
    const total = budget.seeds * CASES.length * budget.epochs;
    let done = 0;
    const measured: Measured = { angles: [], feedback: [], epochs: [] };
    for (let s = 0; s < budget.seeds; s++)
      measureSeed(s, budget, digits, random, `${runSeed}/alignment/feedback/${s}`, measured, () =>
        progress(++done, total),
      );
    return {
      data: {
        budget,
        net: SPEC,
        rules: CASES.map((c) => ({
          rule: c.rule,
          label: c.label,
          options: c.options('<seed>/alignment/feedback/<run>'),
        })),
        angles: measured.angles,
        feedbackAngles: measured.feedback,
        epochs: measured.epochs,
      },
      headline: headlineOf(measured, budget),
      specs: charts(measured, budget),
    };
  },
  claims,
};

export default experiment;
runStandalone(import.meta.url, experiment);
