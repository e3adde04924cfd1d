/**
 * The engine axis: a way of carrying out a learning rule on a net. The matrix engine
 * and the agents engine both implement this, so one training loop drives either with the same
 * pattern order, and their weights can be compared after every step.
 */
import type { Params } from './params.ts';
import type { SgdOptions } from './momentum-step.ts';
import type { GradientResult } from './network.ts';

export type EngineName = 'matrix' | 'agents';
export const ENGINE_NAMES: readonly EngineName[] = ['matrix', 'agents'];

export interface Engine {
  readonly name: EngineName;
  /**
   * Present one training pattern: forward, then the rule's update direction for this pattern is
   * added to the pending sum (not applied). Returns E; `prediction` then holds this pattern's output.
   */
  learn(x: Float64Array, t: ArrayLike<number>): number;
  /**
   * learn() for each pattern in turn, as one call: an engine may then compute them together
   * (the same numbers). Returns each pattern's E; `prediction` then holds the last one's output.
   */
  learnBatch?(inputs: readonly Float64Array[], targets: readonly ArrayLike<number>[]): Float64Array;
  /**
   * Apply the pending sum: w ← w − η · (1/B) · Σ, B = patterns learned since the last step; then clear it. With
   * momentum or weight decay (nn/momentum-step.ts) each weight's velocity takes the step instead.
   */
  step(η: number, sgd?: SgdOptions): void;
  /** Forward only: E for the pattern; `prediction` then holds the output. */
  evaluate(x: Float64Array, t: ArrayLike<number>): number;
  readonly prediction: Float64Array;
  /** The rule's update direction summed over the patterns, weights unchanged (the `grad` command). */
  gradient(inputs: Float64Array[], targets: ArrayLike<number>[]): GradientResult;
  /** A copy of the current params in the params layout (README, Formats). */
  snapshot(): Params;
  /** Name of the layer holding a non-finite weight, or null (divergence check). */
  nonFiniteLayer(): number | null;
}
