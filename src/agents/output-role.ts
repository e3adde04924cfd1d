/**
 * The part of an output neuron that faces the teacher: it turns the neuron's y_j and the teacher's
 * nudge into Δy_j = ∂E/∂y_j and the neuron's term of E, reports both to the teacher, and — when the
 * pattern is learned — hands Δy_j to its neuron, which switches to carrying error.
 *   mse                    Δy_j = y_j − t_j,  E_j = ½Δy_j²                     (mse-role.ts)
 *   softmax-cross-entropy  Δy_j = p_j − t_j,  E_j = −t_j log p_j, p by lateral messages (softmax-group.ts)
 * A role belongs to exactly one neuron; it holds that neuron's output state and nothing of its peers.
 * Predictive coding asks again during inference (`reevaluate`): Δy_j at a new output y_j for the
 * same target, handed to the neuron without reporting to the teacher (E is the free phase's).
 */
import type { Source } from './axon.ts';
import type { Readout } from './messages.ts';

export interface OutputRole {
  /** Reports to the teacher: prediction and term of E. */
  readonly readout: Source<Readout>;
  /** Where Δy_j goes (the neuron's own switch); set once by the neuron that owns the role. */
  attach(arrive: (Δy: number, tick: number) => void): void;
  /** The neuron's forward pass is done: y_j, sent at `tick`. */
  activated(y: number, tick: number): void;
  /** Δy_j at a new output y_j (same pattern, same target), handed to the neuron; nothing reported. */
  reevaluate(y: number, tick: number): void;
}
