import { InvalidArgumentError, type Command } from 'commander';
import { DivergenceError, InputError } from '../core/errors.ts';
import { createRandom, type Random } from '../core/random.ts';
import {
  DATASET_NAMES,
  datasetFile,
  seededSubset,
  splitDataset,
  type DatasetName,
  type LabelledDataset,
} from '../data/datasets.ts';
import {
  DEFAULT_DATA_DIRS,
  IDX_DATASET_NAMES,
  isIdxDatasetName,
  loadIdxDataset,
  resolveDataDir,
  type IdxPart,
} from '../data/mnist.ts';
import { AgentsEngine, ContinuousEngine, createEngine, OverlapEngine } from '../engines/index.ts';
import { usesVelocity } from '../nn/momentum-step.ts';
import { setThreads } from '../engines/threads/thread-pool.ts';
import type { EngineName } from '../nn/engine.ts';
import type { RuleOptions } from '../rules/index.ts';
import { cloneParams, defaultInit, initParams, paramsFileChunks, type Params } from '../nn/params.ts';
import { nonFiniteIn, ruleSettingHint } from './divergence-hint.ts';
import { train, type Dataset, type EpochReport, type Metrics } from '../nn/sgd.ts';
import type { NetSpec } from '../nn/spec.ts';
import { addRuleOptions } from './grad.ts';
import { timingOf, type TimingFlags } from './timing-options.ts';
import {
  ALL_DATASET_NAMES,
  dynamicsOptions,
  checkDatasetFits,
  fraction,
  loadBatch,
  nonNegativeInt,
  nonNegativeNumber,
  loadNamedDataset,
  loadNet,
  loadParams,
  oneOf,
  positiveInt,
  positiveNumber,
  ruleOptions,
  type RuleFlags,
} from './options.ts';
import { checkOutFile, writeOut, type CommandInputs } from './out-path.ts';

export interface TrainFlags extends RuleFlags, TimingFlags {
  net: string;
  params?: string;
  data?: string;
  dataset?: string;
  dataDir?: string;
  limit?: number;
  testLimit?: number;
  epochs: number;
  lr: number;
  batch: number;
  threads?: number;
  engine: EngineName;
  shuffle: boolean;
  testFraction: number;
  momentum: number;
  weightDecay: number;
  lrSteps?: number[];
  lrGamma: number;
  pad: number;
  out?: string;
}

/** --lr-steps 50,75: epoch counts, increasing positive integers. */
export function lrSteps(value: string): number[] {
  const steps = value.split(',').map((s) => s.trim());
  const numbers = steps.map(Number);
  const bad = steps.findIndex((s, k) => !/^\d+$/.test(s) || !Number.isSafeInteger(numbers[k]) || numbers[k]! <= 0);
  if (bad >= 0) throw new InvalidArgumentError(`expected epoch counts like 50,75, got "${steps[bad]}" in "${value}"`);
  const down = numbers.findIndex((n, k) => k > 0 && n <= numbers[k - 1]!);
  if (down >= 0) throw new InvalidArgumentError(`expected increasing epoch counts, got "${value}"`);
  return numbers;
}

const pct = (a: number | null): string => (a === null ? '' : ` acc ${(100 * a).toFixed(2)}%`);
const line = (m: Metrics): string => `loss ${m.loss.toFixed(4)}${pct(m.accuracy)}`;

export function formatEpoch(r: EpochReport, epochs: number): string {
  return `epoch ${r.epoch}/${epochs}  train ${line(r.train)}${r.test ? `  test ${line(r.test)}` : ''}`;
}

/**
 * The training and held-out sets. Shipped data and --data files are split with the seed
 * (--test-fraction held out); fashion-mnist and mnist keep their official split (train and
 * t10k files). --limit and --test-limit then keep a seeded choice of that many patterns.
 */
