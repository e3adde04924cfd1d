/**
 * A layer's tract under overlapping presentations: it bundles the layer's activations for one pattern
 * into one volley (values[i] = neuron i's y_i) once all have arrived, per pattern id, and hands it to
 * the next layer at once (a tract is a bundle of axons, not a hop).
 */
import { Axon, type Source } from './axon.ts';
import type { PatternActivation, PatternVolley } from './overlap-messages.ts';
import { PatternCollector } from './pattern-collector.ts';

export class OverlapTract {
  readonly volleys = new Axon<PatternVolley>();
  private readonly collector: PatternCollector<PatternActivation>;

  constructor(
    readonly size: number,
    private readonly now: () => number,
  ) {
    this.collector = new PatternCollector(size, (pattern, signals) => {
      const values = Float64Array.from(signals, (s) => s.value);
      this.volleys.next({ pattern, tick: this.now(), values });
    });
  }

  connect(axons: readonly Source<PatternActivation>[]): void {
    axons.forEach((axon, i) => {
      axon.listen((s) => this.collector.add(i, s), 'a tract');
    });
  }
}
