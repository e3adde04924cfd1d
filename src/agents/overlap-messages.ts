/**
 * The messages of overlapping presentations (README, The agents engine): several patterns travel through
 * the circuit at once, so every message carries its pattern's id, and each receiver files what it gets
 * under that id. Nothing in a message, its arrays included, is written after it is sent.
 *   activation  y_j for pattern p, forward
 *   volley      a layer's activations for pattern p bundled by its tract (the next layer's trace x)
 *   error       w_ij·Δz_j (or b_ij·Δz_j) pushed back along each synapse of neuron j, for pattern p
 *   error volley Δy for pattern p: summed by an error tract, or the teacher's ∂E/∂y at the output;
 *              it carries the η of the pattern's update
 */

export interface PatternActivation {
  readonly pattern: number;
  tick: number;
  readonly layer: number;
  readonly neuron: number;
  readonly value: number;
}

export interface PatternVolley {
  readonly pattern: number;
  tick: number;
  readonly values: Float64Array;
}

export interface PatternError {
  readonly pattern: number;
  tick: number;
  readonly layer: number;
  readonly neuron: number;
  /** What goes back along each synapse; null where nothing is pushed (the first layer). */
  readonly pushed: Float64Array | null;
  readonly η: number;
}

export interface PatternErrorVolley extends PatternVolley {
  /** The learning rate of this pattern's updates. */
  readonly η: number;
}