export function loadTrainTest(spec: NetSpec, opts: TrainFlags, random: Random): { train: Dataset; test: Dataset } {
  if ((opts.data === undefined) === (opts.dataset === undefined))
    throw new InputError('train needs exactly one of --data FILE or --dataset NAME');
  // An empty folder would be the working directory, read without a word.
  if (opts.dataDir?.trim() === '')
    throw new InputError('--data-dir is empty (an unset shell variable?); give a folder');
  let train: Dataset;
  let test: Dataset;
  if (opts.dataset !== undefined && isIdxDatasetName(opts.dataset)) {
    const name = opts.dataset;
    // Choosing while loading converts only the chosen images to float64.
    const load = (part: IdxPart, limit: number | undefined): LabelledDataset =>
      loadIdxDataset(name, part, {
        dataDir: opts.dataDir,
        limit,
        random: random.derive(part === 'train' ? 'limit' : 'test-limit'),
        pad: opts.pad,
      });
    const trainPart = load('train', opts.limit);
    checkDatasetFits(spec, name, trainPart.inputs[0]!.length, trainPart.classes);
    const testPart = load('test', opts.testLimit);
    // The held-out images are checked too: images of another size would otherwise be cut or overrun.
    checkDatasetFits(spec, `${name} (its t10k test files)`, testPart.inputs[0]!.length, testPart.classes);
    train = trainPart;
    test = testPart;
  } else {
    if (opts.pad !== 0)
      throw new InputError(
        `--pad applies to --dataset ${IDX_DATASET_NAMES.join(' or ')}, not to ${opts.data ?? opts.dataset}`,
      );
    if (opts.dataDir !== undefined)
      throw new InputError(
        `--data-dir applies to --dataset ${IDX_DATASET_NAMES.join(' or ')}, not to ${opts.data ?? opts.dataset}`,
      );
    const data = opts.data !== undefined ? loadBatch(spec, opts.data) : loadNamedDataset(spec, opts.dataset!);
    const split = splitDataset(data, random.derive('split'), opts.testFraction, { keepOrder: true });
    train = opts.limit === undefined ? split.train : seededSubset(split.train, opts.limit, random.derive('limit'));
    test =
      opts.testLimit === undefined ? split.test : seededSubset(split.test, opts.testLimit, random.derive('test-limit'));
  }
  if (opts.limit !== undefined && train.inputs.length < opts.limit)
    throw new InputError(`--limit ${opts.limit} is more than the ${train.inputs.length} training patterns`);
  if (opts.testLimit !== undefined && test.inputs.length < opts.testLimit)
    throw new InputError(`--test-limit ${opts.testLimit} is more than the ${test.inputs.length} held-out patterns`);
  if (train.inputs.length === 0)
    throw new InputError(`no training patterns left after holding out ${opts.testFraction} of them`);
  return { train, test };
}

/**
 * Training diverged, and the message suggests a smaller --lr. If the rule's own update direction
 * is already non-finite at the starting params (on the first patterns), the learning rate is not
 * to blame: predictive coding's inference or the merged rule's nudge diverged. Say so instead.
 */
function blameRuleSetting(
  e: DivergenceError,
  spec: NetSpec,
  params: Params,
  rule: RuleOptions,
  engineName: EngineName,
  data: Dataset,
): DivergenceError {
  if (rule.rule !== 'predictive-coding' && rule.rule !== 'merged') return e;
  const n = Math.min(data.inputs.length, 16);
  const engine = createEngine(engineName, spec, cloneParams(params), rule);
  const start = engine.gradient(data.inputs.slice(0, n), data.targets.slice(0, n));
  const where = nonFiniteIn(start);
  if (where === null) return e;
  const before = `the rule's update is not finite even before the first step (${where})`;
  return new DivergenceError(`${e.message.replace(/; try a smaller --lr$/, '')}; ${before}: ${ruleSettingHint(rule)}`);
}

/** The files and folders train reads, which its --out must not replace. */
function trainInputs(opts: TrainFlags): CommandInputs {
  const files = [opts.net, opts.params, opts.data];
  const folders: string[] = [];
  if (opts.dataset !== undefined && isIdxDatasetName(opts.dataset))
    folders.push(resolveDataDir(opts.dataset, opts.dataDir).dir);
  else if (opts.dataset !== undefined && (DATASET_NAMES as readonly string[]).includes(opts.dataset)) {
    files.push(datasetFile(opts.dataset as DatasetName));
  }
  return { files, folders };
}

