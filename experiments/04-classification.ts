/**
 * 04 classification: the essay's second diagram. Digits (8×8 pixels → 64 inputs), a tanh hidden
 * layer, 10 outputs with softmax and E = −Σ t_j log y_j, whose Δz at the output is y − t just as in
 * regression. Per-pattern SGD, δw_ij = −η x_i Δz_j, for every rule on every engine that exists:
 * loss and accuracy on held-out digits over epochs, mean ± sd over seeds (each seed: its own
 * initial weights, split and pattern order, shared by all rules and engines).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Random } from '../src/core/random.ts';
import { loadDigits, splitDataset } from '../src/data/index.ts';
import { createEngine } from '../src/engines/index.ts';
import { ENGINE_NAMES, type EngineName } from '../src/nn/engine.ts';
import { RULE_NAMES, type RuleName } from '../src/rules/index.ts';
import { defaultInit, initParams } from '../src/nn/params.ts';
import { measure, train, type Dataset, type Metrics } from '../src/nn/sgd.ts';
import { parseNetSpec, type NetSpec } from '../src/nn/spec.ts';
import {
  formatMeanSd,
  mean,
  PACKAGE_ROOT,
  engineDash,
  ruleColour,
  ruleLabel,
  runStandalone,
  sd,
  seriesChart,
  type Channel,
  type Claim,
  type Experiment,
  type HeadlineRow,
  type Row,
  type VegaLiteSpec,
} from '../src/report/index.ts';

interface Budget {
  seeds: number;
  epochs: number;
  η: number;
  /** Training patterns used per seed (null: the whole training split). */
  trainPatterns: number | null;
  /** Fraction of the 1797 digits held out for testing. */
  testFraction: number;
}

const NET_FILE = 'nets/digits-64-32-10.net.json';

interface EpochPoint {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
}

const point = (epoch: number, trainM: Metrics, testM: Metrics): EpochPoint => ({
  epoch,
  trainLoss: trainM.loss,
  trainAccuracy: trainM.accuracy!,
  testLoss: testM.loss,
  testAccuracy: testM.accuracy!,
});

function subset(data: Dataset, n: number | null): Dataset {
  if (n === null || n >= data.inputs.length) return data;
  return { inputs: data.inputs.slice(0, n), targets: data.targets.slice(0, n) };
}

const COMBOS = ENGINE_NAMES.flatMap((engine) => RULE_NAMES.map((rule) => ({ engine, rule })));

interface Run {
  engine: EngineName;
  rule: RuleName;
  seed: number;
  curve: EpochPoint[];
}
interface Seconds {
  engine: EngineName;
  rule: RuleName;
  seed: number;
  secondsPerEpoch: number;
}

/** One seed: its split, subset and initial weights, shared by every rule and engine, each trained from them. */
function trainSeed(s: number, spec: NetSpec, digits: Dataset, budget: Budget, random: Random, onEpoch: () => void) {
  const r = random.derive(`seed-${s}`);
  const split = splitDataset(digits, r.derive('split'), budget.testFraction);
  const trainSet = subset(split.train, budget.trainPatterns);
  const testSet = split.test;
  const params0 = initParams(spec, r.derive('init'), defaultInit(spec));
  const runs: Run[] = [];
  const seconds: Seconds[] = [];
  for (const { engine: engineName, rule } of COMBOS) {
    const engine = createEngine(engineName, spec, params0, { rule, feedbackSeed: `${s}/feedback` });
    const curve = [point(0, measure(engine, trainSet, true), measure(engine, testSet, true))];
    const started = performance.now();
    train(engine, trainSet, testSet, {
      epochs: budget.epochs,
      η: budget.η,
      batch: 1,
      shuffle: r.derive('shuffle'),
      classify: true,
      spec,
      onEpoch: (e) => {
        curve.push(point(e.epoch, e.train, e.test!));
        onEpoch();
      },
    });
    seconds.push({
      engine: engineName,
      rule,
      seed: s,
      secondsPerEpoch: (performance.now() - started) / 1000 / budget.epochs,
    });
    runs.push({ engine: engineName, rule, seed: s, curve });
  }
  return { runs, seconds, sizes: { train: trainSet.inputs.length, test: testSet.inputs.length } };
}

/** Mean ± sd over seeds, per engine, rule and epoch. */
function summarise(runs: Run[]) {
  return COMBOS.flatMap(({ engine, rule }) => {
    const mine = runs.filter((x) => x.engine === engine && x.rule === rule);
    return mine[0]!.curve.map((_, k) => {
      const at = mine.map((x) => x.curve[k]!);
      const acc = at.map((p) => p.testAccuracy);
      const loss = at.map((p) => p.testLoss);
      return {
        engine,
        rule,
        epoch: at[0]!.epoch,
        accuracy: mean(acc),
        accuracyLow: mean(acc) - sd(acc),
        accuracyHigh: mean(acc) + sd(acc),
        loss: mean(loss),
        lossLow: mean(loss) - sd(loss),
        lossHigh: mean(loss) + sd(loss),
      };
    });
  });
}

