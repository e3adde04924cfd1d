/**
 * A layer tract: the bundle of a layer's axons. It collects one message from each of its m
 * senders and hands the whole volley on as ONE message, so a postsynaptic neuron gets its n
 * inputs x_i in one delivery instead of n (per-synapse subscriptions cost ≈ 50× in time).
 *   values[i] = value of sender i;   volley sent when all m have arrived, stamped with the latest tick
 * Messages are collected in rounds (collector.ts), so a sender a round ahead of the others (delays)
 * goes into the next volley. Each volley is a fresh array that nobody writes after it is sent: the
 * receivers' synapses keep it as their trace of x_i, a read-only view, up to the next forward pass.
 */
import { allFinite } from '../core/tensor.ts';
import { Axon, type Source } from './axon.ts';
import { Collector } from './collector.ts';
import type { Signal, Volley } from './messages.ts';
import { freshArray } from './fresh-array.ts';

export class Tract {
  readonly volleys = new Axon<Volley>();
  private readonly collector: Collector<Signal>;

  constructor(readonly size: number) {
    this.collector = new Collector(size, (signals) => this.send(signals));
  }

  /** Long-lived subscriptions to the senders' axons (sender i: values[i]), made once when the circuit is wired. */
  connect(axons: readonly Source<Signal>[]): void {
    if (axons.length !== this.size) throw new Error(`tract of ${this.size} connected to ${axons.length} axons`);
    axons.forEach((axon, i) => {
      axon.listen((s) => this.collector.add(i, s), 'a tract');
    });
  }

  private send(signals: readonly Signal[]): void {
    const values = freshArray(this.size);
    let tick = 0;
    for (let i = 0; i < values.length; i++) {
      const s = signals[i]!;
      values[i] = s.value;
      if (s.tick > tick) tick = s.tick;
    }
    this.volleys.next({ tick, values, finite: allFinite(values) });
  }
}
