/**
 * A learning rule, in both engines. A rule is one module in src/rules/ that exports a `Rule`:
 *   matrix     its matrix form: given the network at its current weights and one pattern, add that
 *              pattern's update direction into `sum` (for back-prop, ∂E/∂w) and return E; the engine
 *              steps w ← w − η · (1/B) · sum
 *   behaviour  the same rule as each neuron of the agents engine carries it out (agents/behaviour.ts)
 * Both are built from the same options, checked by the rule's own code (InputError for bad values),
 * so the two engines refuse the same options with the same message. src/rules/index.ts lists the rules.
 */
import type { Behaviour } from '../agents/behaviour.ts';
import type { Network } from '../nn/network.ts';
import type { Params } from '../nn/params.ts';
import type { NetSpec } from '../nn/spec.ts';

export interface MatrixRule {
  /** The rule's name in the rules table. */
  readonly name: string;
  accumulate(net: Network, x: Float64Array, t: ArrayLike<number>, sum: Params): number;
  /**
   * Declared by a rule whose direction for one pattern is, in every layer, the outer product
   * x⁽ˡ⁾ Δz⁽ˡ⁾ᵀ (Δz⁽ˡ⁾ for the bias): leaves those Δz⁽ˡ⁾ in net.Δz and returns E, without forming
   * the products, so that an engine may apply them straight into the weights.
   */
  errors?(net: Network, x: Float64Array, t: ArrayLike<number>): number;
  /** Called by the engine after each step (brsf redraws its feedback magnitudes). */
  batchBoundary?(): void;
}

/** A rule, with `Options` its own command-line options (each optional; {} for none). */
export interface Rule<Options> {
  /** How every chart and table names it, and its one colour on every chart. */
  readonly label: string;
  readonly colour: string;
  /** The names of its options (for study files, which list them per rule). */
  readonly options: readonly (keyof Options & string)[];
  /** Whether it takes pool layers (README, Formats). */
  readonly pools: boolean;
  /** The matrix form for this network; it keeps any state it needs (fixed matrices, scratch buffers). */
  matrix(options: Options, net: Network): MatrixRule;
  /** The agents engine's behaviour for this net. */
  behaviour(options: Options, spec: NetSpec): Behaviour;
}
