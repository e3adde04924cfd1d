/**
 * The engine axis (DESIGN §1): a way of carrying out a learning rule on a net. The matrix engine
 * and the agents engine both implement this, so one training loop drives either with the same
 * pattern order, and their weights can be compared after every step.
 */
import type { Params } from './params.ts';
import type { GradientResult } from './network.ts';

export type EngineName = 'matrix' | 'agents';
export const ENGINE_NAMES: readonly EngineName[] = ['matrix', 'agents'];

export type RuleName = 'backprop' | 'merged' | 'predictive-coding' | 'feedback-alignment' | 'direct-feedback-alignment';
export const RULE_NAMES: readonly RuleName[] = ['backprop', 'merged', 'predictive-coding', 'feedback-alignment', 'direct-feedback-alignment'];

export interface RuleOptions {
  rule: RuleName;
  /** merged: nudge strength β, and whether to nudge both ways (±β). */
  beta?: number;
  symmetric?: boolean;
  /** predictive coding: inference steps T and rate γ; zil selects the Z-IL schedule. */
  steps?: number;
  gamma?: number;
  zil?: boolean;
  /** Seed for fixed random feedback weights (FA, DFA). */
  feedbackSeed?: string;
}

export interface Engine {
  readonly name: EngineName;
  /**
   * Present one training pattern: forward, then the rule's update direction for this pattern is
   * added to the pending sum (not applied). Returns E; `prediction` then holds this pattern's output.
   */
  learn(x: Float64Array, t: ArrayLike<number>): number;
  /** Apply the pending sum: w ← w − η · (1/B) · Σ, B = patterns learned since the last step; then clear it. */
  step(η: number): void;
  /** Forward only: E for the pattern; `prediction` then holds the output. */
  evaluate(x: Float64Array, t: ArrayLike<number>): number;
  readonly prediction: Float64Array;
  /** The rule's update direction summed over the patterns, weights unchanged (the `grad` command). */
  gradient(inputs: Float64Array[], targets: ArrayLike<number>[]): GradientResult;
  /** A copy of the current params in the DESIGN layout. */
  snapshot(): Params;
  /** Name of the layer holding a non-finite weight, or null (divergence check). */
  nonFiniteLayer(): number | null;
}
