/**
 * Predictive coding as a neuron's protocol (Whittington & Bogacz 2017; matrix form and notation:
 * rules/predictive-coding.ts). Each neuron j holds a value v_j and an error ε_j; inference is
 * messages, one hop down and one hop up per step s:
 *   init (forward pass)  v_j = z_j, so ε_j(0) = z_j − v_j = 0 (hidden); the output's ε_k(0) = g'(z_k)·Δy_k
 *   down                 a neuron of layer l ≥ 2 sends ε_j(s) back as w_ij·ε_j(s) (error message, value ε_j)
 *   relax (hidden)       with fb_i = Σ_j w_ij ε_j(s) from above:
 *                          v_i ← v_i + γ·(ε_i(s) − g'(v_i)·fb_i),  g(v_i) sent up (activation message)
 *   up                   with the values below: μ_j = b_j + Σ_i w_ij g(v_i)
 *                          hidden  ε_j(s+1) = μ_j − v_j           (first layer: μ_j = z_j, the input is clamped)
 *                          output  ε_k(s+1) = g'(μ_k)·Δy_k at y = g(μ_k) (its output role re-evaluates the loss)
 *   update               local Hebbian, from the synapse's trace (the latest values below) and ε_j:
 *                          u_ij = g(v_i)·ε_j, bias ε_j — at step T, or under Z-IL at step L − l (layer l, 1-based)
 * The output's first error is the front: each hidden neuron joins the inference when it reaches it
 * (so patterns only evaluated never start it), and passes its own ε(0) down before relaxing.
 * Order: the values below can reach a neuron before the feedback above (they come back inside its
 * own push of ε(s)); the neuron keeps μ — one number — until its relaxation is done. The feedback never
 * comes early: a neuron forms ε(s + 1) (and pushes it) before it sends its new value up, so the layer
 * above cannot answer first. So every neuron computes exactly the matrix form's synchronous steps.
 * Weights do not move during a pattern.
 */
import type { PredictiveCodingSettings } from '../rules/predictive-coding.ts';
import type { Behaviour, Protocol } from './behaviour.ts';
import type { Volley } from './messages.ts';
import type { Neuron } from './neuron.ts';

/** `L`: the number of layers (Z-IL's schedule depends on a neuron's depth). */
export function predictiveCodingBehaviour(settings: PredictiveCodingSettings, L: number): Behaviour {
  return {
    rule: 'predictive-coding',
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
      this.vAhead = this.μAhead = false;
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
    } else {
      this.s++;
      this.ε = n.activation.dg(this.μ, this.gμ) * Δy;
    }
    this.reached(tick);
  }

  /** Hidden neuron: fb_i = Σ_j w_ij ε_j(s) from the layer above. */
  feedback(fb: number, tick: number): void {
    if (!this.inferring) {
      this.inferring = true; // the front: pass ε(0) on down first
      this.reached(tick);
      if (!this.inferring) return;
    } else if (this.vAhead) {
      throw new Error(`predictive coding: feedback reached neuron ${this.neuron.layer}/${this.neuron.index} before its error of step ${this.s + 1}`);
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
    this.s++;
    this.ε = this.μ - this.v;
    this.reached(Math.max(this.vTick, this.μTick));
  }

  /** ε(s) is formed: learn if this is the step, pass ε(s) down if a step follows (or as the front), and stop at the last. */
  private reached(tick: number): void {
    const n = this.neuron;
    const { s, ε } = this;
    if (s === this.learnAt) n.learn(ε, tick);
    if (s === 0 || s < this.last) {
      const { w, pushed } = n;
      if (pushed !== null) for (let t = 0; t < w.length; t++) pushed[t] = w[t]! * ε;
      n.sendError(ε, tick);
    }
    if (s === this.last) this.inferring = false;
  }
}
