/**
 * SGD with momentum and weight decay, as PyTorch's torch.optim.SGD (dampening 0, not Nesterov), per weight w
 * with velocity v (zero before the first step) and the batch's summed update direction Σ over B patterns:
 *   g ← Σ/B + λ·w          weight decay λ, added to the direction before the momentum
 *   v ← μ·v + g            momentum μ; on the first step v = g (μ·0 + g), PyTorch's b = g
 *   w ← w − η·v
 * Every parameter decays, biases included: BioTorch hands model.parameters() to the optimizer, so PyTorch decays
 * them all (README "Training options"). With μ = 0 and λ = 0 the engines keep their plain step w ← w − (η/B)·Σ,
 * whose numbers every earlier run was computed with.
 */
import type { Params } from './params.ts';

export interface SgdOptions {
  /** μ ∈ [0, 1). */
  momentum: number;
  /** λ ≥ 0. */
  weightDecay: number;
}

export const PLAIN_SGD: SgdOptions = { momentum: 0, weightDecay: 0 };

/** Whether a step needs the velocity road (μ or λ set); otherwise the plain step is the same update. */
export const usesVelocity = (o: SgdOptions | undefined): o is SgdOptions =>
  o !== undefined && (o.momentum !== 0 || o.weightDecay !== 0);

/** The new velocity of one weight: μ·v + (Σ/B + λ·w). Both engines call this, so they compute the same numbers. */
export function nextVelocity(v: number, sum: number, B: number, w: number, o: SgdOptions): number {
  return o.momentum * v + (sum / B + o.weightDecay * w);
}

/** One step over arrays: v ← nextVelocity, w ← w − η·v, Σ ← 0. */
export function velocityStepAndClear(
  w: Float64Array,
  v: Float64Array,
  sum: Float64Array,
  B: number,
  η: number,
  o: SgdOptions,
): void {
  for (let k = 0; k < w.length; k++) {
    const vk = nextVelocity(v[k]!, sum[k]!, B, w[k]!, o);
    v[k] = vk;
    w[k] -= η * vk;
    sum[k] = 0;
  }
}

/** velocityStepAndClear over every layer's weights and biases. */
export function velocityStepParams(params: Params, velocity: Params, sum: Params, B: number, η: number, o: SgdOptions) {
  for (let l = 0; l < params.layers.length; l++) {
    const p = params.layers[l]!;
    const v = velocity.layers[l]!;
    const g = sum.layers[l]!;
    velocityStepAndClear(p.weights, v.weights, g.weights, B, η, o);
    velocityStepAndClear(p.bias, v.bias, g.bias, B, η, o);
  }
}
