/**
 * The backward tract of a layer: what its neurons push back, gathered per presynaptic neuron.
 * Each postsynaptic neuron j sends w_ij·Δz_j along each of its synapses; the fibre of presynaptic
 * neuron i sums what arrives on it, in arrival order (j = 0, 1, … — the matrix engine's order):
 *   Δy_i = Σ_j w_ij Δz_j          (dense: synapse i of every neuron j ends on neuron i)
 *   Δx[pre_t] += w_t Δz_o         (conv: the essay's push, scattered through each position's receptive field)
 * When all m neurons have pushed, the tract hands the Δy volley to the presynaptic layer as one message
 * (a fresh array, never written after it is sent).
 */
import { Axon, type Source } from './axon.ts';
import type { ErrorSignal, Volley } from './messages.ts';

export class ErrorTract {
  readonly volleys = new Axon<Volley>();
  private Δy: Float64Array;
  private arrived = 0;

  /** `size` presynaptic neurons receive what `senders` neurons push. */
  constructor(
    readonly size: number,
    readonly senders: number,
  ) {
    this.Δy = new Float64Array(size);
  }

  connect(errorAxons: readonly Source<ErrorSignal>[]): void {
    if (errorAxons.length !== this.senders) throw new Error(`${this.constructor.name} of ${this.senders} senders connected to ${errorAxons.length}`);
    for (const axon of errorAxons) axon.listen((s) => this.receive(s), this.constructor.name);
  }

  private receive(s: ErrorSignal): void {
    const Δy = this.Δy;
    this.gather(s, Δy);
    if (++this.arrived < this.senders) return;
    this.arrived = 0;
    this.Δy = new Float64Array(this.size);
    this.volleys.next({ tick: s.tick, values: Δy, finite: true });
  }

  /** Add one sender's message into Δy: each synapse's value onto its presynaptic fibre. */
  protected gather(s: ErrorSignal, Δy: Float64Array): void {
    const pushed = s.pushed!;
    const pre = s.pre;
    if (pre === null) for (let i = 0; i < pushed.length; i++) Δy[i] += pushed[i]!;
    else for (let t = 0; t < pushed.length; t++) Δy[pre[t]!] += pushed[t]!;
  }
}
