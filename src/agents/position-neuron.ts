/**
 * A convolution neuron: one output position (f, oy, ox). Its synapses are the kernel taps that land
 * inside the input (padding has no presynaptic neuron):
 *   z_o = b_f + Σ_t w_t · x[pre_t]     (taps in the kernel's [c][ky][kx] order, as nn/conv.ts)
 * Its weights are tied: each w_t is its own copy of kernel entry tap_t of filter f. It hands its
 * local updates x[pre_t]·Δz_o to its filter's kernel agent at the tick its error arrives (the
 * agent sums them over all positions) and takes the new kernel from the agent's broadcast after a
 * step. Its push w_t·Δz_o back to x[pre_t] is the essay's push through the kernel.
 */
import type { Observable } from 'rxjs';
import type { KernelBroadcast, WeightUpdate } from './messages.ts';
import { Neuron, type NeuronInit } from './neuron.ts';

export interface PositionNeuronInit extends Omit<NeuronInit, 'pre' | 'batch$'> {
  pre: Int32Array;
  /** Kernel entry ([c][ky][kx] index within the filter) each synapse is tied to. */
  tap: Int32Array;
  /** The filter's kernel agent's broadcasts. */
  kernel$: Observable<KernelBroadcast>;
}

export class PositionNeuron extends Neuron {
  readonly tap: Int32Array;
  /** This pattern's x[pre_t]·Δz_o per synapse, handed over to the kernel agent. */
  private readonly xΔz: Float64Array;
  private readonly handover: WeightUpdate;

  constructor(init: PositionNeuronInit) {
    super({ ...init, batch$: null });
    this.tap = Int32Array.from(init.tap);
    this.xΔz = new Float64Array(this.w.length);
    this.handover = { kind: 'weight-update', tick: 0, layer: this.layer, neuron: this.index, pre: this.pre, tap: this.tap, xΔz: this.xΔz, Δz: 0 };
    init.kernel$.subscribe((k) => this.tie(k));
  }

  protected override learnLocally(tick: number): void {
    const { x, xΔz, Δz } = this;
    const pre = this.pre!;
    for (let t = 0; t < xΔz.length; t++) xΔz[t] = x[pre[t]!]! * Δz;
    this.handover.tick = tick;
    this.handover.Δz = Δz;
    this.updates.next(this.handover);
  }

  private tie(k: KernelBroadcast): void {
    const { w, tap } = this;
    for (let t = 0; t < w.length; t++) w[t] = k.weights[tap[t]!]!;
    this.b = k.bias;
    this.behaviour.batchBoundary?.(this);
  }
}
