/**
 * 07 merged-bias: the essay's closing idea, measured. If forward and error variables are merged in
 * the same neurons, the error is the change of a neuron's state in time; with a finite nudge β that
 * change is only approximately the back-prop error, and the approximation's bias is real.
 *   free phase   v⁽ˡ⁾ = y⁽ˡ⁾ = g(z⁽ˡ⁾)
 *   nudge        v⁽ᴸ⁾ = g(z⁽ᴸ⁾ − β·Δy⁽ᴸ⁾);  v⁽ˡ⁾ = g(z⁽ˡ⁾ + W⁽ˡ⁺¹⁾ᵀ (v⁽ˡ⁺¹⁾ − y⁽ˡ⁺¹⁾))
 *   update       u_ik = x_i·(y_k − v_k)/β                 one-sided:  u = ∂E/∂w + O(β)
 *                u_ik = x_i·(v_k(−β) − v_k(+β))/(2β)      symmetric:  u = ∂E/∂w + O(β²)
 *   error        r(β) = ‖u − ∂E/∂w‖ / ‖∂E/∂w‖ over every weight and bias, ∂E/∂w from Network.backprop
 * On log-log axes r(β) is a line of slope 1 (one-sided) or 2 (symmetric); the fitted slopes say so.
 */
import type { Random } from '../src/core/random.ts';
import { loadDigits } from '../src/data/datasets.ts';
import { Network } from '../src/nn/network.ts';
import type { Params } from '../src/nn/params.ts';
import { parseNetSpec, type NetSpec } from '../src/nn/spec.ts';
import {
  categoryScale,
  chartTitle,
  logLogFit,
  runStandalone,
  type Claim,
  type ColorDef,
  type Experiment,
  type HeadlineRow,
  type PositionDef,
  type Row,
  type VegaLiteSpec,
} from '../src/report/index.ts';
import { createMatrixRule, relativeError, updateAndGradient } from '../src/rules/index.ts';
import { paramsWithBiases, randomPatterns } from './shared/random-nets.ts';
import { betaGrid, DIGITS_NET, NUDGES } from './shared/nudges.ts';

interface Budget {
  /** Random nets (params and patterns) per architecture. */
  seeds: number;
  /** Patterns per net; u and ∂E/∂w are summed over them. */
  patterns: number;
  /** β values per decade over [βmin, βmax]. */
  perDecade: number;
}

const BETA_MIN = 1e-5;
const BETA_MAX = 1e-1;
/**
 * The slopes are fitted over β ≥ this. Below it the symmetric error meets rounding: the difference
 * v(−β) − v(+β) of two O(1) states carries an absolute error ~ε, so (…)/(2β) has one ~ε/β, which
 * exceeds the O(β²) bias once β ≲ 1e-4 (the one-sided O(β) bias stays far above it).
 */
const FIT_MIN = 1e-4;

type Inputs = 'normal' | 'digits';

/** The architectures: dense and conv, each smooth activation, both losses. */
const NETS: { label: string; inputs: Inputs; json: unknown }[] = [
  {
    label: '5-7-6-3 tanh/logistic, softmax-CE',
    inputs: 'normal',
    json: {
      input: [5],
      layers: [
        { type: 'dense', units: 7, activation: 'tanh' },
        { type: 'dense', units: 6, activation: 'logistic' },
        { type: 'dense', units: 3, activation: 'identity' },
      ],
      loss: 'softmax-cross-entropy',
    },
  },
  {
    label: '5-7-4 softplus/a·tanh(bz), mse',
    inputs: 'normal',
    json: {
      input: [5],
      layers: [
        { type: 'dense', units: 7, activation: 'softplus' },
        { type: 'dense', units: 4, activation: { name: 'tanh', a: 1.7159, b: 0.6667 } },
      ],
      loss: 'mse',
    },
  },
  {
    label: 'conv [2,6,6] → conv → 4 logistic, mse',
    inputs: 'normal',
    json: {
      input: [2, 6, 6],
      layers: [
        { type: 'conv', filters: 3, kernel: 3, stride: 2, padding: 1, activation: 'tanh' },
        { type: 'conv', filters: 2, kernel: 2, stride: 1, padding: 0, activation: 'softplus' },
        { type: 'dense', units: 4, activation: 'logistic' },
      ],
      loss: 'mse',
    },
  },
  DIGITS_NET,
];

