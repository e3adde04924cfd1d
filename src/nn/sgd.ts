/**
 * Stochastic gradient descent over epochs, for any engine. Per epoch: shuffle (seeded) the
 * training patterns, present them in minibatches of B, step after each batch:
 *   w ← w − η · (1/B) Σ_p ∂E_p/∂w      (a short last batch uses its own B)
 * then measure loss and accuracy on the training and held-out sets. With momentum μ and weight decay λ each weight
 * steps its velocity instead (momentum-step.ts, PyTorch's SGD). A step schedule multiplies η by γ once each listed
 * number of epochs is done (PyTorch's MultiStepLR stepped per epoch, milestones [50, 75]):
 *   η_e = η · γ^(number of steps s with s < e),  e = 1, 2, ... the epoch
 */
import { DivergenceError } from '../core/errors.ts';
import type { Random } from '../core/random.ts';
import { allFinite, argmax } from '../core/tensor.ts';
import type { Engine } from './engine.ts';
import { usesVelocity, type SgdOptions } from './momentum-step.ts';
import { Network } from './network.ts';
import type { NetSpec } from './spec.ts';

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
  /** Momentum and weight decay (absent, or both 0: the plain step). */
  sgd?: SgdOptions;
  /** Epoch counts after which η is multiplied by lrGamma, increasing (absent: a constant η). */
  lrSteps?: readonly number[];
  lrGamma?: number;
  /** Called after each epoch. */
  onEpoch?: (report: EpochReport) => void;
  /** Called after each step, with the number of patterns seen so far in this epoch. */
  onStep?: (epoch: number, seen: number) => void;
  /** Report classification accuracy (argmax of outputs against argmax of targets). */
  classify: boolean;
  /**
   * The net: lets a divergence name the first layer whose potentials or outputs went non-finite, not only its weights.
   */
  spec?: NetSpec;
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

const whatValue = (a: Float64Array): string => (a.some(Number.isNaN) ? 'NaN' : 'Infinity');

/**
 * Where the numbers first stopped being finite, layer by layer from the input: the weights of
 * layer l, else its potentials z or outputs y for pattern x, else the loss (on the last layer's
 * outputs, with their size). With the spec the current weights are run forward on x (learning a
 * pattern does not change the weights until the step, so this is the forward pass that produced
 * E); without it only the weights are scanned.
 */
export function locateDivergence(engine: Engine, spec: NetSpec | undefined, x: Float64Array | null, E: number): string {
  const params = engine.snapshot();
  const net = spec && x ? new Network(spec, params) : null;
  net?.forward(x!);
  for (let l = 0; l < params.layers.length; l++) {
    const { weights, bias } = params.layers[l]!;
    if (!allFinite(weights)) return `layer ${l}'s weights became ${whatValue(weights)}`;
    if (!allFinite(bias)) return `layer ${l}'s biases became ${whatValue(bias)}`;
    const layer = net?.layers[l];
    if (layer && !allFinite(layer.z)) return `layer ${l}'s potentials z became ${whatValue(layer.z)}`;
    if (layer && !allFinite(layer.y)) return `layer ${l}'s outputs y became ${whatValue(layer.y)}`;
  }
  const loss = `the loss became ${Number.isNaN(E) ? 'NaN' : E}`;
  if (!net) return loss;
  // Every layer is finite, so the loss overflowed on large outputs: name the output layer and how large.
  const L = params.layers.length - 1;
  const largest = net.output.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return `${loss} on layer ${L}'s outputs y (|y| up to ${largest.toExponential(2)})`;
}

/**
 * Throws DivergenceError naming the epoch, the pattern (its place in the epoch and its index in
 * the training set) and the first layer that went non-finite.
 */
function diverged(
  engine: Engine,
  options: TrainOptions,
  E: number,
  epoch: number,
  k: number,
  p: number,
  x: Float64Array | null,
  n: number,
): never {
  const where = locateDivergence(engine, options.spec, x, E);
  throw new DivergenceError(
    `training diverged at epoch ${epoch}, pattern ${k + 1} of ${n} (training pattern ${p}): ${where}; ` +
      `try a smaller --lr`,
  );
}

/** η for epoch e (from 1): η · γ^(steps already passed), η itself while none has. */
export function learningRateAt(η: number, epoch: number, steps: readonly number[] = [], γ = 1): number {
  let rate = η;
  for (const s of steps) if (s < epoch) rate *= γ;
  return rate;
}

export function train(
  engine: Engine,
  trainSet: Dataset,
  testSet: Dataset | null,
  options: TrainOptions,
): EpochReport[] {
  const reports: EpochReport[] = [];
  const order = trainSet.inputs.map((_, p) => p);
  const sgd = usesVelocity(options.sgd) ? options.sgd : undefined;
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const η = learningRateAt(options.η, epoch, options.lrSteps, options.lrGamma);
    if (options.shuffle) options.shuffle.shuffle(order);
    for (let start = 0; start < order.length; start += options.batch) {
      const end = Math.min(order.length, start + options.batch);
      // One call per batch where the engine computes a batch together (the same numbers as learn()).
      const batchE =
        engine.learnBatch && end - start > 1
          ? engine.learnBatch(
              order.slice(start, end).map((p) => trainSet.inputs[p]!),
              order.slice(start, end).map((p) => trainSet.targets[p]!),
            )
          : null;
      for (let k = start; k < end; k++) {
        const p = order[k]!;
        const E = batchE ? batchE[k - start]! : engine.learn(trainSet.inputs[p]!, trainSet.targets[p]!);
        // A step that made a weight non-finite shows here, in the next pattern's E.
        if (!Number.isFinite(E)) diverged(engine, options, E, epoch, k, p, trainSet.inputs[p]!, order.length);
      }
      if (sgd) engine.step(η, sgd);
      else engine.step(η);
      // A NaN weight behind a relu that is off may not reach E: scan the weights once per epoch.
      if (end === order.length && engine.nonFiniteLayer() !== null)
        diverged(engine, options, 0, epoch, end - 1, order[end - 1]!, null, order.length);
      options.onStep?.(epoch, end);
    }
    const report: EpochReport = {
      epoch,
      train: measure(engine, trainSet, options.classify),
      test: testSet ? measure(engine, testSet, options.classify) : null,
    };
    // Finite weights can still overflow on a pattern (a large relu net): that too is divergence, not a result.
    for (const [what, m] of [
      ['training', report.train],
      ['held-out', report.test],
    ] as const) {
      if (m && !Number.isFinite(m.loss))
        throw new DivergenceError(
          `training diverged at the end of epoch ${epoch}: the mean ${what} loss is ${m.loss}; try a smaller --lr`,
        );
    }
    reports.push(report);
    options.onEpoch?.(report);
  }
  return reports;
}
