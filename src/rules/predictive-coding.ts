/**
 * Predictive coding (Whittington & Bogacz 2017), with the Z-IL schedule of Song et al. (2020).
 * Layer l has value nodes v⁽ˡ⁾ (potentials) and error nodes ε⁽ˡ⁾; the input v⁽⁰⁾ = x is clamped, φ⁽⁰⁾ = identity.
 *   prediction   μ⁽ˡ⁾ = W⁽ˡ⁾ g(v⁽ˡ⁻¹⁾) + b⁽ˡ⁾
 *   hidden error ε⁽ˡ⁾ = μ⁽ˡ⁾ − v⁽ˡ⁾                       (sign chosen so that ε⁽ˡ⁾ plays Δz⁽ˡ⁾)
 *   output error ε⁽ᴸ⁾ = g'(μ⁽ᴸ⁾) ⊙ ∂E/∂y at y = g(μ⁽ᴸ⁾)   (the output is clamped to the target: see below)
 *   energy       F = Σ_{l<L} ½‖ε⁽ˡ⁾‖² + E(g(μ⁽ᴸ⁾), t)
 *   init         v⁽ˡ⁾ = z⁽ˡ⁾ (feed-forward), so every hidden ε⁽ˡ⁾ = 0 and ε⁽ᴸ⁾ = Δz⁽ᴸ⁾
 *   inference    v⁽ˡ⁾ ← v⁽ˡ⁾ − γ ∂F/∂v⁽ˡ⁾ = v⁽ˡ⁾ + γ (ε⁽ˡ⁾ − g'(v⁽ˡ⁾) ⊙ W⁽ˡ⁺¹⁾ᵀ ε⁽ˡ⁺¹⁾),  T steps, all layers at once
 *   update       u⁽ˡ⁾ = ∂F/∂W⁽ˡ⁾ = ε⁽ˡ⁾ g(v⁽ˡ⁻¹⁾)ᵀ,  bias ε⁽ˡ⁾   (local Hebbian: error node × presynaptic value)
 *
 * Clamping the output: for mse with identity output, F's last term is ½‖μ⁽ᴸ⁾ − t‖², i.e. the output value
 * node is clamped to t and ε⁽ᴸ⁾ = μ⁽ᴸ⁾ − t, the usual formulation. For softmax-CE (and mse through a
 * non-identity output) the target enters through the loss instead: ε⁽ᴸ⁾ = softmax(μ⁽ᴸ⁾) − t (resp.
 * g'(μ)(g(μ) − t)), recomputed as μ⁽ᴸ⁾ moves during inference.
 *
 * Plain schedule: T steps at rate γ, then every layer updates from its final ε and presynaptic value.
 * Z-IL (`zil`): γ = 1, and layer L − s updates at step s, when the error front reaches it. At that step
 * ε⁽ᴸ⁻ˢ⁾ = Δz⁽ᴸ⁻ˢ⁾ and v⁽ᴸ⁻ˢ⁻¹⁾ still holds its feed-forward value, so the update is exactly back-prop.
 * The induction: ε⁽ˡ⁾ = 0 and v⁽ˡ⁻¹⁾ = z⁽ˡ⁻¹⁾ until the front arrives; one step at γ = 1 then gives
 * v⁽ˡ⁻¹⁾ = z⁽ˡ⁻¹⁾ − g'(z⁽ˡ⁻¹⁾) ⊙ W⁽ˡ⁾ᵀ Δz⁽ˡ⁾ = z⁽ˡ⁻¹⁾ − Δz⁽ˡ⁻¹⁾, hence ε⁽ˡ⁻¹⁾ = Δz⁽ˡ⁻¹⁾.
 *
 * Weights do not change during a pattern (the engine steps afterwards), so both schedules read the W of
 * the forward pass. After accumulate the layers' z, y hold the last predictions μ, g(μ); the network's
 * `prediction` and Δy stay those of the free (feed-forward) pass, and the returned E is the free loss.
 */
import { InputError } from '../core/errors.ts';
import type { RuleOptions } from '../nn/engine.ts';
import { errorAtPotential } from '../nn/layer.ts';
import type { Network } from '../nn/network.ts';
import type { Params } from '../nn/params.ts';
import type { MatrixRule } from './rule.ts';

export interface PredictiveCodingSettings {
  /** Inference steps. Under Z-IL: L − 1, the steps the error front needs to reach layer 1. */
  T: number;
  γ: number;
  zil: boolean;
}

export const PREDICTIVE_CODING_DEFAULTS = { T: 20, γ: 0.1 } as const;

