/**
 * 12 continuous: the essay's "evolving fraction of activation and error", with time made real. Each neuron
 * is leaky, τ du/dt = −u + Σ w x + b + f(t), Euler-stepped on a clock, and sends one rate r(t) = g(u(t)).
 * A free phase settles to r̄ = y; the teacher nudges the outputs by β and the top-down synapses carry the
 * upper neurons' change, so each neuron's one output drifts from its activation toward activation plus a
 * β-scaled error; after a phase of length T each synapse learns x̄_i (r̄_j − r_j(T))/β (symmetric: ±β).
 * (README, Continuous time; rules/merged-continuous.ts has the top-down input that makes this exact.)
 *   error vs phase   r(T) = ‖u − ∂E/∂w‖/‖∂E/∂w‖ and the distance to the discrete merged update, over T/τ
 *   error vs β       at a long phase: slope 1 one-sided, 2 symmetric, as the discrete rule
 *   raster           every neuron's r(t) over one pattern, and the share of it that is error:
 *                    activation a = r̄ (r(t) itself in the free phase), error e = r(t) − r̄,
 *                    error share |e| / (|a| + |e|), activation share |a| / (|a| + |e|)
 */
import type { Random } from '../src/core/random.ts';
import { loadDigits } from '../src/data/datasets.ts';
import { ContinuousEngine, type RateRecord } from '../src/engines/continuous-engine.ts';
import { Network } from '../src/nn/network.ts';
import type { Params } from '../src/nn/params.ts';
import { parseNetSpec, type NetSpec } from '../src/nn/spec.ts';
import {
  categoryScale,
  chartTitle,
  engineDash,
  flowPlayer,
  nominalDef,
  logLogFit,
  runStandalone,
  type Experiment,
  type FlowEdge,
  type FlowFrame,
  type FlowNode,
  type FlowNodeState,
  type Claim,
  type HeadlineRow,
  type PositionDef,
  type VegaLiteSpec,
} from '../src/report/index.ts';
import { createMatrixRule, relativeError, updateAndGradient } from '../src/rules/index.ts';
import { LEAKY_DEFAULTS } from '../src/rules/merged-continuous.ts';
import { paramsWithBiases, randomPatterns, type Patterns } from './shared/random-nets.ts';
import { betaGrid, DIGITS_NET, NUDGES } from './shared/nudges.ts';

interface Budget {
  /** Random nets per architecture, and patterns per net (updates summed over them). */
  seeds: number;
  patterns: number;
  /** Euler step h/τ for the sweeps. */
  hOverτ: number;
  /** β values per decade over [1e-3, 1e-1]. */
  perDecade: number;
}

const τ = 1;
const PHASES = [1, 2, 3, 5, 7, 10, 15, 20, 30]; // T/τ
const BETA_SWEEP_PHASE = 30; // T/τ for the β sweep: the transient is gone
const BETA_AT_PHASE = 0.01; // β for the phase sweep
const BETA_MIN = 1e-3;
const BETA_MAX = 1e-1;

const NETS: { label: string; inputs: 'normal' | 'digits'; json: unknown }[] = [
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
  DIGITS_NET,
];

const MODES = NUDGES;

/** The raster's net and pattern: small enough to read every neuron; β large enough to see the error share. */
const RASTER = {
  json: {
    input: [3],
    layers: [
      { type: 'dense', units: 4, activation: 'tanh' },
      { type: 'dense', units: 2, activation: 'logistic' },
    ],
    loss: 'mse',
  },
  β: 0.25,
  T: 8,
  hOverτ: 0.2,
};

function betas(perDecade: number): number[] {
  return betaGrid(BETA_MIN, BETA_MAX, perDecade);
}

interface Fixture extends Patterns {
  spec: NetSpec;
  params: Params;
}

interface PhaseRow {
  net: string;
  seed: number;
  mode: string;
  phase: number;
  vsBackprop: number;
  vsDiscrete: number;
}

interface BetaRow {
  net: string;
  seed: number;
  mode: string;
  β: number;
  continuous: number;
  discrete: number;
}