const MODES = NUDGES;

/** β = 10^e, `perDecade` per decade from βmin to βmax inclusive. */
function betas(perDecade: number): number[] {
  return betaGrid(BETA_MIN, BETA_MAX, perDecade);
}

interface Fixture {
  params: Params;
  inputs: Float64Array[];
  targets: Float64Array[];
}

/** Seeded params (biases non-zero, so the bias path counts) and P patterns: random (see random-nets.ts) or digits. */
function fixture(
  spec: NetSpec,
  inputs: Inputs,
  P: number,
  random: Random,
  digits: () => ReturnType<typeof loadDigits>,
): Fixture {
  const params = paramsWithBiases(spec, random, 0.3);
  const rp = random.derive('patterns');
  if (inputs === 'normal') return { params, ...randomPatterns(spec, P, rp) };
  const d = digits();
  const picks = Array.from({ length: P }, () => rp.int(d.inputs.length));
  return { params, inputs: picks.map((p) => d.inputs[p]!), targets: picks.map((p) => d.targets[p]!) };
}

interface Measurement {
  net: string;
  seed: number;
  mode: string;
  β: number;
  error: number;
}
interface Fit {
  slope: number;
  intercept: number;
}

/** r(β) for every architecture, seed, nudge mode and β. */
function measure(
  budget: Budget,
  βs: number[],
  random: Random,
  progress: (done: number, total: number) => void,
): Measurement[] {
  let digitsCache: ReturnType<typeof loadDigits> | null = null;
  const digits = (): ReturnType<typeof loadDigits> => (digitsCache ??= loadDigits());
  const runs: Measurement[] = [];
  for (const [k, { label, inputs, json }] of NETS.entries()) {
    const spec = parseNetSpec(json, label);
    for (let s = 0; s < budget.seeds; s++) {
      const f = fixture(spec, inputs, budget.patterns, random.derive(`${label}/${s}`), digits);
      for (const mode of MODES) {
        for (const β of βs) {
          const net = new Network(spec, f.params);
          const rule = createMatrixRule({ rule: 'merged', beta: β, symmetric: mode.symmetric }, net);
          const { update, gradient } = updateAndGradient(net, rule, f.inputs, f.targets);
          runs.push({ net: label, seed: s, mode: mode.label, β, error: relativeError(update, gradient) });
        }
      }
      progress(k * budget.seeds + s + 1, NETS.length * budget.seeds);
    }
  }
  return runs;
}

/** The least-squares line through log r against log β, over β ≥ FIT_MIN. */
function fitSlope(runs: Measurement[]): Fit {
  const rows = runs.filter((r) => r.β >= FIT_MIN * (1 - 1e-9));
  return logLogFit(
    rows.map((r) => r.β),
    rows.map((r) => r.error),
  );
}

const logAxis = (field: string, title: string): PositionDef => ({
  field,
  type: 'quantitative',
  title,
  scale: { type: 'log' },
  axis: { format: '.0e' },
});
const BETA_AXIS = logAxis('β', 'nudge β');
const ERROR_AXIS = logAxis('error', 'relative error ‖u − ∂E/∂w‖ / ‖∂E/∂w‖');

