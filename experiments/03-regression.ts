/**
 * 03 regression: the essay's first diagram. One input, a hidden layer, one output y:
 *   u = x/π,  z⁽¹⁾ = W⁽¹⁾u + b⁽¹⁾,  y⁽¹⁾ = tanh(z⁽¹⁾),  y = W⁽²⁾y⁽¹⁾ + b⁽²⁾,  E = ½(y − t)²,  t = sin x
 * (the input is scaled to u ∈ [−1, 1], where tanh units start unsaturated; the charts show x)
 * trained by per-pattern SGD, δw_ij = −η x_i Δz_j, on points drawn from [−π, π], with η decaying
 * geometrically over the epochs (a constant η leaves the loss jittering at its level). The fit over
 * epochs and the loss curves, for back-prop and for each local rule in its matrix form (the engine
 * axis is experiment 06's subject, so this one uses the matrix engine).
 */
import { DivergenceError } from '../src/core/errors.ts';
import type { Random } from '../src/core/random.ts';
import { RULE_NAMES, type RuleName } from '../src/rules/index.ts';
import { initParams, type Params } from '../src/nn/params.ts';
import { train, type Dataset } from '../src/nn/sgd.ts';
import type { NetSpec } from '../src/nn/spec.ts';
import { createEngine } from '../src/engines/index.ts';
import {
  categoryColour,
  ruleColour,
  ruleLabel,
  runStandalone,
  seriesChart,
  type Claim,
  type Experiment,
  type HeadlineRow,
  type VegaLiteSpec,
} from '../src/report/index.ts';

interface Budget {
  /** Training points, uniform on [−π, π]. */
  patterns: number;
  hidden: number;
  epochs: number;
  /** η decays geometrically from the first value (epoch 1) to the second (the last epoch). */
  η: [number, number];
  /** Points of the grid on which the fit is drawn and the test loss measured. */
  grid: number;
}

const f = Math.sin;

/** The patterns for points x: input u = x/π, target sin x. */
const patterns = (xs: number[]): Dataset => ({
  inputs: xs.map((x) => Float64Array.of(x / Math.PI)),
  targets: xs.map((x) => Float64Array.of(f(x))),
});

const trainingSet = (n: number, random: Random): Dataset =>
  patterns(Array.from({ length: n }, () => -Math.PI + 2 * Math.PI * random.uniform()));

const gridSet = (n: number): Dataset =>
  patterns(Array.from({ length: n }, (_, k) => -Math.PI + (2 * Math.PI * k) / (n - 1)));

/** Epochs at which back-prop's fit is drawn: 0 (the initial net), then roughly ×5 apart, and the last. */
function snapshotEpochs(epochs: number): number[] {
  const marks = [0, 1, 5, 25, 125, 625, 3125].filter((e) => e < epochs);
  return [...marks, epochs];
}

interface Run {
  rule: RuleName;
  losses: { epoch: number; train: number; test: number }[];
  /** The net's output on the grid at the snapshot epochs. */
  fits: { epoch: number; y: number[] }[];
}

/** What every rule's training shares: the net, its initial weights, the data and the η schedule. */
interface Setting {
  spec: NetSpec;
  params0: Params;
  data: Dataset;
  grid: Dataset;
  snapshots: number[];
  epochs: number;
  η: (epoch: number) => number;
}

/**
 * One rule, from the same weights and in the same pattern order as every other, epoch by epoch so
 * that η can decay; its DivergenceError if it diverges (at this η a finding, not a failure of the
 * experiment).
 */
function trainRule(
  rule: RuleName,
  s: Setting,
  random: Random,
  onEpoch: (epoch: number) => void,
): Run | DivergenceError {
  const engine = createEngine('matrix', s.spec, s.params0, { rule, feedbackSeed: `${rule}/feedback` });
  const fitNow = (): number[] =>
    s.grid.inputs.map((u, k) => {
      engine.evaluate(u, s.grid.targets[k]!);
      return engine.prediction[0]!;
    });
  const fits = [{ epoch: 0, y: fitNow() }];
  const losses: Run['losses'] = [];
  const shuffle = random.derive('shuffle');
  try {
    for (let epoch = 1; epoch <= s.epochs; epoch++) {
      const [r] = train(engine, s.data, s.grid, {
        epochs: 1,
        η: s.η(epoch),
        batch: 1,
        shuffle,
        classify: false,
        spec: s.spec,
      });
      losses.push({ epoch, train: r!.train.loss, test: r!.test!.loss });
      if (s.snapshots.includes(epoch)) fits.push({ epoch, y: fitNow() });
      onEpoch(epoch);
    }
  } catch (e) {
    if (!(e instanceof DivergenceError)) throw e;
    return e;
  }
  return { rule, losses, fits };
}