function continuousUpdate(f: Fixture, β: number, symmetric: boolean, T: number, h: number): Params {
  const engine = new ContinuousEngine(
    f.spec,
    f.params,
    { β, symmetric },
    { τ, h: h * τ, T: T * τ, settle: LEAKY_DEFAULTS.settle },
  );
  return engine.gradient(f.inputs, f.targets).gradients;
}

function discrete(f: Fixture, β: number, symmetric: boolean): { update: Params; gradient: Params } {
  const net = new Network(f.spec, f.params);
  return updateAndGradient(net, createMatrixRule({ rule: 'merged', beta: β, symmetric }, net), f.inputs, f.targets);
}

/** One pattern's rates, every neuron, from rest to the end of the nudged phase. */
interface Raster {
  times: { start: number; settled: number; end: number };
  rows: {
    time: number;
    neuron: string;
    layer: number;
    index: number;
    r: number;
    activation: number;
    error: number;
    activationShare: number;
    errorShare: number;
    phase: string;
  }[];
}

function raster(random: Random): Raster {
  const spec = parseNetSpec(RASTER.json, 'raster net');
  const params = paramsWithBiases(spec, random.derive('raster'), 0.3);
  const { inputs, targets } = randomPatterns(spec, 1, random.derive('raster/pattern'));
  const engine = new ContinuousEngine(
    spec,
    params,
    { β: RASTER.β, symmetric: false },
    { τ, h: RASTER.hOverτ * τ, T: RASTER.T * τ, settle: LEAKY_DEFAULTS.settle },
  );
  engine.record();
  engine.learn(inputs[0]!, targets[0]!);
  const records: RateRecord[] = engine.stopRecording();
  const t = engine.phaseTimes;
  // r̄: each neuron's last rate sent before the nudge.
  const rBar = new Map<string, number>();
  for (const r of records) if (r.time < t.settled) rBar.set(`${r.layer}/${r.neuron}`, r.r);
  const rows = records.map((r) => {
    const nudged = r.time > t.settled;
    const activation = nudged ? rBar.get(`${r.layer}/${r.neuron}`)! : r.r;
    const error = r.r - activation;
    const share =
      Math.abs(activation) + Math.abs(error) > 0 ? Math.abs(error) / (Math.abs(activation) + Math.abs(error)) : 0;
    return {
      time: round(r.time - t.start),
      neuron: neuronLabel(r.layer, r.neuron, spec.layers.length),
      layer: r.layer,
      index: r.neuron,
      r: r.r,
      activation,
      error,
      activationShare: 1 - share,
      errorShare: share,
      phase: nudged ? 'nudged' : 'free',
    };
  });
  return { times: { start: 0, settled: round(t.settled - t.start), end: round(t.end - t.start) }, rows };
}

const round = (v: number): number => Number(v.toFixed(9));
const neuronLabel = (l: number, j: number, L: number): string => `${l === L - 1 ? 'out' : `h${l + 1}`}.${j + 1}`;

const logAxis = (field: string, title: string): PositionDef => ({
  field,
  type: 'quantitative',
  title,
  scale: { type: 'log' },
  axis: { format: '.0e' },
});

const PHASE_SERIES = MODES.flatMap((m) => [`${m.label}: against back-prop`, `${m.label}: against discrete merged`]);

function phaseChart(rows: PhaseRow[], budget: Budget): VegaLiteSpec {
  const values = rows.flatMap((r) => [
    { ...r, series: `${r.mode}: against back-prop`, error: r.vsBackprop, run: `${r.net} #${r.seed}` },
    { ...r, series: `${r.mode}: against discrete merged`, error: r.vsDiscrete, run: `${r.net} #${r.seed}` },
  ]);
  return {
    title: chartTitle('Continuous time: the update against the phase length', [
      `relative error of the update, β = ${BETA_AT_PHASE}, h = ${budget.hOverτ}τ; ${NETS.length} ` +
        `architectures × ${budget.seeds} random nets, ${budget.patterns} patterns each`,
      'the distance to the discrete merged rule falls like e^(−T/τ); ' +
        "the error against back-prop then levels at the rule's own O(β) or O(β²) bias",
    ]),
    data: { values },
    facet: { field: 'net', type: 'nominal', sort: NETS.map((n) => n.label), header: { title: null, labelLimit: 400 } },
    columns: 2,
    spec: {
      width: 300,
      height: 220,
      mark: { type: 'line', point: { size: 14 }, strokeWidth: 1.2 },
      encoding: {
        x: { field: 'phase', type: 'quantitative', title: 'phase length T/τ' },
        y: logAxis('error', 'relative error'),
        color: {
          field: 'series',
          type: 'nominal',
          title: null,
          scale: categoryScale(PHASE_SERIES),
          legend: { orient: 'bottom', direction: 'vertical', labelLimit: 400 },
        },
        detail: { field: 'run', type: 'nominal' },
      },
    },
  };
}

