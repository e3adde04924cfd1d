/**
 * The merged rule as a neuron's protocol (DESIGN §4; matrix form: rules/merged.ts). One state
 * variable per neuron; its error is the change of that state in time.
 *   free phase   v_j = y_j = g(z_j)                      (the forward pass; x_i kept as the synapses' trace)
 *   nudge        the teacher's nudge (target t) reaches the output role, which forms Δy_k (y − t, or p − t);
 *                the output neuron moves its state:   v_k = g(z_k − β·Δy_k),   change c_k = v_k − y_k
 *   feedback     c_k goes back along the feedback synapses as w_ik·c_k (error message, value c_k);
 *                a hidden neuron sums what reaches it and re-evaluates its own nonlinearity on its
 *                shifted potential:   v_i = g(z_i + Σ_k w_ik c_k),   c_i = v_i − y_i,   and sends c_i on down
 *   update       each synapse: u_ik = x_i · (y_k − v_k)/β = x_i · (−c_k/β)         (bias: x_0 = 1)
 *   symmetric    the teacher nudges again one tick later, with −β (v_k = g(z_k − (−β)·Δy_k)): a second
 *                wave one tick behind the first (which has run its course by then);
 *                u_ik = x_i · (c_k(−β) − c_k(+β)) / (2β)
 * The formulas are the matrix form's, term for term, so the engines agree to rounding; nothing is
 * linearised. Weights do not move during a pattern, so the feedback uses the w_ik of the forward pass.
 */
import type { MergedSettings } from '../rules/merged.ts';
import type { Behaviour, Protocol } from './behaviour.ts';
import type { Volley } from './messages.ts';
import type { Neuron } from './neuron.ts';

export function mergedBehaviour(settings: MergedSettings): Behaviour {
  return {
    rule: 'merged',
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
  feedback(shift: number, tick: number): void {
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
