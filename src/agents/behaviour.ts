/**
 * The socket a learning rule plugs into: the per-rule part of a neuron. Each rule (src/rules/) makes
 * one Behaviour for a net, and the wiring hands it to every neuron. Two kinds:
 *
 * Two-phase rules (backprop, feedback-alignment, direct-feedback-alignment): what a neuron does
 * when its error arrives, i.e. how Δz_j follows from Δy_j and what it pushes back along each synapse:
 *   backprop                   push w_ij·Δz_j
 *   feedback-alignment         push b_ij·Δz_j, b_ij fixed, the neuron's own back weights
 *   direct-feedback-alignment  the output pushes b_ki·Δz_k to every hidden unit i; hidden units push nothing
 * The local update that follows (δw_ij = −η x_i Δz_j from the synapse's own trace) is the synapses'
 * own business (neuron.ts). The behaviour acts only on the cell it is handed, one neuron's own
 * state, so a rule cannot reach past that neuron.
 *
 * Protocol rules (merged, predictive-coding) change what the messages mean and how many there are
 * per pattern: each neuron gets its own Protocol object (its state for the rule), which takes over
 * the neuron's three inputs (volleys from below, what the layer above pushes back, Δy from its output
 * role) and answers through the neuron's own axons.
 */
import type { Activation } from '../nn/activation.ts';
import type { Volley } from './messages.ts';
import type { Neuron } from './neuron.ts';

/** One neuron's own state, as a behaviour sees it. */
export interface Cell {
  /** The neuron's address: layer (0-based) and index within it. */
  readonly layer: number;
  readonly index: number;
  readonly activation: Activation;
  /** Incoming synapses: weight w_t from presynaptic neuron pre[t] (pre null: from neuron t). */
  readonly w: Float64Array;
  readonly pre: Int32Array | null;
  /** Conv positions: the kernel entry each synapse is tied to. */
  readonly tap?: Int32Array;
  /** Fixed back weights the neuron pushes its error through instead of w; null: it pushes through w. */
  readonly backWeights: Float64Array | null;
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
  /** What the layer above pushed back to this neuron (Σ_k w_ik · its value), arriving at `tick`. */
  fromAbove(value: number, tick: number): void;
  /** Δy_j from the neuron's output role (output neurons only). */
  delta(Δy: number, tick: number): void;
}

/** Where the fixed back weights come from: per layer, in W's layout (FA), or [n_L][n_l] per hidden layer (DFA). */
export interface FixedBackWeights {
  readonly matrices: readonly (Float64Array | null)[];
  /** DFA: the output layer broadcasts to every hidden layer; else each layer pushes to the one below. */
  readonly direct: boolean;
}

export interface Behaviour {
  /** Two-phase rules: the switch. Δy_j has arrived; fill `pushed` (if any) and return Δz_j. */
  switchToError(cell: Cell, Δy: number): number;
  /** Called by each neuron at every batch boundary, after its weights change (brsf redraws its feedback). */
  batchBoundary?(cell: Cell): void;
  /** Protocol rules: make one neuron's protocol (called once, as the neuron is built). */
  readonly protocol?: (neuron: Neuron) => Protocol;
  /** How many times the teacher nudges a learned pattern (symmetric merged: 2, +β then −β); default 1. */
  readonly nudges?: number;
  /** FA, DFA: the fixed back weights the wiring hands out, each neuron its own part. */
  readonly fixedBackWeights?: FixedBackWeights;
}
