import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { createRandom } from '../core/random.ts';
import { writeFileAtomic } from '../core/write-atomic.ts';
import { splitDataset } from '../data/datasets.ts';
import { createEngine } from '../engines/index.ts';
import type { EngineName } from '../nn/engine.ts';
import { defaultInit, initParams, paramsToJSON } from '../nn/params.ts';
import { train, type EpochReport, type Metrics } from '../nn/sgd.ts';
import { addRuleOptions } from './grad.ts';
import { fraction, loadBatch, loadNamedDataset, loadNet, loadParams, positiveInt, positiveNumber, ruleOptions, type RuleFlags } from './options.ts';

interface TrainFlags extends RuleFlags {
  net: string;
  params?: string;
  data?: string;
  dataset?: string;
  epochs: number;
  lr: number;
  batch: number;
  engine: EngineName;
  shuffle: boolean;
  testFraction: number;
  out?: string;
}

const pct = (a: number | null): string => (a === null ? '' : ` acc ${(100 * a).toFixed(2)}%`);
const line = (m: Metrics): string => `loss ${m.loss.toFixed(4)}${pct(m.accuracy)}`;

export function formatEpoch(r: EpochReport, epochs: number): string {
  return `epoch ${r.epoch}/${epochs}  train ${line(r.train)}${r.test ? `  test ${line(r.test)}` : ''}`;
}

export function registerTrain(program: Command): void {
  addRuleOptions(
    program
      .command('train')
      .description('train a net with SGD; prints each epoch\'s loss and accuracy (train and held-out) to stderr, a JSON summary to stdout, and writes the trained params with --out')
      .requiredOption('--net <file>', 'net spec (*.net.json)')
      .option('--params <file>', 'initial params (default: initialised from --seed)')
      .option('--data <file>', 'training data as a batch file { "inputs": [[...]], "targets": [[...]] }')
      .option('--dataset <name>', 'a shipped data set: digits (8×8, 10 classes) or iris (4 features, 3 classes)')
      .option('--epochs <n>', 'epochs', positiveInt, 10)
      .option('--lr <η>', 'learning rate η', positiveNumber, 0.01)
      .option('--batch <B>', 'minibatch size B: w ← w − η·(1/B)·Σ ∂E/∂w', positiveInt, 1)
      .option('--seed <seed>', 'seed for init, split, shuffling and feedback weights', '1')
      .option('--no-shuffle', 'present the patterns in file order every epoch')
      .option('--test-fraction <f>', 'fraction of the patterns held out for testing (seeded split)', fraction, 0.2)
      .option('--out <file>', 'write the trained params here'),
  ).action((opts: TrainFlags) => {
    if ((opts.data === undefined) === (opts.dataset === undefined)) throw new InputError('train needs exactly one of --data FILE or --dataset NAME');
    const spec = loadNet(opts.net);
    const random = createRandom(opts.seed);
    const params = opts.params ? loadParams(spec, opts.params) : initParams(spec, random.derive('init'), defaultInit(spec));
    const data = opts.data ? loadBatch(spec, opts.data) : loadNamedDataset(spec, opts.dataset!);
    const { train: trainSet, test } = splitDataset(data, random.derive('split'), opts.testFraction);
    if (trainSet.inputs.length === 0) throw new InputError(`no training patterns left after holding out ${opts.testFraction} of ${data.inputs.length}`);
    const engine = createEngine(opts.engine, spec, params, ruleOptions(opts));
    const classify = spec.loss === 'softmax-cross-entropy';
    const reports = train(engine, trainSet, test.inputs.length > 0 ? test : null, {
      epochs: opts.epochs,
      η: opts.lr,
      batch: opts.batch,
      shuffle: opts.shuffle ? random.derive('shuffle') : null,
      classify,
      onEpoch: (r) => process.stderr.write(formatEpoch(r, opts.epochs) + '\n'),
    });
    if (opts.out) writeFileAtomic(opts.out, JSON.stringify(paramsToJSON(spec, engine.snapshot())) + '\n');
    const summary = { engine: opts.engine, rule: opts.rule, seed: opts.seed, trainPatterns: trainSet.inputs.length, testPatterns: test.inputs.length, epochs: reports };
    process.stdout.write(JSON.stringify(summary) + '\n');
  });
}
