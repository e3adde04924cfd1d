/**
 * What every layer does, in the essay's notation (x is the layer's input, y its output):
 *   forward   z = W x + b,   y = g(z)
 *   backward  Δz = g'(z) ⊙ Δy                       (the network does this step, see network.ts)
 *             ∂E/∂w_ij += x_i Δz_j,  ∂E/∂b_j += Δz_j  (bias: weight from a virtual input fixed at 1)
 *             Δx_i = Σ_j w_ij Δz_j                    (pushing the error back through the weights)
 * A layer keeps the state of the last pattern it saw (z, y), which its backward reads.
 * Each layer has one forward and one backward; the backward forms the gradient, the error for
 * the layer below, or both, in the forward's loop nest.
 */
import type { Activation } from './activation.ts';
import type { LayerParams } from './params.ts';
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
  /**
   * True when one pattern's gradient puts exactly one term x_i Δz_j on each weight (dense; not
   * conv, whose kernel weights are shared by every position). Then w ← w − η x Δzᵀ applied
   * straight into W gives the same numbers as forming the gradient first.
   */
  readonly oneTermPerWeight: boolean;
  /** z = W x + b, then y = g(z). */
  forward(x: Float64Array): void;
  /**
   * The backward pass for the error Δz at the potentials:
   *   into.weights += scale · x Δzᵀ,  into.bias += scale · Δz     when `into` is given (x is read only then)
   *   Δx = Vᵀ Δz, V = W or `via` (feedback alignment's fixed B)  when `Δx` is given
   * scale = 1 accumulates a gradient; into = {W, b} with scale = −η is the essay's step.
   */
  backward(
    x: Float64Array,
    Δz: Float64Array,
    into: LayerParams | null,
    Δx: Float64Array | null,
    via?: Float64Array,
    scale?: number,
  ): void;
  /** backward for the gradient only: gw += x Δzᵀ and gb += Δz, in the weights' layout. */
  accumulateGradient(x: Float64Array, Δz: Float64Array, gw: Float64Array, gb: Float64Array): void;
  /** backward for the error only: Δx = Wᵀ Δz, or Vᵀ Δz through `via`. */
  pushError(Δz: Float64Array, Δx: Float64Array, via?: Float64Array): void;
}

/** The x of a backward pass that forms no gradient (it is never read). */
export const NO_INPUT = new Float64Array(0);

/** y = g(z) over a whole layer. */
export function activate(layer: Pick<Layer, 'activation' | 'z' | 'y'>): void {
  const { activation, z, y } = layer;
  for (let j = 0; j < z.length; j++) y[j] = activation.g(z[j]!);
}

/** Δz = g'(z) ⊙ Δy over a whole layer. */
export function errorAtPotential(
  layer: Pick<Layer, 'activation' | 'z' | 'y'>,
  Δy: Float64Array,
  Δz: Float64Array,
): void {
  const { activation, z, y } = layer;
  for (let j = 0; j < z.length; j++) Δz[j] = activation.dg(z[j]!, y[j]!) * Δy[j]!;
}
