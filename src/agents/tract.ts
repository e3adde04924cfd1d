/**
 * A layer tract: the bundle of a layer's axons. It collects one message from each of its m
 * senders and hands the whole volley on as ONE message, so a postsynaptic neuron gets its n
 * inputs x_i in one delivery instead of n (per-synapse subscriptions cost ≈ 50× in time).
 *   values[i] = value of sender i;   volley sent when all m have arrived, stamped with their tick
 * Each volley is a fresh array that nobody writes after it is sent: the receivers' synapses keep it
 * as their trace of x_i, a read-only view, through the error phase and up to the next forward pass.
 */
import { allFinite } from '../core/tensor.ts';
import { Axon, type Source } from './axon.ts';
import type { Signal, Volley } from './messages.ts';

export class Tract {
  readonly volleys = new Axon<Volley>();
  private values: Float64Array;
  private arrived = 0;

  constructor(readonly size: number) {
    this.values = new Float64Array(size);
  }

  /** Long-lived subscriptions to the senders' axons, made once when the circuit is wired. */
  connect(axons: readonly Source<Signal>[]): void {
    if (axons.length !== this.size) throw new Error(`tract of ${this.size} connected to ${axons.length} axons`);
    for (const axon of axons) axon.listen((s) => this.receive(s), 'a tract');
  }

  private receive(s: Signal): void {
    const values = this.values;
    values[s.neuron] = s.value;
    if (++this.arrived < this.size) return;
    this.arrived = 0;
    this.values = new Float64Array(this.size);
    this.volleys.next({ tick: s.tick, values, finite: allFinite(values) });
  }
}