/** Settings for a net of L layers, with defaults; InputError for bad values or a Z-IL schedule that cannot run. */
export function predictiveCodingSettings(options: Pick<RuleOptions, 'steps' | 'gamma' | 'zil'>, L: number): PredictiveCodingSettings {
  const { steps, gamma } = options;
  if (steps !== undefined && (!Number.isInteger(steps) || steps < 0)) throw new InputError(`predictive-coding: --steps must be a non-negative integer, got ${steps}`);
  if (gamma !== undefined && (!Number.isFinite(gamma) || gamma <= 0)) throw new InputError(`predictive-coding: --gamma must be a positive finite number, got ${gamma}`);
  if (!options.zil) return { T: steps ?? PREDICTIVE_CODING_DEFAULTS.T, γ: gamma ?? PREDICTIVE_CODING_DEFAULTS.γ, zil: false };
  if (gamma !== undefined && gamma !== 1) throw new InputError(`predictive-coding: --zil runs inference at rate γ = 1, got --gamma ${gamma}`);
  if (steps !== undefined && steps < L - 1) throw new InputError(`predictive-coding: --zil needs ${L - 1} inference steps to reach the first layer of this ${L}-layer net, got --steps ${steps}`);
  // Steps beyond L − 1 could not change any update: every layer has updated by then.
  return { T: L - 1, γ: 1, zil: true };
}

export class PredictiveCoding implements MatrixRule {
  readonly name = 'predictive-coding' as const;
  readonly T: number;
  readonly γ: number;
  readonly zil: boolean;
  /** Per layer: value nodes v (hidden layers only are inferred), g(v), and error nodes ε. */
  readonly v: Float64Array[];
  readonly gv: Float64Array[];
  readonly ε: Float64Array[];
  private readonly fb: Float64Array[];
  private readonly outPrediction: Float64Array;
  private readonly outΔy: Float64Array;

  constructor(net: Network, settings: PredictiveCodingSettings) {
    this.T = settings.T;
    this.γ = settings.γ;
    this.zil = settings.zil;
    const sizes = net.layers.map((l) => l.outSize);
    this.v = sizes.map((n) => new Float64Array(n));
    this.gv = sizes.map((n) => new Float64Array(n));
    this.ε = sizes.map((n) => new Float64Array(n));
    this.fb = sizes.map((n) => new Float64Array(n));
    this.outPrediction = new Float64Array(sizes[sizes.length - 1]!);
    this.outΔy = new Float64Array(sizes[sizes.length - 1]!);
  }

  accumulate(net: Network, x: Float64Array, t: ArrayLike<number>, sum: Params): number {
    const E = net.evaluate(x, t);
    const L = net.layers.length;
    for (let l = 0; l < L - 1; l++) {
      this.v[l]!.set(net.layers[l]!.z);
      this.gv[l]!.set(net.layers[l]!.y);
    }
    this.computeErrors(net, x, t);
    for (let s = 0; ; s++) {
      if (this.zil) this.update(net, x, L - 1 - s, sum);
      if (s === this.T) break;
      this.relax(net);
      this.computeErrors(net, x, t);
    }
    if (!this.zil) for (let l = 0; l < L; l++) this.update(net, x, l, sum);
    return E;
  }

  /** The presynaptic values of layer l: the clamped input, or g(v⁽ˡ⁻¹⁾). */
  private input(x: Float64Array, l: number): Float64Array {
    return l === 0 ? x : this.gv[l - 1]!;
  }

  /** μ⁽ˡ⁾ from the current values (into the layer's z, y); ε⁽ˡ⁾ = μ⁽ˡ⁾ − v⁽ˡ⁾, and the output error from the loss. */
  private computeErrors(net: Network, x: Float64Array, t: ArrayLike<number>): void {
    const L = net.layers.length;
    for (let l = 0; l < L; l++) {
      const layer = net.layers[l]!;
      layer.forward(this.input(x, l));
      const ε = this.ε[l]!;
      if (l === L - 1) {
        net.loss.evaluate(layer.y, t, this.outPrediction, this.outΔy);
        errorAtPotential(layer, this.outΔy, ε);
      } else {
        const v = this.v[l]!;
        for (let i = 0; i < ε.length; i++) ε[i] = layer.z[i]! - v[i]!;
      }
    }
  }

  /** One inference step on every hidden layer, all from the errors of the previous step. */
  private relax(net: Network): void {
    const { γ } = this;
    const L = net.layers.length;
    for (let l = 0; l < L - 1; l++) net.layers[l + 1]!.pushError(this.ε[l + 1]!, this.fb[l]!); // W⁽ˡ⁺¹⁾ᵀ ε⁽ˡ⁺¹⁾
    for (let l = 0; l < L - 1; l++) {
      const { activation } = net.layers[l]!;
      const v = this.v[l]!;
      const gv = this.gv[l]!;
      const ε = this.ε[l]!;
      const fb = this.fb[l]!;
      for (let i = 0; i < v.length; i++) {
        v[i] += γ * (ε[i]! - activation.dg(v[i]!, gv[i]!) * fb[i]!);
        gv[i] = activation.g(v[i]!);
      }
    }
  }

  /** u⁽ˡ⁾ += ε⁽ˡ⁾ g(v⁽ˡ⁻¹⁾)ᵀ */
  private update(net: Network, x: Float64Array, l: number, sum: Params): void {
    const g = sum.layers[l]!;
    net.layers[l]!.accumulateGradient(this.input(x, l), this.ε[l]!, g.weights, g.bias);
  }
}