export function registerTrain(program: Command): void {
  addRuleOptions(
    program
      .command('train')
      .description(
        "train a net with SGD; prints each epoch's loss and accuracy (train and held-out) to stderr, " +
          'a JSON summary to stdout, and writes the trained params with --out',
      )
      .requiredOption('--net <file>', 'net spec (*.net.json)')
      .option('--params <file>', 'initial params (default: initialised from --seed)')
      .option(
        '--data <file>',
        'training data: a batch file { "inputs": [[...]], "targets": [[...]] }, or a CSV file (*.csv, ' +
          '*.csv.gz) with the inputs then the class label 0..K−1 on each line; ' +
          'a seeded --test-fraction (default 0.2) of the patterns is held out, ' +
          "the rest keep the file's order",
      )
      .option(
        '--dataset <name>',
        `a data set: digits (8×8, 10 classes) or iris (4 features, 3 classes), shipped; ` +
          `fashion-mnist or mnist (28×28, 10 classes, pixels/255) from IDX files in --data-dir`,
        oneOf(ALL_DATASET_NAMES),
      )
      .option(
        '--data-dir <dir>',
        `folder of the fashion-mnist or mnist IDX files (default: $LOCALPROP_DATA, ` +
          `else ${DEFAULT_DATA_DIRS['fashion-mnist']} or ${DEFAULT_DATA_DIRS.mnist})`,
      )
      .option('--limit <n>', 'train on a seeded choice of n of the training patterns', positiveInt)
      .option('--test-limit <n>', 'measure on a seeded choice of n of the held-out patterns', positiveInt)
      .option('--epochs <n>', 'epochs', positiveInt, 10)
      .option('--lr <η>', 'learning rate η', positiveNumber, 0.01)
      .option('--batch <B>', 'minibatch size B: w ← w − η·(1/B)·Σ ∂E/∂w', positiveInt, 1)
      .option('--momentum <μ>', "momentum μ ∈ [0, 1), PyTorch's: v ← μ·v + g, w ← w − η·v", fraction, 0)
      .option(
        '--weight-decay <λ>',
        'weight decay λ ≥ 0: λ·w is added to g before the momentum (biases too)',
        nonNegativeNumber,
        0,
      )
      .option(
        '--lr-steps <e1,e2,...>',
        'multiply η by --lr-gamma once each of these numbers of epochs is done',
        lrSteps,
      )
      .option('--lr-gamma <γ>', 'the factor of --lr-steps', positiveNumber, 0.1)
      .option(
        '--pad <p>',
        'fashion-mnist and mnist: p zero pixels around each image (2: 28×28 → 32×32)',
        nonNegativeInt,
        0,
      )
      .option('--seed <seed>', 'seed for init, split, subsets, shuffling and feedback weights', '1')
      .option('--no-shuffle', 'present the patterns in file order every epoch')
      .option(
        '--test-fraction <f>',
        'fraction of the patterns held out for testing (seeded split; ' +
          'fashion-mnist and mnist use their official test set instead)',
        fraction,
        0.2,
      )
      .option(
        '--out <file>',
        'write the trained params here (atomically; nothing is written if training fails or diverges)',
      )
      .option(
        '--threads <n>',
        'threads a minibatch of 16 or more is split over (the numbers do not change; default: the cores)',
        positiveInt,
      ),
    true,
  ).action((opts: TrainFlags) => {
    const out = opts.out === undefined ? null : checkOutFile(opts.out, trainInputs(opts));
    if (out?.kind === 'stdout') {
      throw new InputError(
        `--out ${opts.out}: train prints its JSON summary on standard output; give a file name for the params`,
      );
    }
    if (opts.threads !== undefined) setThreads(opts.threads);
    const spec = loadNet(opts.net);
    const random = createRandom(opts.seed);
    const params = opts.params
      ? loadParams(spec, opts.params)
      : initParams(spec, random.derive('init'), defaultInit(spec));
    const { train: trainSet, test } = loadTrainTest(spec, opts, random);
    const rule = ruleOptions(opts);
    const timing = timingOf(opts, opts.engine, random.derive('delays'));
    const engine = createEngine(opts.engine, spec, cloneParams(params), rule, {}, dynamicsOptions(opts), timing);
    if (engine instanceof ContinuousEngine && usesVelocity({ momentum: opts.momentum, weightDecay: opts.weightDecay }))
      throw new InputError('--momentum and --weight-decay do not apply to --dynamics leaky (its neurons step alone)');
    const classify = spec.loss === 'softmax-cross-entropy';
    let reports: EpochReport[];
    try {
      reports = train(engine, trainSet, test.inputs.length > 0 ? test : null, {
        epochs: opts.epochs,
        η: opts.lr,
        sgd: { momentum: opts.momentum, weightDecay: opts.weightDecay },
        lrSteps: opts.lrSteps,
        lrGamma: opts.lrGamma,
        batch: opts.batch,
        shuffle: opts.shuffle ? random.derive('shuffle') : null,
        classify,
        spec,
        onEpoch: (r) => process.stderr.write(`${formatEpoch(r, opts.epochs)}\n`),
      });
    } catch (e) {
      throw e instanceof DivergenceError ? blameRuleSetting(e, spec, params, rule, opts.engine, trainSet) : e;
    }
    if (out) writeOut(out, paramsFileChunks(spec, engine.snapshot()));
    const delays = engine instanceof AgentsEngine ? engine.delays : null;
    const overlap =
      engine instanceof OverlapEngine
        ? { delays: engine.delaySummary, presentEvery: engine.presentEvery, weights: engine.weightVersion }
        : null;
    const scheduled =
      delays !== null ? { timing: 'scheduled', delays } : overlap ? { timing: 'scheduled', ...overlap } : {};
    // What reproduces the run: the rule's own options as given, and the SGD settings.
    const given = Object.entries(rule).filter(([k, v]) => k !== 'rule' && k !== 'feedbackSeed' && v !== undefined);
    const summary = {
      engine: opts.engine,
      rule: opts.rule,
      ...(given.length > 0 ? { ruleOptions: Object.fromEntries(given) } : {}),
      seed: opts.seed,
      sgd: {
        lr: opts.lr,
        batch: opts.batch,
        momentum: opts.momentum,
        weightDecay: opts.weightDecay,
        ...(opts.lrSteps ? { lrSteps: opts.lrSteps, lrGamma: opts.lrGamma } : {}),
        shuffle: opts.shuffle,
      },
      ...scheduled,
      trainPatterns: trainSet.inputs.length,
      testPatterns: test.inputs.length,
      epochs: reports,
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  });
}
