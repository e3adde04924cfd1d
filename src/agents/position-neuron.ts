/**
 * A convolution neuron: one output position (f, oy, ox). Its synapses are the kernel taps that land
 * inside the input (padding has no presynaptic neuron):
 *   z_o = b_f + Σ_t w_t · x[pre_t]     (taps in the kernel's [c][ky][kx] order, as nn/conv.ts)
 * Its weights are tied: each w_t is its own copy of kernel entry tap_t of filter f. It hands its
 * local updates x[pre_t]·Δz_o to its filter's kernel agent at the tick its error arrives (the
 * agent sums them over all positions) and takes the new kernel from the agent's broadcast after a
 * step. Its push w_t·Δz_o back to x[pre_t] is the essay's push through the kernel.
 */
import type { Source } from './axon.ts';
import type { KernelBroadcast } from './messages.ts';
import { Neuron, type NeuronInit } from './neuron.ts';

export interface PositionNeuronInit extends Omit<NeuronInit, 'pre' | 'batch$'> {
  pre: Int32Array;
  /** Kernel entry ([c][ky][kx] index within the filter) each synapse is tied to. */
  tap: Int32Array;
  /** The filter's kernel agent's broadcasts. */
  kernel$: Source<KernelBroadcast>;
}

export class PositionNeuron extends Neuron {
  readonly tap: Int32Array;

  constructor(init: PositionNeuronInit) {
    super({ ...init, batch$: null });
    this.tap = Int32Array.from(init.tap);
    init.kernel$.listen((k) => this.tie(k), this.name);
  }

  protected override learnLocally(tick: number): void {
    const { x, Δz } = this;
    const pre = this.pre!;
    const xΔz = new Float64Array(this.w.length); // this pattern's x[pre_t]·Δz_o per synapse
    for (let t = 0; t < xΔz.length; t++) xΔz[t] = x[pre[t]!]! * Δz;
    const { layer, index: neuron, tap } = this;
    this.updates.next({ kind: 'weight-update', tick, layer, neuron, pre, tap, xΔz, Δz });
  }

  private tie(k: KernelBroadcast): void {
    const { w, tap } = this;
    for (let t = 0; t < w.length; t++) w[t] = k.weights[tap[t]!]!;
    this.b = k.bias;
    this.behaviour.batchBoundary?.(this);
  }
}
