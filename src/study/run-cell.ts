/**
 * Train one cell of a study and describe the run: per epoch and at the end, the mean loss and
 * the accuracy on the training and held-out patterns. The seed drives everything as in
 * `localprop train` (init, split, subsets, shuffling and feedback weights are derived from it
 * under the same labels), so a cell is the train command with the same flags. A run that
 * diverges is a result too: its message and the epochs before it.
 */
import { resolve } from 'node:path';
import { DivergenceError, InputError } from '../core/errors.ts';
import { createRandom, type Random } from '../core/random.ts';
import {
  isIdxDatasetName,
  loadDataset,
  readDataFile,
  readJsonFile,
  seededSubset,
  splitDataset,
  loadIdxDataset,
  type LabelledDataset,
} from '../data/index.ts';
import { createEngine } from '../engines/index.ts';
import { defaultInit, initParams } from '../nn/params.ts';
import { train, type Dataset, type EpochReport, type Metrics } from '../nn/sgd.ts';
import { parseNetSpec, type NetSpec } from '../nn/spec.ts';
import type { Cell } from './study-spec.ts';

export interface CellResult {
  id: string;
  config: Cell['config'];
  status: 'done' | 'diverged';
  /** Why training stopped, for a diverged cell. */
  message?: string;
  trainPatterns: number;
  testPatterns: number;
  /** The last epoch's metrics (null if the run diverged in its first epoch). */
  final: { train: Metrics; test: Metrics | null } | null;
  epochs: EpochReport[];
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function outputSize(spec: NetSpec, source: string): number {
  const last = spec.layers[spec.layers.length - 1]!;
  if (last.type !== 'dense') throw new InputError(`${source}: the last layer must be dense`);
  return last.units;
}

// A worker runs many cells: data sets (Fashion-MNIST is 60 000 images) are read once per worker.
const memo = new Map<string, unknown>();
function once<T>(key: string, make: () => T): T {
  if (!memo.has(key)) memo.set(key, make());
  return memo.get(key) as T;
}

function checkFits(spec: NetSpec, source: string, data: string, inputs: number, classes: number): void {
  const takes = size(spec.input);
  const units = outputSize(spec, source);
  if (inputs !== takes) {
    throw new InputError(`${source}: dataset ${data} has ${inputs} inputs per pattern, but the net takes ${takes}`);
  }
  if (classes !== units) {
    throw new InputError(`${source}: dataset ${data} has ${classes} classes, but the net's last layer has ${units}`);
  }
}

/** The training and held-out sets of a cell (the train command's choices for the same flags). */
function cellData(cell: Cell, spec: NetSpec, folder: string, random: Random): { train: Dataset; test: Dataset } {
  const c = cell.config;
  let trainSet: Dataset;
  let test: Dataset;
  if (isIdxDatasetName(c.dataset)) {
    const name = c.dataset;
    const part = (which: 'train' | 'test', limit: number | null): LabelledDataset => {
      const label = which === 'train' ? 'limit' : 'test-limit';
      // A whole part is the same for every cell: one copy per worker (60 000 images are 376 MB). A seeded
      // subset is read afresh, converting only its images, so a worker holds no subset beyond its cell.
      if (limit === null)
        return once(`${name}/${which}/pad${c.pad}`, () => loadIdxDataset(name, which, { pad: c.pad }));
      return loadIdxDataset(name, which, { limit, random: random.derive(label), pad: c.pad });
    };
    const trainPart = part('train', c.limit);
    checkFits(spec, c.net, name, trainPart.inputs[0]!.length, trainPart.classes);
    trainSet = trainPart;
    test = part('test', c.testLimit);
  } else {
    if (c.pad !== 0)
      throw new InputError(`cell ${cell.id}: pad applies to fashion-mnist and mnist, not to ${c.dataset}`);
    const file = /\.(json|csv|csv\.gz)$/i.test(c.dataset);
    const data: Dataset = file
      ? once(`file/${resolve(folder, c.dataset)}`, () =>
          readDataFile(resolve(folder, c.dataset), size(spec.input), outputSize(spec, c.net)),
        )
      : once(`named/${c.dataset}`, () => {
          const named = loadDataset(c.dataset);
          checkFits(spec, c.net, c.dataset, named.inputs[0]!.length, named.classes);
          return named;
        });
    const split = splitDataset(data, random.derive('split'), c.testFraction, { keepOrder: true });
    trainSet = c.limit === null ? split.train : seededSubset(split.train, c.limit, random.derive('limit'));
    test = c.testLimit === null ? split.test : seededSubset(split.test, c.testLimit, random.derive('test-limit'));
  }
  const n = trainSet.inputs.length;
  if (c.limit !== null && n < c.limit) {
    throw new InputError(`cell ${cell.id}: limit ${c.limit} is more than the ${n} training patterns`);
  }
  if (n === 0) {
    throw new InputError(`cell ${cell.id}: no training patterns left after holding out ${c.testFraction} of them`);
  }
  return { train: trainSet, test };
}

/** Run one cell; `studyFolder` anchors its net and data paths. Bad input throws InputError. */
export function runCell(cell: Cell, studyFolder: string): CellResult {
  const c = cell.config;
  const netPath = resolve(studyFolder, c.net);
  const spec = once(`net/${netPath}`, () => parseNetSpec(readJsonFile(netPath), c.net));
  const random = createRandom(c.seed);
  const params = initParams(spec, random.derive('init'), defaultInit(spec));
  const data = cellData(cell, spec, studyFolder, random);
  const { name, lr: ruleLr, ...ruleOptions } = c.rule;
  const rule = { rule: name, ...ruleOptions, feedbackSeed: `${c.seed}/feedback` };
  const engine = createEngine(c.engine, spec, params, rule);
  const epochs: EpochReport[] = [];
  const base = {
    id: cell.id,
    config: c,
    trainPatterns: data.train.inputs.length,
    testPatterns: data.test.inputs.length,
  };
  try {
    train(engine, data.train, data.test.inputs.length > 0 ? data.test : null, {
      epochs: c.epochs,
      η: ruleLr ?? c.lr,
      sgd: { momentum: c.momentum, weightDecay: c.weightDecay },
      lrSteps: c.lrSteps,
      lrGamma: c.lrGamma,
      batch: c.batch,
      shuffle: c.shuffle ? random.derive('shuffle') : null,
      classify: spec.loss === 'softmax-cross-entropy',
      spec,
      onEpoch: (r) => epochs.push(r),
    });
  } catch (e) {
    if (!(e instanceof DivergenceError)) throw e;
    const last = epochs[epochs.length - 1];
    const final = last ? { train: last.train, test: last.test } : null;
    return { ...base, status: 'diverged', message: e.message, final, epochs };
  }
  const last = epochs[epochs.length - 1]!;
  return { ...base, status: 'done', final: { train: last.train, test: last.test }, epochs };
}

/** A cell's result file: the same bytes wherever and whenever the cell ran. */
export function cellResultToJSON(result: CellResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
