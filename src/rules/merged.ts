/**
 * The merged rule (DESIGN §4, the essay's closing idea): one state variable v per neuron.
 *   free phase   v⁽ˡ⁾ = y⁽ˡ⁾ = g(z⁽ˡ⁾)                            (the forward pass; x⁽ˡ⁾ kept as traces)
 *   nudge        v⁽ᴸ⁾ = g(z⁽ᴸ⁾ − β·Δy⁽ᴸ⁾)                        (Δy⁽ᴸ⁾ = ∂E/∂y: y − t for mse, p − t for softmax-CE)
 *   feedback     v⁽ˡ⁾ = g(z⁽ˡ⁾ + W⁽ˡ⁺¹⁾ᵀ (v⁽ˡ⁺¹⁾ − y⁽ˡ⁺¹⁾))   (each neuron re-evaluates g on its shifted potential)
 *   update       u_ik = x_i · (y_k − v_k) / β                        (takes the place of ∂E/∂w_ik; bias: x_0 = 1)
 *   symmetric    u_ik = x_i · (v_k(−β) − v_k(+β)) / (2β)
 *
 * Why this tends to back-prop: at the output y − v = g(z) − g(z − βΔy) = β·g'(z)·Δy + O(β²) = β·Δz⁽ᴸ⁾ + O(β²).
 * If y⁽ˡ⁺¹⁾ − v⁽ˡ⁺¹⁾ = β·Δz⁽ˡ⁺¹⁾ + O(β²), the shifted potential is z⁽ˡ⁾ − β·Δy⁽ˡ⁾ + O(β²), so again
 * y⁽ˡ⁾ − v⁽ˡ⁾ = β·Δz⁽ˡ⁾ + O(β²). Nothing is linearised: the O(β²) terms are real, so the one-sided update
 * is biased by O(β); the terms even in β cancel in the symmetric difference, leaving O(β²).
 * Conv layers work unchanged: the change is pushed down through the same kernel (layer.pushError).
 */
import { InputError } from '../core/errors.ts';
import type { RuleOptions } from '../nn/engine.ts';
import type { Network } from '../nn/network.ts';
import type { Params } from '../nn/params.ts';
import type { MatrixRule } from './rule.ts';

export interface MergedSettings {
  β: number;
  symmetric: boolean;
}

export const MERGED_DEFAULTS: MergedSettings = { β: 0.01, symmetric: false };

/** The merged rule's settings from the CLI options, with defaults; InputError for a β that is not a positive finite number. */
export function mergedSettings(options: Pick<RuleOptions, 'beta' | 'symmetric'>): MergedSettings {
  const β = options.beta ?? MERGED_DEFAULTS.β;
  if (typeof β !== 'number' || !Number.isFinite(β) || β <= 0) throw new InputError(`merged: --beta must be a positive finite number, got ${β}`);
  return { β, symmetric: options.symmetric ?? MERGED_DEFAULTS.symmetric };
}

export class Merged implements MatrixRule {
  readonly name = 'merged' as const;
  readonly β: number;
  readonly symmetric: boolean;
  /** Per layer: the state change v − y after a nudge of +β (and of −β when symmetric). */
  readonly changePlus: Float64Array[];
  readonly changeMinus: Float64Array[];
  /** Per layer: the postsynaptic term that multiplies x_i, (y − v)/β or its symmetric form. */
  readonly post: Float64Array[];
  private readonly feedback: Float64Array[];

  constructor(net: Network, settings: MergedSettings) {
    this.β = settings.β;
    this.symmetric = settings.symmetric;
    const sizes = net.layers.map((l) => l.outSize);
    this.changePlus = sizes.map((n) => new Float64Array(n));
    this.changeMinus = sizes.map((n) => new Float64Array(n));
    this.post = sizes.map((n) => new Float64Array(n));
    this.feedback = sizes.map((n) => new Float64Array(n));
  }

  accumulate(net: Network, x: Float64Array, t: ArrayLike<number>, sum: Params): number {
    const E = net.evaluate(x, t); // free phase; fills Δy⁽ᴸ⁾
    const { β } = this;
    const L = net.layers.length;
    this.nudge(net, β, this.changePlus);
    if (this.symmetric) this.nudge(net, -β, this.changeMinus);
    for (let l = 0; l < L; l++) {
      const post = this.post[l]!;
      const plus = this.changePlus[l]!;
      if (this.symmetric) {
        const minus = this.changeMinus[l]!;
        for (let k = 0; k < post.length; k++) post[k] = (minus[k]! - plus[k]!) / (2 * β);
      } else {
        for (let k = 0; k < post.length; k++) post[k] = -plus[k]! / β;
      }
      const g = sum.layers[l]!;
      net.layers[l]!.accumulateGradient(net.layerInput(l), post, g.weights, g.bias);
    }
    return E;
  }

  /** Nudge the outputs by β (signed) and let the change settle down the layers: change⁽ˡ⁾ = v⁽ˡ⁾ − y⁽ˡ⁾. */
  private nudge(net: Network, β: number, change: Float64Array[]): void {
    const L = net.layers.length;
    const top = net.layers[L - 1]!;
    const Δy = net.Δy[L - 1]!;
    const out = change[L - 1]!;
    for (let k = 0; k < out.length; k++) out[k] = top.activation.g(top.z[k]! - β * Δy[k]!) - top.y[k]!;
    for (let l = L - 2; l >= 0; l--) {
      const layer = net.layers[l]!;
      const shift = this.feedback[l]!;
      net.layers[l + 1]!.pushError(change[l + 1]!, shift); // Σ_k w_ik (v_k − y_k)
      const c = change[l]!;
      for (let i = 0; i < c.length; i++) c[i] = layer.activation.g(layer.z[i]! + shift[i]!) - layer.y[i]!;
    }
  }
}
