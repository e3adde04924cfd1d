/**
 * Direct feedback alignment's broadcast tract to one hidden layer: every output neuron k sends
 * b_ki·Δz_k for each hidden unit i of every hidden layer in one message; this tract takes its
 * layer's slice (from `offset`) and sums over the senders in arrival order (k = 0, 1, … — the
 * matrix form's order):
 *   Δy_i = Σ_k b_ki Δz_k
 * When all n_L output neurons have sent, it hands the Δy volley to its hidden layer as one message.
 */
import type { Observable } from 'rxjs';
import { Axon } from './axon.ts';
import type { ErrorSignal, Volley } from './messages.ts';

export class DirectTract {
  readonly volleys = new Axon<Volley>();
  private readonly Δy: Float64Array;
  private arrived = 0;
  private readonly volley: Volley;

  /** `size` hidden units receive from `senders` output neurons, at `offset` in each sender's message. */
  constructor(
    readonly size: number,
    readonly senders: number,
    readonly offset: number,
  ) {
    this.Δy = new Float64Array(size);
    this.volley = { tick: 0, values: this.Δy, finite: true };
  }

  connect(outputErrorAxons: readonly Observable<ErrorSignal>[]): void {
    if (outputErrorAxons.length !== this.senders) throw new Error(`direct tract of ${this.senders} senders connected to ${outputErrorAxons.length}`);
    for (const axon of outputErrorAxons) axon.subscribe((s) => this.receive(s));
  }

  private receive(s: ErrorSignal): void {
    const Δy = this.Δy;
    if (this.arrived === 0) Δy.fill(0);
    const pushed = s.pushed!;
    const o = this.offset;
    for (let i = 0; i < Δy.length; i++) Δy[i] += pushed[o + i]!;
    if (++this.arrived < this.senders) return;
    this.arrived = 0;
    this.volley.tick = s.tick;
    this.volleys.next(this.volley);
  }
}
