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
 * Pool layers (nn/pool.ts) are layers with value nodes and no weights: φ is the identity and the pool
 * takes the place of W g(·) + b, so μ⁽ˡ⁾ = pool(g(v⁽ˡ⁻¹⁾)), ε⁽ˡ⁾ = μ⁽ˡ⁾ − v⁽ˡ⁾, v⁽ˡ⁾ ← v⁽ˡ⁾ + γ (ε⁽ˡ⁾ − fb⁽ˡ⁾), and
 * "W⁽ˡ⁾ᵀ ε⁽ˡ⁾" in the layer below's inference is pool's backward pass, as in back-prop:
 *   max       fb⁽ˡ⁻¹⁾[winner] += ε⁽ˡ⁾   (the winner of the latest μ⁽ˡ⁾; ties: the first maximum, nn/pool.ts)
 *   average   fb⁽ˡ⁻¹⁾[i] += ε⁽ˡ⁾/size²  for every input i of the window
 * A pool layer learns nothing at its step. Z-IL still equals back-prop: when the front crosses a pool,
 * v⁽ˡ⁻¹⁾ has not moved, so μ⁽ˡ⁾ and the winners are the forward pass's, the pool's step gives
 * ε⁽ˡ⁾ = Δz⁽ˡ⁾ (g' = 1), and the next step routes it down exactly as back-prop's pool backward does.
 * The cost: each pool layer adds one step to Z-IL's L − 1.
 *
 * Weights do not change during a pattern (the engine steps afterwards), so both schedules read the W of
 * the forward pass. After accumulate the layers' z, y hold the last predictions μ, g(μ); the network's
 * `prediction` and Δy stay those of the free (feed-forward) pass, and the returned E is the free loss.
 *
 * As a neuron's protocol in the agents engine: each neuron j holds a value v_j and an error ε_j; inference is
 * messages, one hop down and one hop up per step s:
 *   init (forward pass)  v_j = z_j, so ε_j(0) = z_j − v_j = 0 (hidden); the output's ε_k(0) = g'(z_k)·Δy_k
 *   down                 a neuron of layer l ≥ 2 sends ε_j(s) back as w_ij·ε_j(s) (error message, value ε_j)
 *   relax (hidden)       with fb_i = Σ_j w_ij ε_j(s) from above:
 *                          v_i ← v_i + γ·(ε_i(s) − g'(v_i)·fb_i),  g(v_i) sent up (activation message)
 *   up                   with the values below: μ_j = b_j + Σ_i w_ij g(v_i)
 *                          hidden  ε_j(s+1) = μ_j − v_j           (first layer: μ_j = z_j, the input is clamped)
 *                          output  ε_k(s+1) = g'(μ_k)·Δy_k at y = g(μ_k) (its output role re-evaluates the loss)
 *   pool unit            the same, with the identity as g and the pool in place of b_j + Σ_i w_ij g(v_i) (a
 *                          max-pool unit re-elects its winner at each volley); it pushes ε_j along its routing
 *                          (agents/pool-unit.ts) and learns nothing
 *   update               local Hebbian, from the synapse's trace (the latest values below) and ε_j:
 *                          u_ij = g(v_i)·ε_j, bias ε_j — at step T, or under Z-IL at step L − l (layer l, 1-based)
 * The output's first error is the front: each hidden neuron joins the inference when it reaches it
 * (so patterns only evaluated never start it), and passes its own ε(0) down before relaxing.
 * Order: the values below can reach a neuron before fb from above (they come back inside its own
 * push of ε(s)); the neuron keeps μ (one number) until its relaxation is done. fb of step s + 1 can
 * reach it before the values below (when connections have different delays); it keeps fb until it
 * has formed ε(s + 1). So every neuron computes exactly the matrix form's synchronous steps.
 * Iterative, not nested: a neuron that has formed ε(s + 1) acts on it (learns, pushes it down) only once
 * the delivery in progress has unwound — it hands that to the circuit's clock (agents/clock.ts). Each
 * step then starts from a shallow stack, and T steps use the stack of one: 10 000 run as well as 10.
 * Waiting only delays the next step's messages; every neuron still waits for all of its inputs.
 */
import type { Behaviour, Protocol } from '../agents/behaviour.ts';
import type { Volley } from '../agents/messages.ts';
import type { Neuron } from '../agents/neuron.ts';
import { InputError } from '../core/errors.ts';
import { errorAtPotential } from '../nn/layer.ts';
import type { Network } from '../nn/network.ts';
import type { Params } from '../nn/params.ts';
import type { MatrixRule, Rule } from './rule.ts';

export interface PredictiveCodingOptions {
  /** Inference steps T and rate γ; zil selects the Z-IL schedule. */
  steps?: number;
  gamma?: number;
  zil?: boolean;
}

export interface PredictiveCodingSettings {
  /** Inference steps. Under Z-IL: L − 1, the steps the error front needs to reach layer 1. */
  T: number;
  γ: number;
  zil: boolean;
}

export const PREDICTIVE_CODING_DEFAULTS = { T: 20, γ: 0.1 } as const;

/** Settings for a net of L layers, with defaults; InputError for bad values or a Z-IL schedule that cannot run. */
export function predictiveCodingSettings(options: PredictiveCodingOptions, L: number): PredictiveCodingSettings {
  const { steps, gamma } = options;
  if (steps !== undefined && (!Number.isInteger(steps) || steps < 0))
    throw new InputError(`predictive-coding: --steps must be a non-negative integer, got ${steps}`);
  if (gamma !== undefined && (!Number.isFinite(gamma) || gamma <= 0))
    throw new InputError(`predictive-coding: --gamma must be a positive finite number, got ${gamma}`);
  if (!options.zil)
    return { T: steps ?? PREDICTIVE_CODING_DEFAULTS.T, γ: gamma ?? PREDICTIVE_CODING_DEFAULTS.γ, zil: false };
  if (gamma !== undefined && gamma !== 1)
    throw new InputError(`predictive-coding: --zil runs inference at rate γ = 1, got --gamma ${gamma}`);
  if (steps !== undefined && steps < L - 1)
    throw new InputError(
      `predictive-coding: --zil needs ${L - 1} inference steps to reach the first layer of ` +
        `this ${L}-layer net, got --steps ${steps}`,
    );
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
    // The front: the lowest layer whose error may be non-zero. Below it ε = 0 and nothing above has pushed
    // anything down yet, so inference leaves those values exactly where they are: it is not recomputed.
    this.computeErrors(net, x, t, 0, L); // the forward pass left every μ = z in place
    let front = L - 1;
    for (let s = 0; ; s++) {
      if (this.zil) this.update(net, x, L - 1 - s, sum);
      if (s === this.T) break;
      this.relax(net, front);
      front = Math.max(0, front - 1);
      this.computeErrors(net, x, t, front, front + 1);
    }
    if (!this.zil) for (let l = 0; l < L; l++) this.update(net, x, l, sum);
    return E;
  }

  /** The presynaptic values of layer l: the clamped input, or g(v⁽ˡ⁻¹⁾). */
  private input(x: Float64Array, l: number): Float64Array {
    return l === 0 ? x : this.gv[l - 1]!;
  }

  /**
   * ε⁽ˡ⁾ = μ⁽ˡ⁾ − v⁽ˡ⁾ for the layers from `from` up, and the output error from the loss; μ⁽ˡ⁾ (into the layer's
   * z, y) is recomputed from layer `moved` up, whose values below have moved; below it the layer's z is μ.
   */
  private computeErrors(net: Network, x: Float64Array, t: ArrayLike<number>, from: number, moved: number): void {
    const L = net.layers.length;
    for (let l = from; l < L; l++) {
      const layer = net.layers[l]!;
      if (l >= moved) layer.forward(this.input(x, l));
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

  /**
   * One inference step, all from the errors of the previous step, on the hidden layers that can move: the one
   * just below the front (which hears it) and those above.
   */
  private relax(net: Network, front: number): void {
    const { γ } = this;
    const L = net.layers.length;
    const lowest = Math.max(0, front - 1);
    for (let l = lowest; l < L - 1; l++) net.layers[l + 1]!.pushError(this.ε[l + 1]!, this.fb[l]!); // W⁽ˡ⁺¹⁾ᵀ ε⁽ˡ⁺¹⁾
    for (let l = lowest; l < L - 1; l++) {
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

/** `L`: the number of layers (Z-IL's schedule depends on a neuron's depth). */
export function predictiveCodingBehaviour(settings: PredictiveCodingSettings, L: number): Behaviour {
  return {
    switchToError: () => {
      throw new Error('predictive-coding: a protocol rule has no two-phase switch');
    },
    protocol: (neuron) => new PredictiveState(neuron, settings, L),
  };
}

/** One neuron's value and error node, and where it is in the inference. */
export class PredictiveState implements Protocol {
  /** Value v_j and g(v_j) (hidden); the error ε_j(s) of the last step s reached. */
  v = 0;
  gv = 0;
  ε = 0;
  s = 0;
  /** From the front's arrival until the last step. */
  private inferring = false;
  /** The last step this neuron reaches, and the step at which it learns. */
  private readonly last: number;
  private readonly learnAt: number;
  private readonly γ: number;
  /** v relaxed to step s + 1 (waiting for μ), and when. */
  private vAhead = false;
  private vTick = 0;
  /** μ(s + 1) from the values below, and when. Output: μ_k and g(μ_k), awaiting Δy from the role. */
  private μAhead = false;
  private μ = 0;
  private gμ = 0;
  private μTick = 0;
  /** fb of the next step, come before this neuron formed ε(s + 1), and when. */
  private fbAhead = false;
  private fb = 0;
  private fbTick = 0;

  constructor(
    private readonly neuron: Neuron,
    settings: PredictiveCodingSettings,
    L: number,
  ) {
    this.γ = settings.γ;
    // A one-layer net has nothing to infer: its error is the same at every step.
    this.last = neuron.isOutput && L === 1 ? 0 : settings.T;
    this.learnAt = settings.zil ? L - 1 - neuron.layer : this.last;
  }

  volley(v: Volley): void {
    const n = this.neuron;
    if (!this.inferring) {
      // A new pattern: set up the nodes before sending y on (all of the inference may run inside that send).
      n.integrate(v);
      this.v = n.z;
      this.gv = n.y;
      this.ε = n.z - this.v;
      this.s = 0;
      this.vAhead = this.μAhead = this.fbAhead = false;
      n.fire(v.tick + 1);
      return;
    }
    // An inference step: the values below have moved.
    const tick = v.tick + 1;
    this.μ = n.take(v);
    this.μTick = tick;
    if (n.isOutput) {
      this.gμ = n.activation.g(this.μ);
      n.reevaluate(this.gμ, tick); // → delta
      return;
    }
    this.μAhead = true;
    this.complete();
  }

  /** Output neuron: Δy from its role — at step 0 from the teacher's nudge, later at the re-evaluated output. */
  delta(Δy: number, tick: number): void {
    const n = this.neuron;
    if (!this.inferring) {
      this.inferring = true;
      this.ε = n.activation.dg(n.z, n.y) * Δy;
      this.reached(tick, this.s, this.ε);
      return;
    }
    const s = ++this.s;
    const ε = n.activation.dg(this.μ, this.gμ) * Δy;
    this.ε = ε;
    n.later(() => this.reached(tick, s, ε));
  }

  /** Hidden neuron: fb_i = Σ_j w_ij ε_j(s) from the layer above. */
  fromAbove(fb: number, tick: number): void {
    if (!this.inferring) {
      this.inferring = true; // the front: pass ε(0) on down first
      this.reached(tick, this.s, this.ε);
      if (!this.inferring) return;
    } else if (this.vAhead) {
      // The next step's fb, before the values below: relax once ε(s + 1) is formed.
      this.fbAhead = true;
      this.fb = fb;
      this.fbTick = tick;
      return;
    }
    this.relax(fb, tick);
  }

  private relax(fb: number, tick: number): void {
    const n = this.neuron;
    const { activation } = n;
    this.v += this.γ * (this.ε - activation.dg(this.v, this.gv) * fb);
    this.gv = activation.g(this.v);
    this.vAhead = true;
    this.vTick = tick;
    if (n.layer === 0) {
      this.μ = n.z; // the input is clamped: μ = W x + b as in the forward pass
      this.μAhead = true;
      this.μTick = tick;
    }
    const gv = this.gv;
    // Form ε(s + 1) (if the values below are in) before the layer above can answer the new value.
    this.complete();
    n.sendActivation(gv, tick);
  }

  /** Hidden: with v and μ both at step s + 1, ε(s + 1) = μ − v. */
  private complete(): void {
    if (!this.vAhead || !this.μAhead) return;
    this.vAhead = this.μAhead = false;
    const s = ++this.s;
    const ε = this.μ - this.v;
    this.ε = ε;
    const tick = Math.max(this.vTick, this.μTick);
    this.neuron.later(() => this.reached(tick, s, ε));
    if (this.fbAhead) {
      this.fbAhead = false;
      this.relax(this.fb, this.fbTick);
    }
  }

  /**
   * ε(s) is formed: learn if this is the step, pass ε(s) down if a step follows (or as the front), and stop at the
   * last.
   */
  private reached(tick: number, s: number, ε: number): void {
    const n = this.neuron;
    if (s === this.learnAt) n.learn(ε, tick);
    if (s === 0 || s < this.last) {
      const { w, pushed } = n;
      if (pushed !== null) for (let t = 0; t < w.length; t++) pushed[t] = w[t]! * ε;
      n.sendError(ε, tick);
    }
    if (s === this.last) this.inferring = false;
  }
}

export const predictiveCodingRule: Rule<PredictiveCodingOptions> = {
  label: 'predictive coding',
  colour: '#7570b3',
  options: ['steps', 'gamma', 'zil'],
  pools: true,
  matrix: (options, net) => new PredictiveCoding(net, predictiveCodingSettings(options, net.layers.length)),
  behaviour: (options, spec) => {
    const L = spec.layers.length;
    return predictiveCodingBehaviour(predictiveCodingSettings(options, L), L);
  },
};
