/**
 * gradient() for an engine whose synapses keep their own pending sums (the agents engine, in either
 * time): the batch's summed update direction, ∇ = Σ_p u_p, read from the synapses after presenting
 * each pattern. The sums of a step in progress are set aside first and put back after, so asking for
 * a gradient never disturbs training.
 */
import type { GradientResult } from '../nn/network.ts';
import { type Params, zerosLike } from '../nn/params.ts';

/** What the engine lends: its sums, one pattern's presentation (returning E_p) and its last prediction. */
export interface SynapseSums {
  read(): Params;
  write(sums: Params): void;
  present(x: Float64Array, t: ArrayLike<number>): number;
  prediction(): Float64Array;
}

export function gradientFromSums(
  engine: SynapseSums,
  inputs: Float64Array[],
  targets: ArrayLike<number>[],
): GradientResult {
  const pending = engine.read();
  engine.write(zerosLike(pending));
  let loss = 0;
  const outputs: Float64Array[] = [];
  for (let p = 0; p < inputs.length; p++) {
    loss += engine.present(inputs[p]!, targets[p]!);
    outputs.push(Float64Array.from(engine.prediction()));
  }
  const gradients = engine.read();
  engine.write(pending);
  return { loss, outputs, gradients };
}

/** One layer's params from its owners' rows (each a weight vector w and a bias b), in the params layout. */
export function gather(rows: { w: Float64Array; b: number }[]): { weights: Float64Array; bias: Float64Array } {
  const weights = new Float64Array(rows.reduce((n, r) => n + r.w.length, 0));
  const bias = new Float64Array(rows.length);
  let offset = 0;
  rows.forEach((r, j) => {
    weights.set(r.w, offset);
    offset += r.w.length;
    bias[j] = r.b;
  });
  return { weights, bias };
}