function betaChart(rows: BetaRow[], fits: { mode: string; slope: number; expected: number }[]): VegaLiteSpec {
  const name = (mode: string): string => {
    const f = fits.find((q) => q.mode === mode)!;
    return `${mode}: fitted slope ${f.slope.toFixed(2)} (expected ${f.expected})`;
  };
  const values = rows.flatMap((r) => [
    { ...r, series: name(r.mode), engine: 'continuous', error: r.continuous, run: `${r.net} #${r.seed} c` },
    { ...r, series: name(r.mode), engine: 'agents', error: r.discrete, run: `${r.net} #${r.seed} d` },
  ]);
  return {
    title: chartTitle(
      'Continuous time: the update against the nudge β',
      `T = ${BETA_SWEEP_PHASE}τ; dotted: leaky neurons, dashed: ` +
        `the discrete merged rule in the agents engine (they overlap)`,
    ),
    width: 420,
    height: 300,
    data: { values },
    mark: { type: 'line', point: { size: 14 }, strokeWidth: 1.2 },
    encoding: {
      x: logAxis('β', 'nudge β'),
      y: logAxis('error', 'relative error ‖u − ∂E/∂w‖ / ‖∂E/∂w‖'),
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: categoryScale(fits.map((f) => name(f.mode))),
        legend: { orient: 'bottom', direction: 'vertical', labelLimit: 500 },
      },
      strokeDash: nominalDef(engineDash(['continuous', 'agents'], null)),
      detail: { field: 'run', type: 'nominal' },
    },
  };
}

function rasterCharts(r: Raster, neurons: string[]): VegaLiteSpec {
  const rule = {
    data: { values: [{ time: r.times.settled }] },
    mark: { type: 'rule', color: '#333', strokeDash: [4, 3] },
    encoding: { x: { field: 'time', type: 'quantitative' } },
  } as const;
  const panel = (field: string, title: string, scale: object): object => ({
    width: 460,
    height: 16 * neurons.length,
    layer: [
      {
        transform: [{ calculate: `datum.time + ${RASTER.hOverτ * τ}`, as: 'until' }],
        mark: { type: 'rect' },
        encoding: {
          x: {
            field: 'time',
            type: 'quantitative',
            title: 'time t/τ (from rest; dashed: the nudge)',
            axis: { tickCount: 8 },
          },
          x2: { field: 'until' },
          y: { field: 'neuron', type: 'ordinal', sort: neurons, title: null },
          color: { field, type: 'quantitative', title, scale },
        },
      },
      rule,
    ],
    resolve: { scale: { color: 'independent' } },
  });
  const values = r.rows.map((q) => ({
    time: q.time,
    neuron: q.neuron,
    r: Number(q.r.toPrecision(6)),
    errorShare: Number(q.errorShare.toPrecision(6)),
  }));
  return {
    data: { values },
    title: chartTitle("One pattern in continuous time: every neuron's one output", [
      `3-4-2 net (tanh, logistic, mse), β = ${RASTER.β}, h = ${RASTER.hOverτ}τ, phase ${RASTER.T}τ; top: ` +
        `r(t); bottom: the share of r(t) that is error, |e| / (|a| + |e|)`,
      'activation a = r̄ (the settled free rate), error e = r(t) − r̄: zero in the free phase, ' +
        'then each neuron drifts toward a + β-scaled error',
    ]),
    vconcat: [
      panel('r', 'r(t)', { scheme: 'redblue', reverse: true, domainMid: 0 }),
      panel('errorShare', 'error share', {
        scheme: 'oranges',
        domain: [0, Math.max(...values.map((q) => q.errorShare))],
      }),
    ],
    resolve: { scale: { color: 'independent' } },
  } as VegaLiteSpec;
}