function headlineOf(runs: Run[], xs: number[]): HeadlineRow[] {
  return runs.map((r) => {
    const last = r.losses[r.losses.length - 1]!;
    const fit = r.fits[r.fits.length - 1]!.y;
    return {
      rule: ruleLabel(r.rule),
      'training loss ½(y − t)²': last.train,
      'grid loss': last.test,
      'max |y − sin x| on the grid': Math.max(...fit.map((y, k) => Math.abs(y - f(xs[k]!)))),
    };
  });
}

function charts(
  runs: Run[],
  data: Dataset,
  xs: number[],
  snapshots: number[],
  budget: Budget,
): Record<string, VegaLiteSpec> {
  const target = xs.map((x) => ({ x, y: f(x), curve: 'sin x' }));
  const points = data.inputs.map((u, p) => ({ x: Math.PI * u[0]!, y: data.targets[p]![0]!, curve: 'training points' }));
  const bp = runs.find((r) => r.rule === 'backprop');
  const epochLabel = (e: number): string => `epoch ${e}`;
  const fitRows = bp ? bp.fits.flatMap((s) => s.y.map((y, k) => ({ x: xs[k]!, y, curve: epochLabel(s.epoch) }))) : [];
  // The residual y − sin x: on the scale of y every rule's fit lies on sin x and they cannot be told apart.
  const residualRows = runs.flatMap((r) =>
    r.fits[r.fits.length - 1]!.y.map((y, k) => ({ x: xs[k]!, residual: y - f(xs[k]!), rule: r.rule })),
  );
  const lossRows = runs.flatMap((r) => r.losses.map((l) => ({ epoch: l.epoch, loss: l.train, rule: r.rule })));
  const rulesOrder = runs.map((r) => r.rule);
  const [η0, η1] = budget.η;
  return {
    fit: seriesChart({
      title: "Back-prop fits sin x: the net's output over epochs",
      subtitle:
        `1 → ${budget.hidden} tanh → 1, ${budget.patterns} training points, per-pattern SGD, ` +
        `η from ${η0} down to ${η1}`,
      values: [...points, ...target, ...fitRows],
      x: { field: 'x' },
      y: { field: 'y', title: 'y' },
      color: categoryColour('curve', ['training points', 'sin x', ...snapshots.map(epochLabel)], null),
      pointSeries: ['training points'],
      width: 420,
      height: 260,
    }),
    'fit-by-rule': seriesChart({
      title: `Every rule's error after ${budget.epochs} epochs: y − sin x on the grid`,
      subtitle: 'the same initial weights and pattern order for every rule; 0 is a perfect fit',
      values: residualRows,
      x: { field: 'x' },
      y: { field: 'residual', title: 'y − sin x' },
      color: ruleColour(rulesOrder, null),
      rule: { y: 0 },
      width: 420,
      height: 260,
    }),
    loss: seriesChart({
      title: 'Training loss per pattern, ½(y − t)², over epochs',
      subtitle: `mean over the epoch's patterns while they are learnt; η decays from ${η0} to ${η1}`,
      values: lossRows,
      x: { field: 'epoch', scale: 'log' },
      y: { field: 'loss', title: 'mean loss', scale: 'log', format: '.0e' },
      color: ruleColour(rulesOrder, null),
      width: 420,
      height: 260,
    }),
  };
}

interface Data {
  budget: Budget;
  x: number[];
  runs: Run[];
}

/** The epoch at which the training loss rose most (as a factor) over the epoch before. */
function worstRise(losses: Run['losses']): { epoch: number; factor: number; before: number; back: number | null } {
  let best = { epoch: 0, factor: 1, before: 0, back: null as number | null };
  for (let k = 1; k < losses.length; k++) {
    const factor = losses[k]!.train / losses[k - 1]!.train;
    if (factor > best.factor) {
      const later = losses.slice(k + 1).find((l) => l.train <= losses[k - 1]!.train);
      best = { epoch: losses[k]!.epoch, factor, before: losses[k - 1]!.train, back: later ? later.epoch : null };
    }
  }
  return best;
}

