/**
 * The kernel agent of one conv filter: it owns the shared kernel w[c][ky][kx] and bias b_f, sums
 * the local weight-update events of all the filter's positions (the essay's "sum the contributions")
 *   Σ_t: gw[tap_t] += x[pre_t]·Δz_o,   gb += Δz_o        (positions in (oy, ox) order, as nn/conv.ts)
 * A pattern's events are collected from all positions first (collector.ts) and summed in that order,
 * whatever the order they arrive in.
 * and at the batch boundary applies w ← w − η·(1/B)·gw, b ← b − η·(1/B)·gb, then broadcasts the
 * kernel so every position's tied synapses take it.
 */
import { nextVelocity, usesVelocity, velocityStepAndClear } from '../nn/momentum-step.ts';
import { Axon, type Source } from './axon.ts';
import { Collector } from './collector.ts';
import type { BatchBoundary, KernelBroadcast, WeightUpdate } from './messages.ts';

export class KernelAgent {
  readonly broadcast = new Axon<KernelBroadcast>();
  readonly weights: Float64Array;
  /** NaN until set: see Neuron.b. */
  bias = NaN;
  readonly gw: Float64Array;
  gb = 0;
  /** The velocity of each weight and of the bias, once a step with momentum or weight decay has been taken. */
  private velocity: Float64Array | null = null;
  private biasVelocity = 0;

  constructor(
    readonly layer: number,
    readonly filter: number,
    weights: Float64Array,
    bias: number,
    batch$: Source<BatchBoundary>,
  ) {
    this.weights = Float64Array.from(weights);
    this.bias = bias;
    this.gw = new Float64Array(this.weights.length);
    batch$.listen((s) => this.step(s), this.name);
  }

  /** Long-lived subscriptions to the filter's positions' weight-update events. */
  connect(positions: readonly Source<WeightUpdate>[]): void {
    const collector = new Collector<WeightUpdate>(positions.length, (events) => {
      for (const e of events) this.sum(e);
    });
    positions.forEach((p, k) => {
      p.listen((e) => collector.add(k, e), this.name);
    });
  }

  get name(): string {
    return `kernel agent (layer ${this.layer}, filter ${this.filter})`;
  }

  /** The experimenter's probe (the engine's gradient()): the pending sums. */
  pendingSums(): { gw: Float64Array; gb: number } {
    return { gw: this.gw, gb: this.gb };
  }

  setPendingSums(gw: ArrayLike<number>, gb: number): void {
    this.gw.set(gw);
    this.gb = gb;
  }

  private sum(e: WeightUpdate): void {
    const { gw } = this;
    const tap = e.tap!;
    const xΔz = e.xΔz;
    for (let t = 0; t < xΔz.length; t++) gw[tap[t]!] += xΔz[t]!;
    this.gb += e.Δz;
  }

  private step(s: BatchBoundary): void {
    const { weights, gw } = this;
    if (usesVelocity(s.sgd)) {
      // Each tied weight keeps its velocity beside it; the bias too.
      this.velocity ??= new Float64Array(weights.length);
      velocityStepAndClear(weights, this.velocity, gw, s.B, s.η, s.sgd);
      this.biasVelocity = nextVelocity(this.biasVelocity, this.gb, s.B, this.bias, s.sgd);
      this.bias -= s.η * this.biasVelocity;
    } else {
      const scale = s.η / s.B;
      for (let k = 0; k < weights.length; k++) weights[k] -= scale * gw[k]!;
      this.bias -= scale * this.gb;
      gw.fill(0);
    }
    this.gb = 0;
    // A copy: the kernel changes again at the next step, and a message never changes after it is sent.
    this.broadcast.next({ tick: s.tick + 1, weights: Float64Array.from(weights), bias: this.bias });
  }
}
