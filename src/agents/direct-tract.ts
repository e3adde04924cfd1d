/**
 * Direct feedback alignment's broadcast tract to one hidden layer: every output neuron k sends
 * b_ki·Δz_k for each hidden unit i of every hidden layer in one message; this tract takes its
 * layer's slice (from `offset`) and sums over the senders in arrival order (k = 0, 1, … — the
 * matrix form's order):
 *   Δy_i = Σ_k b_ki Δz_k
 * When all n_L output neurons have sent, it hands the Δy volley to its hidden layer as one message.
 * It is an ErrorTract that reads a slice of each message instead of one value per synapse.
 */
import { ErrorTract } from './error-tract.ts';
import type { ErrorSignal } from './messages.ts';

export class DirectTract extends ErrorTract {
  /** `size` hidden units receive from `senders` output neurons, at `offset` in each sender's message. */
  constructor(
    size: number,
    senders: number,
    readonly offset: number,
  ) {
    super(size, senders);
  }

  protected override gather(s: ErrorSignal, Δy: Float64Array): void {
    const pushed = s.pushed!;
    const o = this.offset;
    for (let i = 0; i < Δy.length; i++) Δy[i] += pushed[o + i]!;
  }
}
