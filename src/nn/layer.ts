/**
 * What every layer does, in the essay's notation (x is the layer's input, y its output):
 *   forward   z = W x + b,   y = g(z)
 *   backward  Δz = g'(z) ⊙ Δy                       (the network does this step, see network.ts)
 *             ∂E/∂w_ij += x_i Δz_j,  ∂E/∂b_j += Δz_j  (bias: weight from a virtual input fixed at 1)
 *             Δx_i = Σ_j w_ij Δz_j                    (pushing the error back through the weights)
 * A layer keeps the state of the last pattern it saw (z, y), which its backward reads.
 */
import type { Activation } from './activation.ts';
import type { ResolvedLayer } from './spec.ts';

export interface Layer {
  readonly spec: ResolvedLayer;
  readonly activation: Activation;
  readonly inSize: number;
  readonly outSize: number;
  /** The weights and biases, shared with the Params they came from: a step changes both. */
  readonly w: Float64Array;
  readonly b: Float64Array;
  readonly z: Float64Array;
  readonly y: Float64Array;
  /** z = W x + b, then y = g(z). */
  forward(x: Float64Array): void;
  /** gw += x Δzᵀ and gb += Δz, in the weights' layout. */
  accumulateGradient(x: Float64Array, Δz: Float64Array, gw: Float64Array, gb: Float64Array): void;
  /**
   * Δx = Wᵀ Δz: push the error back through the weights. `via` replaces W by another matrix
   * of the same layout (feedback alignment's fixed B).
   */
  pushError(Δz: Float64Array, Δx: Float64Array, via?: Float64Array): void;
}

/** y = g(z) over a whole layer. */
export function activate(layer: Pick<Layer, 'activation' | 'z' | 'y'>): void {
  const { activation, z, y } = layer;
  for (let j = 0; j < z.length; j++) y[j] = activation.g(z[j]!);
}

/** Δz = g'(z) ⊙ Δy over a whole layer. */
export function errorAtPotential(layer: Pick<Layer, 'activation' | 'z' | 'y'>, Δy: Float64Array, Δz: Float64Array): void {
  const { activation, z, y } = layer;
  for (let j = 0; j < z.length; j++) Δz[j] = activation.dg(z[j]!, y[j]!) * Δy[j]!;
}
