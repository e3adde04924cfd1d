/**
 * The agents' messages (README, The agents engine). Every message carries the virtual tick at which it was sent.
 * One synaptic hop takes one tick: a neuron handling a message sent at tick t sends its own at t + 1.
 *
 *   activation     y_j = g(z_j), forward
 *   error          Δz_j = g'(z_j)·Δy_j, backward, with w_ij·Δz_j for each incoming synapse i (the push)
 *   nudge          the teacher at the output (the target t_j; symmetric merged nudges twice, +β then −β)
 *   lateral        among the output group (softmax normalisation)
 *   weight-update  a neuron's local updates x_i·Δz_j; observable by reports, never read by another
 *                  neuron (a conv position's are summed by its kernel agent, which owns the shared kernel)
 *
 * Every message is a new object, and nothing in it, its arrays included, is written after it is sent:
 * a receiver may keep what it reads (a synapse keeps its volley as its trace x) without copying it.
 */
import type { SgdOptions } from '../nn/momentum-step.ts';

export type Kind = 'activation' | 'error' | 'nudge' | 'lateral' | 'weight-update';
export const KINDS: readonly Kind[] = ['activation', 'error', 'nudge', 'lateral', 'weight-update'];

/** One neuron's message: its address (layer, index in the layer — an identity, not a reference) and one value. */
export interface Signal {
  kind: Kind;
  tick: number;
  readonly layer: number;
  readonly neuron: number;
  value: number;
}

/**
 * An error message: Δz_j, and w_ij·Δz_j for each incoming synapse, addressed to presynaptic neurons `pre` (null:
 * synapse i comes from neuron i).
 */
export interface ErrorSignal extends Signal {
  kind: 'error';
  /** null in the first layer: the inputs do not learn, so nothing is pushed back to them. */
  readonly pushed: Float64Array | null;
  readonly pre: Int32Array | null;
}

/** A layer's messages bundled by a tract into one message: values[i] is neuron i's. */
export interface Volley {
  tick: number;
  values: Float64Array;
  /** No value is infinite or NaN (then x_i·0 = 0, so a synapse with Δz_j = 0 has nothing to learn). */
  finite: boolean;
}

/** The teacher's volley to the output group: the targets, and whether this pattern is learned (else only evaluated). */
export interface Nudge extends Volley {
  learn: boolean;
  /** 0: the nudge after the free phase; 1: symmetric merged's second nudge (−β), same targets. */
  phase: number;
}

/** A neuron's local updates for one pattern, sent at the tick its error arrived. */
export interface WeightUpdate {
  readonly kind: 'weight-update';
  tick: number;
  readonly layer: number;
  readonly neuron: number;
  /** Presynaptic neuron of each synapse (null: synapse i comes from neuron i). */
  readonly pre: Int32Array | null;
  /** Conv: the kernel entry each synapse is tied to; null for dense. */
  readonly tap: Int32Array | null;
  /** x_i·Δz_j per synapse: the synapse's change is δw_ij = −η·x_i·Δz_j (summed over a minibatch, times 1/B). */
  readonly xΔz: Float64Array;
  /** Δz_j: the bias's x_0·Δz_j (virtual input x_0 = 1). */
  Δz: number;
}

/** The per-synapse view of a weight update (pre = −1 is the bias, the virtual input fixed at 1). */
export interface SynapseUpdate {
  tick: number;
  layer: number;
  pre: number;
  post: number;
  xΔz: number;
}

/** The batch boundary: every synapse applies w ← w − η·(1/B)·Σ of its pending local updates. */
export interface BatchBoundary {
  tick: number;
  η: number;
  B: number;
  /** Momentum and weight decay: each synapse then steps its own velocity (nn/momentum-step.ts). */
  sgd?: SgdOptions;
}

/** A kernel agent's broadcast of its filter after a step: the tied weights of all its positions. */
export interface KernelBroadcast {
  tick: number;
  weights: Float64Array;
  bias: number;
}

/** An output neuron's report to the teacher: its prediction (y, or softmax p) and its term of E. */
export interface Readout {
  readonly neuron: number;
  prediction: number;
  loss: number;
}