/** Every (net, seed) as a thin line, the pooled fit as a thick dashed line, coloured by nudge; and rounding ε/β. */
function pooledChart(
  runs: Measurement[],
  pooled: (Fit & { mode: string; expected: number })[],
  budget: Budget,
): VegaLiteSpec {
  const seriesName = (mode: string): string => {
    const p = pooled.find((q) => q.mode === mode)!;
    return `${mode}: fitted slope ${p.slope.toFixed(2)} (expected ${p.expected})`;
  };
  const lines = runs.map((r) => ({ ...r, series: seriesName(r.mode), run: `${r.net} #${r.seed}` }));
  const fitted = pooled.flatMap((p) =>
    [FIT_MIN, BETA_MAX].map((β) => ({
      series: seriesName(p.mode),
      β,
      error: 10 ** (p.intercept + p.slope * Math.log10(β)),
    })),
  );
  const rounding = [BETA_MIN, 1e-3].map((β) => ({ β, error: Number.EPSILON / β }));
  const order = MODES.map((m) => seriesName(m.label));
  const [x, y] = [BETA_AXIS, ERROR_AXIS];
  const color: ColorDef = {
    field: 'series',
    type: 'nominal',
    title: null,
    sort: order,
    scale: categoryScale(order),
    legend: {
      orient: 'bottom',
      direction: 'vertical',
      labelLimit: 600,
      symbolType: 'stroke',
      symbolOpacity: 1,
      symbolStrokeWidth: 2.5,
    },
  };
  return {
    title: chartTitle('Merged rule: bias of the update against the nudge β', [
      `thin lines: ${NETS.length} architectures × ${budget.seeds} random nets, ${budget.patterns} ` +
        `patterns each; dashed: least-squares fit over all of them for β ≥ ${FIT_MIN}`,
      'one-sided bias O(β), symmetric O(β²): slopes 1 and 2; grey dotted: rounding ε/β, ' +
        'where the symmetric error bottoms out',
    ]),
    width: 420,
    height: 300,
    layer: [
      {
        data: { values: lines },
        mark: { type: 'line', strokeWidth: 1, opacity: 0.45, point: { size: 10, opacity: 0.45 } },
        encoding: { x, y, color, detail: { field: 'run', type: 'nominal' } },
      },
      {
        data: { values: fitted },
        mark: { type: 'line', strokeWidth: 2.5, strokeDash: [6, 4] },
        encoding: { x, y, color },
      },
      {
        data: { values: rounding },
        mark: { type: 'line', strokeWidth: 1.2, strokeDash: [2, 3], color: '#777' },
        encoding: { x, y },
      },
    ],
  };
}

/** Per architecture the worst over its seeds, one panel each, with the fitted slopes written in the panel. */
function perNetChart(rows: Row[], budget: Budget): VegaLiteSpec {
  return {
    title: chartTitle(
      'Merged rule: relative error per architecture',
      `worst over ${budget.seeds} random nets; slopes fitted over β ≥ ${FIT_MIN}`,
    ),
    data: { values: rows },
    facet: { field: 'net', type: 'nominal', sort: NETS.map((n) => n.label), header: { title: null, labelLimit: 400 } },
    columns: 2,
    spec: {
      width: 280,
      height: 190,
      layer: [
        {
          mark: { type: 'line', point: { size: 16 } },
          encoding: {
            x: BETA_AXIS,
            y: { ...ERROR_AXIS, title: 'relative error' },
            color: {
              field: 'mode',
              type: 'nominal',
              title: 'nudge',
              sort: MODES.map((m) => m.label),
              scale: categoryScale(MODES.map((m) => m.label)),
            },
          },
        },
        {
          transform: [{ filter: `datum.β === ${BETA_MAX} && datum.mode === 'one-sided'` }],
          mark: { type: 'text', align: 'left', baseline: 'top', dx: 6, dy: 6, fontSize: 11, color: '#333' },
          encoding: { x: { value: 0 }, y: { value: 0 }, text: { field: 'slopes' } },
        },
      ],
    },
  };
}