function headlineOf(runs: Run[]): HeadlineRow[] {
  return COMBOS.map(({ engine, rule }) => {
    const last = runs.filter((x) => x.engine === engine && x.rule === rule).map((x) => x.curve[x.curve.length - 1]!);
    return {
      rule: ruleLabel(rule),
      engine,
      'test accuracy % (mean ± sd)': formatMeanSd(
        last.map((p) => p.testAccuracy),
        1,
        100,
      ),
      'test loss (mean ± sd)': formatMeanSd(
        last.map((p) => p.testLoss),
        3,
      ),
      'train accuracy % (mean ± sd)': formatMeanSd(
        last.map((p) => p.trainAccuracy),
        1,
        100,
      ),
    };
  });
}

/** A held-out metric over epochs: a line per rule (colour) and engine (dash), with its ± sd band. */
function metricChart(o: {
  title: string;
  subtitle: string[];
  values: Row[];
  y: Channel;
  field: 'accuracy' | 'loss';
}): VegaLiteSpec {
  return seriesChart({
    title: o.title,
    subtitle: o.subtitle,
    values: o.values,
    x: { field: 'epoch', integer: true },
    y: o.y,
    band: { lower: `${o.field}Low`, upper: `${o.field}High` },
    color: ruleColour(RULE_NAMES),
    strokeDash: engineDash(ENGINE_NAMES),
    width: 420,
    height: 260,
  });
}

function claims(raw: unknown): Claim[] {
  const d = raw as { budget: Budget; runs: Run[] };
  const final = (engine: string, rule: string): number[] =>
    d.runs.filter((r) => r.engine === engine && r.rule === rule).map((r) => r.curve[r.curve.length - 1]!.testAccuracy);
  const accuracy = RULE_NAMES.map((rule) => ({ rule, mean: mean(final('matrix', rule)) }));
  let gap = 0;
  for (const a of d.runs.filter((r) => r.engine === 'agents')) {
    const m = d.runs.find((r) => r.engine === 'matrix' && r.rule === a.rule && r.seed === a.seed)!;
    a.curve.forEach((p, k) => {
      gap = Math.max(
        gap,
        Math.abs(p.testAccuracy - m.curve[k]!.testAccuracy),
        Math.abs(p.testLoss - m.curve[k]!.testLoss),
      );
    });
  }
  return [
    {
      text:
        `Every rule learns digits: after ${d.budget.epochs} epochs held-out accuracy ` +
        `is ${accuracy.map((a) => `${ruleLabel(a.rule)} ${(100 * a.mean).toFixed(1)} %`).join(', ')} ` +
        `(mean of ${d.budget.seeds} seeds; chance is 10 %; claim: all above 85 %).`,
      holds: accuracy.every((a) => a.mean > 0.85),
      key: true,
    },
    {
      text:
        `The agents engine's curves lie on the matrix engine's: ` +
        `the largest difference in held-out accuracy or loss, over every rule, seed and epoch, ` +
        `is ${gap.toExponential(1)}.`,
      holds: gap < 1e-9,
    },
  ];
}

const experiment: Experiment<Budget> = {
  name: 'classification',
  description:
    "The essay's second diagram: digits with a softmax output and cross-entropy, " +
    'whose output error is y − t as in regression. Held-out loss and accuracy over epochs for every rule ' +
    'on every engine, mean ± sd over seeds.',
  budgets: {
    quick: { seeds: 3, epochs: 4, η: 0.02, trainPatterns: 500, testFraction: 0.2 },
    full: { seeds: 5, epochs: 20, η: 0.02, trainPatterns: null, testFraction: 0.2 },
  },

  async run({ budget, random, progress }) {
    const spec = parseNetSpec(JSON.parse(readFileSync(join(PACKAGE_ROOT, NET_FILE), 'utf8')), NET_FILE);
    const digits = loadDigits();
    const total = COMBOS.length * budget.seeds * budget.epochs;
    let done = 0;
    const seeds = Array.from({ length: budget.seeds }, (_, s) =>
      trainSeed(s, spec, digits, budget, random, () => progress(++done, total)),
    );
    const runs = seeds.flatMap((x) => x.runs);
    const sizes = seeds[seeds.length - 1]!.sizes;
    const summary = summarise(runs);
    const subtitle = [
      `${NET_FILE}, ${sizes.train} training and ${sizes.test} held-out digits, η = ${budget.η}, one pattern per step`,
      `band: ± sd over ${budget.seeds} seeds; dashed: the agents engine (on top of matrix where both exist)`,
    ];
    return {
      data: {
        budget,
        net: NET_FILE,
        patterns: sizes,
        missing: [] /* kept in data.json's layout: every engine builds every rule */,
        runs,
        summary,
      },
      timings: { secondsPerEpoch: seeds.flatMap((x) => x.seconds) },
      headline: headlineOf(runs),
      specs: {
        accuracy: metricChart({
          title: 'Digits: held-out accuracy over epochs (from epoch 1; chance is 10%)',
          subtitle,
          values: summary.filter((row) => row.epoch > 0),
          y: { field: 'accuracy', title: 'held-out accuracy (mean ± sd)', format: '.0%', zero: false },
          field: 'accuracy',
        }),
        loss: metricChart({
          title: 'Digits: held-out cross-entropy −Σ t log y over epochs',
          subtitle,
          values: summary,
          y: { field: 'loss', title: 'held-out loss (mean ± sd)' },
          field: 'loss',
        }),
      },
    };
  },
  claims,
};

export default experiment;
runStandalone(import.meta.url, experiment);
