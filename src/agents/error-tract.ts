/**
 * The backward tract of a layer: what its neurons push back, gathered per presynaptic neuron.
 * Each postsynaptic neuron j sends w_ij·Δz_j along each of its synapses; the fibre of presynaptic
 * neuron i sums what arrives on it, in sender order whatever the order of arrival (j = 0, 1, … — the
 * matrix engine's order; messages are collected in rounds, collector.ts):
 *   Δy_i = Σ_j w_ij Δz_j          (dense: synapse i of every neuron j ends on neuron i)
 *   Δx[pre_t] += w_t Δz_o         (conv: the essay's push, scattered through each position's receptive field)
 * When all m neurons have pushed, the tract hands the Δy volley to the presynaptic layer as one message
 * (a fresh array, never written after it is sent).
 */
import { Axon, type Source } from './axon.ts';
import { Collector } from './collector.ts';
import type { ErrorSignal, Volley } from './messages.ts';
import { addScaled } from './dendrite.ts';
import { freshArray } from './fresh-array.ts';

export class ErrorTract {
  readonly volleys = new Axon<Volley>();
  private readonly collector: Collector<ErrorSignal>;

  /** `size` presynaptic neurons receive what `senders` neurons push. */
  constructor(
    readonly size: number,
    readonly senders: number,
  ) {
    this.collector = new Collector(senders, (signals) => this.send(signals));
  }

  connect(errorAxons: readonly Source<ErrorSignal>[]): void {
    if (errorAxons.length !== this.senders)
      throw new Error(`${this.constructor.name} of ${this.senders} senders connected to ${errorAxons.length}`);
    errorAxons.forEach((axon, j) => {
      axon.listen((s) => this.collector.add(j, s), this.constructor.name);
    });
  }

  private send(signals: readonly ErrorSignal[]): void {
    const Δy = freshArray(this.size);
    let tick = 0;
    for (const s of signals) {
      this.gather(s, Δy);
      if (s.tick > tick) tick = s.tick;
    }
    this.volleys.next({ tick, values: Δy, finite: true });
  }

  /** Add one sender's message into Δy: each synapse's value onto its presynaptic fibre. */
  protected gather(s: ErrorSignal, Δy: Float64Array): void {
    const pushed = s.pushed!;
    const pre = s.pre;
    if (pre === null && pushed.length === Δy.length)
      addScaled(Δy, pushed, 1); // Δy_i + 1·v = Δy_i + v, exactly
    else if (pre === null) for (let i = 0; i < pushed.length; i++) Δy[i] += pushed[i]!;
    else for (let t = 0; t < pushed.length; t++) Δy[pre[t]!] += pushed[t]!;
  }
}
