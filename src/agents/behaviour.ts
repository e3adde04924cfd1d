/**
 * The per-rule part of a neuron (the rule axis, DESIGN §1): what a neuron does when its error
 * arrives — how Δz_j follows from Δy_j and what it pushes back along each synapse. The local
 * update that follows (δw_ij = −η x_i Δz_j from the synapse's own trace) is the synapses' own
 * business (neuron.ts). The behaviour acts only on the cell it is handed, one neuron's own
 * state, so a rule cannot reach past that neuron. Rules that change the protocol itself
 * (merged's nudged phases, predictive coding's inference, direct feedback alignment's broadcast)
 * add their own wiring beside this hook; feedback alignment pushes through fixed weights b_ij
 * the neuron would own beside w_ij.
 */
import { InputError } from '../core/errors.ts';
import type { Activation } from '../nn/activation.ts';
import type { RuleName, RuleOptions } from '../nn/engine.ts';
import { backpropBehaviour } from './backprop.ts';

/** One neuron's own state, as a behaviour sees it. */
export interface Cell {
  readonly activation: Activation;
  /** Incoming synapses: weight w_t from presynaptic neuron pre[t] (pre null: from neuron t). */
  readonly w: Float64Array;
  readonly pre: Int32Array | null;
  /** The working point of the forward pass. */
  readonly z: number;
  readonly y: number;
  /** What goes back along each synapse; null where nothing is pushed (the first layer). */
  readonly pushed: Float64Array | null;
}

export interface Behaviour {
  readonly rule: RuleName;
  /** The switch: Δy_j has arrived. Fill `pushed` (if any) and return Δz_j. */
  switchToError(cell: Cell, Δy: number): number;
}

/** The behaviour for a rule; rules not built yet in the agents engine are an InputError. */
export function createBehaviour(options: RuleOptions): Behaviour {
  switch (options.rule) {
    case 'backprop':
      return backpropBehaviour;
    default:
      throw new InputError(`rule "${options.rule}" is not built yet in the agents engine; available: backprop`);
  }
}
