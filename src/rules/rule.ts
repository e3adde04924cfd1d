/**
 * A learning rule in the matrix engine: given the network at its current weights and one
 * pattern, add that pattern's update direction into `sum` (for back-prop, ∂E/∂w) and return E.
 * The engine does the step w ← w − η · (1/B) · sum. Rules keep any state they need (fixed
 * feedback matrices, scratch buffers) in the object.
 */
import type { Network } from '../nn/network.ts';
import type { Params } from '../nn/params.ts';
import type { RuleName } from '../nn/engine.ts';

export interface MatrixRule {
  readonly name: RuleName;
  accumulate(net: Network, x: Float64Array, t: ArrayLike<number>, sum: Params): number;
  /**
   * Declared by a rule whose direction for one pattern is, in every layer, the outer product
   * x⁽ˡ⁾ Δz⁽ˡ⁾ᵀ (Δz⁽ˡ⁾ for the bias): leaves those Δz⁽ˡ⁾ in net.Δz and returns E, without forming
   * the products, so that an engine may apply them straight into the weights.
   */
  errors?(net: Network, x: Float64Array, t: ArrayLike<number>): number;
}
