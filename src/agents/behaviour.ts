/**
 * The per-rule part of a neuron (the rule axis, DESIGN §1). Two kinds:
 *
 * Two-phase rules (backprop, feedback-alignment, direct-feedback-alignment): what a neuron does
 * when its error arrives — how Δz_j follows from Δy_j and what it pushes back along each synapse.
 *   backprop                   push w_ij·Δz_j                      (backprop.ts)
 *   feedback-alignment         push b_ij·Δz_j, b_ij fixed, the neuron's own   (feedback-alignment.ts)
 *   direct-feedback-alignment  the output pushes b_ki·Δz_k to every hidden unit i; hidden units push nothing
 * The local update that follows (δw_ij = −η x_i Δz_j from the synapse's own trace) is the synapses'
 * own business (neuron.ts). The behaviour acts only on the cell it is handed, one neuron's own
 * state, so a rule cannot reach past that neuron.
 *
 * Protocol rules (merged, predictive-coding) change what the messages mean and how many there are
 * per pattern: each neuron gets its own Protocol object (its state for the rule), which takes over
 * the neuron's three inputs — volleys from below, feedback from above, Δy from its output role —
 * and answers through the neuron's own axons (merged.ts, predictive-coding.ts).
 */
import { InputError } from '../core/errors.ts';
import type { Activation } from '../nn/activation.ts';
import { RULE_NAMES, type RuleName, type RuleOptions } from '../nn/engine.ts';
import type { NetSpec } from '../nn/spec.ts';
import { directFeedbackMatrices } from '../rules/direct-feedback-alignment.ts';
import { feedbackAlignmentMatrices } from '../rules/feedback-alignment.ts';
import { mergedSettings } from '../rules/merged.ts';
import { predictiveCodingSettings } from '../rules/predictive-coding.ts';
import { backpropBehaviour } from './backprop.ts';
import { fixedFeedbackBehaviour } from './feedback-alignment.ts';
import { mergedBehaviour } from './merged.ts';
import type { Volley } from './messages.ts';
import type { Neuron } from './neuron.ts';
import { predictiveCodingBehaviour } from './predictive-coding.ts';

/** One neuron's own state, as a behaviour sees it. */
export interface Cell {
  readonly activation: Activation;
  /** Incoming synapses: weight w_t from presynaptic neuron pre[t] (pre null: from neuron t). */
  readonly w: Float64Array;
  readonly pre: Int32Array | null;
  /** Fixed feedback weights the neuron pushes its error through instead of w; null: it pushes through w. */
  readonly feedback: Float64Array | null;
  /** The working point of the forward pass. */
  readonly z: number;
  readonly y: number;
  /** What goes back along each synapse (or, DFA at the output, to each hidden unit); null where nothing is pushed. */
  readonly pushed: Float64Array | null;
}

/** A protocol rule's part of one neuron: it takes the neuron's inputs. */
export interface Protocol {
  /** A volley from the layer below (or the input). */
  volley(v: Volley): void;
  /** What reached this neuron from the layer above, arriving at `tick`. */
  feedback(value: number, tick: number): void;
  /** Δy_j from the neuron's output role (output neurons only). */
  delta(Δy: number, tick: number): void;
}

/** Where the fixed feedback weights come from: per layer, in W's layout (FA), or [n_L][n_l] per hidden layer (DFA). */
export interface FixedFeedback {
  readonly matrices: readonly (Float64Array | null)[];
  /** DFA: the output layer broadcasts to every hidden layer; else each layer pushes to the one below. */
  readonly direct: boolean;
}

export interface Behaviour {
  readonly rule: RuleName;
  /** Two-phase rules: the switch. Δy_j has arrived; fill `pushed` (if any) and return Δz_j. */
  switchToError(cell: Cell, Δy: number): number;
  /** Protocol rules: make one neuron's protocol (called once, as the neuron is built). */
  readonly protocol?: (neuron: Neuron) => Protocol;
  /** How many times the teacher nudges a learned pattern (symmetric merged: 2, +β then −β); default 1. */
  readonly nudges?: number;
  /** FA, DFA: the fixed feedback weights the wiring hands out, each neuron its own part. */
  readonly fixedFeedback?: FixedFeedback;
}

/** The behaviour for a rule on this net; bad options are the same InputErrors as the matrix form's. */
export function createBehaviour(options: RuleOptions, spec: NetSpec): Behaviour {
  switch (options.rule) {
    case 'backprop':
      return backpropBehaviour;
    case 'feedback-alignment':
      return fixedFeedbackBehaviour('feedback-alignment', { matrices: feedbackAlignmentMatrices(spec, options.feedbackSeed), direct: false });
    case 'direct-feedback-alignment':
      return fixedFeedbackBehaviour('direct-feedback-alignment', { matrices: directFeedbackMatrices(spec, options.feedbackSeed), direct: true });
    case 'merged':
      return mergedBehaviour(mergedSettings(options));
    case 'predictive-coding':
      return predictiveCodingBehaviour(predictiveCodingSettings(options, spec.layers.length), spec.layers.length);
    default:
      throw new InputError(`unknown rule ${JSON.stringify(options.rule)}; expected one of ${RULE_NAMES.join(', ')}`);
  }
}
