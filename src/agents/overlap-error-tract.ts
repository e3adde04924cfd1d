/**
 * A layer's backward tract under overlapping presentations: per pattern id, it sums what the layer's m
 * neurons push back onto each presynaptic fibre, in sender order whatever the order of arrival,
 *   Δy_i = Σ_j v_ij Δz_j     (j = 0, 1, …: the matrix form's order)
 * and hands the Δy volley, with the pattern's η, to the layer below once all m have pushed.
 * Direct feedback alignment: the output neurons broadcast b_ki·Δz_k for every hidden unit of every hidden
 * layer, laid end to end; a hidden layer's tract reads its slice, from `offset`: Δy_i = Σ_k b_ki Δz_k.
 */
import { Axon, type Source } from './axon.ts';
import type { PatternError, PatternErrorVolley } from './overlap-messages.ts';
import { PatternCollector } from './pattern-collector.ts';

export class OverlapErrorTract {
  readonly volleys = new Axon<PatternErrorVolley>();
  private readonly collector: PatternCollector<PatternError>;

  /** `size` presynaptic neurons receive what `senders` neurons push. */
  constructor(
    readonly size: number,
    readonly senders: number,
    private readonly now: () => number,
    readonly offset = 0,
  ) {
    this.collector = new PatternCollector(senders, (pattern, signals) => {
      const Δy = new Float64Array(size);
      for (const s of signals) {
        const pushed = s.pushed!;
        for (let i = 0; i < size; i++) Δy[i] += pushed[offset + i]!;
      }
      this.volleys.next({ pattern, tick: this.now(), values: Δy, η: signals[0]!.η });
    });
  }

  connect(errorAxons: readonly Source<PatternError>[]): void {
    errorAxons.forEach((axon, j) => {
      axon.listen((s) => this.collector.add(j, s), 'an error tract');
    });
  }
}