/**
 * The flow player: the 3-4-2 net, one frame per sampled instant, each neuron coloured from activation (blue) to error
 * (red) by its error share.
 */
function flow(r: Raster, spec: NetSpec): string {
  const sizes = [spec.input[0]!, ...spec.layers.map((l) => (l.type === 'dense' ? l.units : 0))];
  const L = spec.layers.length;
  const label = (l: number, j: number): string => (l < 0 ? `x${j + 1}` : neuronLabel(l, j, L));
  const nodes: FlowNode[] = sizes.flatMap((n, l) =>
    Array.from({ length: n }, (_, j) => ({ id: label(l - 1, j), x: l, y: j - (n - 1) / 2, label: label(l - 1, j) })),
  );
  const edges: FlowEdge[] = [];
  for (let l = 1; l < sizes.length; l++)
    for (let j = 0; j < sizes[l]!; j++)
      for (let i = 0; i < sizes[l - 1]!; i++) edges.push({ from: label(l - 2, i), to: label(l - 1, j) });
  const maxShare = Math.max(...r.rows.map((q) => q.errorShare), 1e-12);
  const maxRate = Math.max(...r.rows.map((q) => Math.abs(q.r)), 1e-12);
  const times = [...new Set(r.rows.map((q) => q.time))];
  const every = Math.max(1, Math.round(times.length / 120));
  const nodeIndex = new Map(nodes.map((n, k) => [n.id, k]));
  const input: FlowNodeState = { carries: 'activation', errorFraction: 0, strength: 1, value: 1 };
  // Every synapse carries its presynaptic rate up; after the nudge the top-down synapses also carry
  // the upper neuron's change down (the only way an error travels in this mode).
  const edgeEnds = edges.map((e) => [nodeIndex.get(e.from)!, nodeIndex.get(e.to)!] as const);
  const pulses = (states: FlowNodeState[]): FlowFrame['pulses'] =>
    edgeEnds.flatMap(([from, to], edge) => {
      const up = { edge, direction: 1 as const, kind: 'activation', strength: states[from]!.strength };
      const change = states[to]!.errorFraction;
      return change > 0 ? [up, { edge, direction: -1 as const, kind: 'error', strength: change }] : [up];
    });
  const frames: FlowFrame[] = [];
  times.forEach((time, k) => {
    if (k % every !== 0 && k !== times.length - 1) return;
    const states: FlowNodeState[] = nodes.map(() => input);
    let share = 0;
    const at = r.rows.filter((q) => q.time === time);
    for (const q of at) {
      // The error share scaled to the largest one, so the drift is visible although β is small.
      const errorFraction = q.errorShare / maxShare;
      const carries = errorFraction > 0 ? 'error' : 'activation';
      states[nodeIndex.get(q.neuron)!] = { carries, errorFraction, strength: Math.abs(q.r) / maxRate, value: q.r };
      share += q.errorShare;
    }
    frames.push({
      tick: time,
      caption:
        `t = ${time.toFixed(1)}τ, ${time > r.times.settled ? 'nudged' : 'free'}; ` +
        `mean error share ${((100 * share) / at.length).toFixed(2)}%`,
      nodes: states,
      pulses: pulses(states),
      lit: [],
      weights: 0,
      changes: [],
    });
  });
  return flowPlayer({
    id: 'continuous-flow',
    title:
      `Each neuron's one output, from activation (blue) to activation + β·error (red at the largest error ` +
      `share, ${(100 * maxShare).toFixed(1)}%); β = ${RASTER.β}`,
    nodes,
    edges,
    weightSets: [{ edges: edges.map(() => null), biases: nodes.map(() => null) }],
    frames,
    interval: 120,
  });
}