function claims(raw: unknown): Claim[] {
  const d = raw as Data;
  const ηAt = (epoch: number): number =>
    d.budget.η[0] * (d.budget.η[1] / d.budget.η[0]) ** ((epoch - 1) / Math.max(1, d.budget.epochs - 1));
  const maxResidual = (r: Run): number =>
    Math.max(...r.fits[r.fits.length - 1]!.y.map((y, k) => Math.abs(y - f(d.x[k]!))));
  const rms = (r: Run): number =>
    Math.sqrt(r.fits[r.fits.length - 1]!.y.reduce((sum, y, k) => sum + (y - f(d.x[k]!)) ** 2, 0) / d.x.length);
  const bp = d.runs.find((r) => r.rule === 'backprop')!;
  const out: Claim[] = [];
  const fits = d.runs.map((r) => ({ rule: r.rule, rms: rms(r), worst: maxResidual(r) }));
  out.push({
    text:
      `Every rule fits sin x on [−π, π]: the root-mean-square of y − sin x over the grid ` +
      `is ${fits.map((r) => `${ruleLabel(r.rule)} ${r.rms.toFixed(3)}`).join(', ')} ` +
      `(claim: all below 0.1, against 0.71 for y = 0); the largest |y − sin x| ` +
      `is ${Math.max(...fits.map((r) => r.worst)).toFixed(2)}.`,
    holds: fits.length === RULE_NAMES.length && fits.every((r) => r.rms < 0.1),
  });
  const rise = worstRise(bp.losses);
  const last = bp.losses[bp.losses.length - 1]!.train;
  out.push({
    text:
      `The spike in back-prop's training loss is per-pattern SGD at a large step: ` +
      `at epoch ${rise.epoch} (η = ${ηAt(rise.epoch).toFixed(3)}) ` +
      `the loss rises ×${rise.factor.toFixed(1)} ` +
      `over the epoch before, falls back below ${rise.before.toExponential(1)} by ` +
      `epoch ${rise.back ?? 'never'}, and ends at ${last.toExponential(1)} as η decays.`,
    holds: rise.back !== null && rise.back - rise.epoch <= 5 && last < rise.before,
  });
  return out;
}

const experiment: Experiment<Budget> = {
  name: 'regression',
  description:
    "The essay's first diagram: a two-layer net (1 → tanh hidden layer → 1, squared error) " +
    'fits sin x on [−π, π] by per-pattern SGD (δw_ij = −η x_i Δz_j); ' +
    'the fit over epochs and the loss curves, for back-prop and for each local rule in matrix form.',
  budgets: {
    quick: { patterns: 100, hidden: 16, epochs: 300, η: [0.2, 0.01], grid: 201 },
    full: { patterns: 200, hidden: 16, epochs: 2000, η: [0.2, 0.002], grid: 401 },
  },

  async run({ budget, random, progress }) {
    const spec: NetSpec = {
      input: [1],
      layers: [
        { type: 'dense', units: budget.hidden, activation: { name: 'tanh', a: 1, b: 1 } },
        { type: 'dense', units: 1, activation: { name: 'identity' } },
      ],
      loss: 'mse',
    };
    const data = trainingSet(budget.patterns, random.derive('data'));
    const grid = gridSet(budget.grid);
    const xs = grid.inputs.map((u) => Math.PI * u[0]!);
    const params0 = initParams(spec, random.derive('init'), 'lecun-normal');
    const snapshots = snapshotEpochs(budget.epochs);
    const [η0, η1] = budget.η;
    const η = (epoch: number): number => η0 * (η1 / η0) ** ((epoch - 1) / Math.max(1, budget.epochs - 1));
    const setting: Setting = { spec, params0, data, grid, snapshots, epochs: budget.epochs, η };

    const notes: string[] = [
      'Matrix engine only: whether the agents engine computes the same weights is experiment 06 (equivalence).',
    ];
    const runs: Run[] = [];
    for (const [i, rule] of RULE_NAMES.entries()) {
      const run = trainRule(rule, setting, random, (epoch) =>
        progress(i * budget.epochs + epoch, RULE_NAMES.length * budget.epochs),
      );
      if (run instanceof DivergenceError) notes.push(`rule ${rule}: ${run.message}; left out`);
      else runs.push(run);
    }
    return {
      data: { budget, spec, snapshots, x: xs, runs },
      headline: headlineOf(runs, xs),
      notes,
      specs: charts(runs, data, xs, snapshots, budget),
    };
  },
  claims,
};

export default experiment;
runStandalone(import.meta.url, experiment);
