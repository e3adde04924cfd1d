/**
 * The merged rule (the essay's closing idea): one state variable v per neuron.
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
 * Pool layers (nn/pool.ts) too: a pool unit has no weights and the identity as activation, so its state
 * moves by the shift from above, c = (z + shift) − y, and pool's pushError routes c down as back-prop's
 * pool backward routes Δz:
 *   max       shift⁽ˡ⁻¹⁾[winner] += c   (the winner of the free phase; ties: the first maximum, nn/pool.ts)
 *   average   shift⁽ˡ⁻¹⁾[i] += c/size²  for every input i of the window
 * The nudge moves nothing below a unit before it moves, so the winner stays the free phase's, and the
 * argument above holds through the pool as through an identity layer: the update still tends to back-prop.
 *
 * As a neuron's protocol in the agents engine: its error is the change of its state in time.
 *   nudge        the teacher's nudge (target t) reaches the output role, which forms Δy_k (y − t, or p − t);
 *                the output neuron moves its state:   v_k = g(z_k − β·Δy_k),   change c_k = v_k − y_k
 *   feedback     c_k goes back along the synapses as w_ik·c_k (an error message with value c_k);
 *                a hidden neuron sums what reaches it and re-evaluates its own nonlinearity on its
 *                shifted potential:   v_i = g(z_i + Σ_k w_ik c_k),   c_i = v_i − y_i,   and sends c_i on down
 *   update       each synapse: u_ik = x_i · (y_k − v_k)/β = x_i · (−c_k/β)         (x_i: the synapse's trace)
 *   symmetric    the teacher nudges again one tick later, with −β: a second wave one tick behind the first
 *                (which has run its course by then); u_ik = x_i · (c_k(−β) − c_k(+β)) / (2β)
 * A pool unit (agents/pool-unit.ts) plays this protocol with the identity, pushing c along its routing.
 * The formulas are the matrix form's, term for term, so the engines agree to rounding. Weights do not
 * move during a pattern, so the feedback uses the w_ik of the forward pass.
 */
import type { Behaviour, Protocol } from '../agents/behaviour.ts';
import type { Volley } from '../agents/messages.ts';
import type { Neuron } from '../agents/neuron.ts';
import { InputError } from '../core/errors.ts';
import type { Network } from '../nn/network.ts';
import type { Params } from '../nn/params.ts';
import type { MatrixRule, Rule } from './rule.ts';

export interface MergedOptions {
  /** The nudge strength β (default 0.01), and whether to nudge both ways (±β). */
  beta?: number;
  symmetric?: boolean;
}

export interface MergedSettings {
  β: number;
  symmetric: boolean;
}

export const MERGED_DEFAULTS: MergedSettings = { β: 0.01, symmetric: false };

/**
 * The merged rule's settings from the CLI options, with defaults; InputError for a β that is not a positive finite
 * number.
 */
export function mergedSettings(options: MergedOptions): MergedSettings {
  const β = options.beta ?? MERGED_DEFAULTS.β;
  if (typeof β !== 'number' || !Number.isFinite(β) || β <= 0)
    throw new InputError(`merged: --beta must be a positive finite number, got ${β}`);
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
  /** Per layer: the shift of the potential, Σ_k w_ik (v_k − y_k) from the layer above. */
  private readonly shift: Float64Array[];

  constructor(net: Network, settings: MergedSettings) {
    this.β = settings.β;
    this.symmetric = settings.symmetric;
    const sizes = net.layers.map((l) => l.outSize);
    this.changePlus = sizes.map((n) => new Float64Array(n));
    this.changeMinus = sizes.map((n) => new Float64Array(n));
    this.post = sizes.map((n) => new Float64Array(n));
    this.shift = sizes.map((n) => new Float64Array(n));
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
      const shift = this.shift[l]!;
      net.layers[l + 1]!.pushError(change[l + 1]!, shift); // Σ_k w_ik (v_k − y_k)
      const c = change[l]!;
      for (let i = 0; i < c.length; i++) c[i] = layer.activation.g(layer.z[i]! + shift[i]!) - layer.y[i]!;
    }
  }
}

export function mergedBehaviour(settings: MergedSettings): Behaviour {
  return {
    switchToError: () => {
      throw new Error('merged: a protocol rule has no two-phase switch');
    },
    nudges: settings.symmetric ? 2 : 1,
    protocol: (neuron) => new MergedState(neuron, settings.β, settings.symmetric),
  };
}

/** One neuron's merged-rule state: its change in the +β wave, and how many waves it has seen this pattern. */
export class MergedState implements Protocol {
  private plus = 0;
  private wave = 0;

  constructor(
    private readonly neuron: Neuron,
    readonly β: number,
    readonly symmetric: boolean,
  ) {}

  volley(v: Volley): void {
    this.wave = 0;
    this.neuron.forward(v);
  }

  /** Output neuron, at each of the teacher's nudges: the nudged state, +β then (symmetric) −β. */
  delta(Δy: number, tick: number): void {
    const n = this.neuron;
    const β = this.wave === 0 ? this.β : -this.β;
    this.settle(n.activation.g(n.z - β * Δy) - n.y, tick);
  }

  /** Hidden neuron: the change from above shifts the potential; g is re-evaluated there. */
  fromAbove(shift: number, tick: number): void {
    const n = this.neuron;
    this.settle(n.activation.g(n.z + shift) - n.y, tick);
  }

  /** The state has moved by c: learn when the last wave is in, and send the change down. */
  private settle(c: number, tick: number): void {
    const n = this.neuron;
    const { β } = this;
    if (!this.symmetric) n.learn(-c / β, tick);
    else if (this.wave === 0) this.plus = c;
    else n.learn((c - this.plus) / (2 * β), tick);
    this.wave++;
    const { w, pushed } = n;
    if (pushed !== null) for (let t = 0; t < w.length; t++) pushed[t] = w[t]! * c;
    n.sendError(c, tick);
  }
}

export const mergedRule: Rule<MergedOptions> = {
  label: 'merged',
  colour: '#e7298a',
  options: ['beta', 'symmetric'],
  pools: true,
  matrix: (options, net) => new Merged(net, mergedSettings(options)),
  behaviour: (options) => mergedBehaviour(mergedSettings(options)),
};