/** One net of NETS with seed s: its params and its patterns (random, or drawn from the digits). */
function fixtureFor(n: (typeof NETS)[number], s: number, budget: Budget, random: Random, digits: Patterns): Fixture {
  const spec = parseNetSpec(n.json, n.label);
  const r = random.derive(`${n.label}/${s}`);
  const params = paramsWithBiases(spec, r, 0.3);
  const rp = r.derive('patterns');
  if (n.inputs === 'normal') return { spec, params, ...randomPatterns(spec, budget.patterns, rp) };
  const picks = Array.from({ length: budget.patterns }, () => rp.int(digits.inputs.length));
  return { spec, params, inputs: picks.map((p) => digits.inputs[p]!), targets: picks.map((p) => digits.targets[p]!) };
}

/**
 * The update against the phase length (at BETA_AT_PHASE) and against β (at BETA_SWEEP_PHASE),
 * per net, seed and nudge.
 */
function measure(budget: Budget, random: Random, progress: (done: number, total: number) => void) {
  const digits = loadDigits();
  const βs = betas(budget.perDecade);
  const phaseRows: PhaseRow[] = [];
  const betaRows: BetaRow[] = [];
  const total = NETS.length * budget.seeds;
  for (const [k, n] of NETS.entries()) {
    for (let s = 0; s < budget.seeds; s++) {
      const f = fixtureFor(n, s, budget, random, digits);
      const row = { net: n.label, seed: s };
      for (const mode of MODES) {
        const d = discrete(f, BETA_AT_PHASE, mode.symmetric);
        for (const T of PHASES) {
          const u = continuousUpdate(f, BETA_AT_PHASE, mode.symmetric, T, budget.hOverτ);
          const [vsBackprop, vsDiscrete] = [relativeError(u, d.gradient), relativeError(u, d.update)];
          phaseRows.push({ ...row, mode: mode.label, phase: T, vsBackprop, vsDiscrete });
        }
        for (const β of βs) {
          const db = discrete(f, β, mode.symmetric);
          const u = continuousUpdate(f, β, mode.symmetric, BETA_SWEEP_PHASE, budget.hOverτ);
          const [continuous, discreteError] = [relativeError(u, db.gradient), relativeError(db.update, db.gradient)];
          betaRows.push({ ...row, mode: mode.label, β, continuous, discrete: discreteError });
        }
      }
      progress(k * budget.seeds + s + 1, total);
    }
  }
  return { phaseRows, betaRows };
}

/** The log-log slope of the continuous update's error against β, per nudge, pooled over nets and seeds. */
function fitSlopes(betaRows: BetaRow[]) {
  return MODES.map((m) => {
    const rows = betaRows.filter((r) => r.mode === m.label);
    const fit = logLogFit(
      rows.map((r) => r.β),
      rows.map((r) => r.continuous),
    );
    return { mode: m.label, expected: m.expected, slope: fit.slope, intercept: fit.intercept };
  });
}

function headline(
  phaseRows: PhaseRow[],
  betaRows: BetaRow[],
  fits: ReturnType<typeof fitSlopes>,
  r: Raster,
): HeadlineRow[] {
  const worst = (net: string, mode: string, T: number, key: 'vsBackprop' | 'vsDiscrete'): number =>
    Math.max(...phaseRows.filter((q) => q.net === net && q.mode === mode && q.phase === T).map((q) => q[key]));
  const rows: HeadlineRow[] = NETS.flatMap((n) =>
    MODES.map((m) => {
      const row: HeadlineRow = { net: n.label, nudge: m.label };
      for (const T of [2, 5, 10, 30]) row[`to discrete, T = ${T}τ`] = worst(n.label, m.label, T, 'vsDiscrete');
      row[`to back-prop, T = 30τ`] = worst(n.label, m.label, 30, 'vsBackprop');
      row[`discrete to back-prop`] = Math.max(
        ...betaRows
          .filter((q) => q.net === n.label && q.mode === m.label && q.β === BETA_AT_PHASE)
          .map((q) => q.discrete),
      );
      return row;
    }),
  );
  for (const f of fits) {
    rows.push({
      net: 'all nets',
      nudge: f.mode,
      [`β slope at T = ${BETA_SWEEP_PHASE}τ`]: Number(f.slope.toFixed(3)),
      expected: f.expected,
    });
  }
  const peak = r.rows.reduce((a, q) => (q.errorShare > a.errorShare ? q : a), r.rows[0]!);
  rows.push({
    net: 'raster 3-4-2',
    nudge: `β = ${RASTER.β}`,
    'largest error share': Number(peak.errorShare.toFixed(4)),
    neuron: peak.neuron,
    'free phase settled at t/τ': r.times.settled,
  });
  return rows;
}

