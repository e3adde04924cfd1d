/**
 * Stochastic gradient descent over epochs, for any engine. Per epoch: shuffle (seeded) the
 * training patterns, present them in minibatches of B, step after each batch:
 *   w ← w − η · (1/B) Σ_p ∂E_p/∂w      (a short last batch uses its own B)
 * then measure loss and accuracy on the training and held-out sets.
 */
import { DivergenceError } from '../core/errors.ts';
import type { Random } from '../core/random.ts';
import { argmax } from '../core/tensor.ts';
import type { Engine } from './engine.ts';

export interface Dataset {
  inputs: Float64Array[];
  targets: Float64Array[];
}

export interface TrainOptions {
  epochs: number;
  η: number;
  batch: number;
  /** Shuffle each epoch with this generator; null keeps the given order. */
  shuffle: Random | null;
  /** Called after each epoch. */
  onEpoch?: (report: EpochReport) => void;
  /** Called after each step, with the number of patterns seen so far in this epoch. */
  onStep?: (epoch: number, seen: number) => void;
  /** Report classification accuracy (argmax of outputs against argmax of targets). */
  classify: boolean;
}

export interface Metrics {
  /** Mean E per pattern. */
  loss: number;
  /** Fraction of argmax matches, or null for regression. */
  accuracy: number | null;
}

export interface EpochReport {
  epoch: number;
  train: Metrics;
  test: Metrics | null;
}

export function measure(engine: Engine, data: Dataset, classify: boolean): Metrics {
  let E = 0;
  let hits = 0;
  for (let p = 0; p < data.inputs.length; p++) {
    E += engine.evaluate(data.inputs[p]!, data.targets[p]!);
    if (classify && argmax(engine.prediction) === argmax(data.targets[p]!)) hits++;
  }
  const n = Math.max(1, data.inputs.length);
  return { loss: E / n, accuracy: classify ? hits / n : null };
}

/** Throws DivergenceError naming epoch, pattern and layer if a loss or weight stops being finite. */
// A NaN weight shows in the next pattern's E, except behind a relu that is off; an epoch-end scan catches those.
function checkFinite(engine: Engine, E: number, epoch: number, pattern: number): void {
  const layer = engine.nonFiniteLayer();
  if (Number.isFinite(E) && layer === null) return;
  const where = layer === null ? 'the loss' : `layer ${layer}'s weights`;
  throw new DivergenceError(`training diverged at epoch ${epoch}, pattern ${pattern}: ${where} became ${Number.isFinite(E) ? 'non-finite' : E}; try a smaller --lr`);
}

export function train(engine: Engine, trainSet: Dataset, testSet: Dataset | null, options: TrainOptions): EpochReport[] {
  const reports: EpochReport[] = [];
  const order = trainSet.inputs.map((_, p) => p);
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    if (options.shuffle) options.shuffle.shuffle(order);
    for (let start = 0; start < order.length; start += options.batch) {
      const end = Math.min(order.length, start + options.batch);
      for (let k = start; k < end; k++) {
        const E = engine.learn(trainSet.inputs[order[k]!]!, trainSet.targets[order[k]!]!);
        if (!Number.isFinite(E)) checkFinite(engine, E, epoch, order[k]!);
      }
      engine.step(options.η);
      if (end === order.length) checkFinite(engine, 0, epoch, order[end - 1]!);
      options.onStep?.(epoch, end);
    }
    const report: EpochReport = {
      epoch,
      train: measure(engine, trainSet, options.classify),
      test: testSet ? measure(engine, testSet, options.classify) : null,
    };
    reports.push(report);
    options.onEpoch?.(report);
  }
  return reports;
}