function claims(raw: unknown): Claim[] {
  const d = raw as {
    pooled: { mode: string; expected: number; slope: number }[];
    fits: { net: string; mode: string; expected: number; slope: number }[];
  };
  const pooled = (mode: string) => d.pooled.find((p) => p.mode === mode)!;
  const [one, two] = [pooled(MODES[0]!.label), pooled(MODES[1]!.label)];
  const spread = Math.max(...d.fits.map((f) => Math.abs(f.slope - f.expected)));
  return [
    {
      text:
        `The merged rule's error falls as β when nudging one way and as β² when nudging both ways: ` +
        `fitted slopes ${one.slope.toFixed(2)} and ${two.slope.toFixed(2)} on log-log axes (expected 1 ` +
        `and 2).`,
      holds: Math.abs(one.slope - 1) < 0.05 && Math.abs(two.slope - 2) < 0.05,
      key: true,
    },
    {
      text:
        `Every architecture on its own agrees: its fitted slope is within ${spread.toFixed(3)} of the ` +
        `expected one (claim: within 0.1).`,
      holds: spread < 0.1,
    },
  ];
}

const experiment: Experiment<Budget> = {
  name: 'merged-bias',
  description:
    "The essay's closing idea, measured: with forward and error variables merged in the same neurons, " +
    "the error is the change of each neuron's state after the teacher nudges the outputs by β. " +
    "The update's relative error against the back-prop gradient, against β, nudging one way and both ways; " +
    'nothing is linearised, so the bias at finite β is real.',
  budgets: { quick: { seeds: 3, patterns: 3, perDecade: 3 }, full: { seeds: 10, patterns: 5, perDecade: 8 } },

  async run({ budget, random, progress }) {
    const βs = betas(budget.perDecade);
    const runs = measure(budget, βs, random, progress);

    // Fitted slopes: per net over its seeds, and pooled over every net and seed.
    const fits = NETS.flatMap(({ label }) =>
      MODES.map((mode) => ({
        net: label,
        mode: mode.label,
        expected: mode.expected,
        ...fitSlope(runs.filter((r) => r.net === label && r.mode === mode.label)),
      })),
    );
    const pooled = MODES.map((mode) => ({
      mode: mode.label,
      expected: mode.expected,
      ...fitSlope(runs.filter((r) => r.mode === mode.label)),
    }));
    const worst = (label: string, mode: string, β: number): number =>
      Math.max(...runs.filter((r) => r.net === label && r.mode === mode && r.β === β).map((r) => r.error));

    const slopeColumn = `fitted slope, β ∈ [${FIT_MIN}, ${BETA_MAX}]`;
    const headline: HeadlineRow[] = fits.map((f) => ({
      net: f.net,
      nudge: f.mode,
      [slopeColumn]: Number(f.slope.toFixed(3)),
      expected: f.expected,
      [`worst r at β = ${BETA_MAX}`]: worst(f.net, f.mode, BETA_MAX),
      [`worst r at β = ${BETA_MIN}`]: worst(f.net, f.mode, BETA_MIN),
    }));
    for (const p of pooled)
      headline.push({
        net: 'all nets pooled',
        nudge: p.mode,
        [slopeColumn]: Number(p.slope.toFixed(3)),
        expected: p.expected,
      });

    const slopeText = (label: string): string =>
      fits
        .filter((q) => q.net === label)
        .map((q) => `${q.mode} ${q.slope.toFixed(2)}`)
        .join(', ');
    const perNet = NETS.flatMap(({ label }) =>
      MODES.flatMap((mode) =>
        βs.map((β) => ({
          net: label,
          mode: mode.label,
          β,
          error: worst(label, mode.label, β),
          slopes: `slopes: ${slopeText(label)}`,
        })),
      ),
    );
    return {
      data: {
        budget,
        betas: βs,
        nets: NETS.map((n) => ({ label: n.label, inputs: n.inputs, spec: n.json })),
        runs,
        fits,
        pooled,
      },
      headline,
      specs: { 'error-vs-beta': pooledChart(runs, pooled, budget), 'per-net': perNetChart(perNet, budget) },
    };
  },
  claims,
};

export default experiment;
runStandalone(import.meta.url, experiment);