/** The experiment's claims, as functions of its data.json. */
function claims(raw: unknown): Claim[] {
  const d = raw as {
    phases: number[];
    phaseRows: { mode: string; phase: number; vsDiscrete: number }[];
    fits: { mode: string; expected: number; slope: number }[];
    raster: { times: { settled: number }; rows: { time: number; errorShare: number }[] };
  };
  const [shortest, longest] = [Math.min(...d.phases), Math.max(...d.phases)];
  const worstAt = (phase: number): number =>
    Math.max(...d.phaseRows.filter((r) => r.phase === phase).map((r) => r.vsDiscrete));
  const [early, late] = [worstAt(shortest), worstAt(longest)];
  const slopes = d.fits.map((f) => `${f.mode} ${f.slope.toFixed(2)} (expected ${f.expected})`).join(', ');
  const free = Math.max(0, ...d.raster.rows.filter((q) => q.time <= d.raster.times.settled).map((q) => q.errorShare));
  const nudged = Math.max(0, ...d.raster.rows.filter((q) => q.time > d.raster.times.settled).map((q) => q.errorShare));
  return [
    {
      text:
        `As the phase grows from ${shortest}τ to ${longest}τ, the leaky neurons' update converges to the ` +
        `discrete merged rule: the largest relative distance falls from ${early.toExponential(1)} ` +
        `to ${late.toExponential(1)} (claim: below 1e-6).`,
      holds: late < 1e-6 && late < early,
      key: true,
    },
    {
      text: `In continuous time the update keeps the merged rule's order in β: fitted log-log slopes ${slopes}.`,
      holds: d.fits.every((f) => Math.abs(f.slope - f.expected) < 0.1),
    },
    {
      text:
        `One output per neuron carries both signals: no error in the free phase (largest error ` +
        `share ${(100 * free).toFixed(2)} %), then up to ${(100 * nudged).toFixed(1)} % of a neuron's output ` +
        `is error after the nudge.`,
      holds: free === 0 && nudged > 0,
    },
  ];
}

const experiment: Experiment<Budget> = {
  name: 'continuous',
  description:
    'Time made real: leaky neurons (τ du/dt = −u + Σ w x + b + top-down) each send one rate r(t); ' +
    "after the teacher's nudge each neuron's output drifts from its activation toward activation plus a " +
    "β-scaled error — the essay's evolving fraction. The update converges to the discrete merged rule as " +
    'the phase grows against τ, and keeps its O(β) (one-sided) or O(β²) (symmetric) ' +
    'bias against back-prop.',
  budgets: {
    quick: { seeds: 1, patterns: 2, hOverτ: 0.2, perDecade: 2 },
    full: { seeds: 3, patterns: 5, hOverτ: 0.1, perDecade: 4 },
  },

  async run({ budget, random, progress }) {
    const { phaseRows, betaRows } = measure(budget, random, progress);
    const fits = fitSlopes(betaRows);
    const r = raster(random);
    const neurons = [...new Set(r.rows.map((q) => q.neuron))];
    return {
      data: {
        budget,
        τ,
        phases: PHASES,
        betaAtPhase: BETA_AT_PHASE,
        betaSweepPhase: BETA_SWEEP_PHASE,
        betas: betas(budget.perDecade),
        nets: NETS,
        phaseRows,
        betaRows,
        fits,
        raster: { net: RASTER, ...r },
      },
      headline: headline(phaseRows, betaRows, fits, r),
      specs: {
        'error-vs-phase': phaseChart(phaseRows, budget),
        'error-vs-beta': betaChart(betaRows, fits),
        raster: rasterCharts(r, neurons),
      },
      html: flow(r, parseNetSpec(RASTER.json, 'raster net')),
    };
  },
  claims,
};

export default experiment;
runStandalone(import.meta.url, experiment);
