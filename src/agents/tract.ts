/**
 * A layer tract: the bundle of a layer's axons. It collects one message from each of its m
 * senders and hands the whole volley on as ONE message, so a postsynaptic neuron gets its n
 * inputs x_i in one delivery instead of n (per-synapse subscriptions cost ≈ 50× in time).
 *   values[i] = value of sender i;   volley sent when all m have arrived, stamped with their tick
 * Two buffers alternate, so a volley stays intact while its receivers answer into the same tract
 * (the softmax group's second lateral round) and until the next volley has arrived: the receivers'
 * synapses keep it as their trace of x_i through the error phase and up to the next forward pass.
 */
import { allFinite } from '../core/tensor.ts';
import { Axon, type Source } from './axon.ts';
import type { Signal, Volley } from './messages.ts';

export class Tract {
  readonly volleys = new Axon<Volley>();
  private readonly buffers: [Float64Array, Float64Array];
  private collecting = 0;
  private arrived = 0;
  private readonly volley: Volley;

  constructor(readonly size: number) {
    this.buffers = [new Float64Array(size), new Float64Array(size)];
    this.volley = { tick: 0, values: this.buffers[1], finite: true };
  }

  /** Long-lived subscriptions to the senders' axons, made once when the circuit is wired. */
  connect(axons: readonly Source<Signal>[]): void {
    if (axons.length !== this.size) throw new Error(`tract of ${this.size} connected to ${axons.length} axons`);
    for (const axon of axons) axon.listen((s) => this.receive(s), 'a tract');
  }

  private receive(s: Signal): void {
    const values = this.buffers[this.collecting]!;
    values[s.neuron] = s.value;
    if (++this.arrived < this.size) return;
    this.arrived = 0;
    this.volley.tick = s.tick;
    this.volley.values = values;
    this.volley.finite = allFinite(values);
    this.collecting ^= 1;
    this.volleys.next(this.volley);
  }
}
